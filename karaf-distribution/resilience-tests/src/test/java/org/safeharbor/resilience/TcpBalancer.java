package org.safeharbor.resilience;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP load balancer in front of the cluster's nodes, as a site puts one (HAProxy, an F5, a cloud balancer in TCP
 * mode): each new connection goes to the next node in turn, and to the one after it when that node refuses the
 * connection (it is down). TLS passes through to the nodes, which share one certificate. It counts the connections
 * each node took, so a test can show that both served hospitals.
 */
final class TcpBalancer implements AutoCloseable {

    final int port = Ports.free();
    private final List<Integer> backends = new CopyOnWriteArrayList<>();
    private final Map<Integer, AtomicInteger> taken = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();
    private final ServerSocket server;
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    TcpBalancer() {
        try {
            server = new ServerSocket();
            server.bind(new InetSocketAddress("127.0.0.1", port));
        } catch (IOException e) {
            throw new IllegalStateException("no balancer on port " + port, e);
        }
        Thread acceptor = new Thread(this::accept, "balancer-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Adds a node's HTTPS port. */
    TcpBalancer backend(int backendPort) {
        backends.add(backendPort);
        taken.put(backendPort, new AtomicInteger());
        return this;
    }

    /** Connections each node took so far, by its port. */
    Map<Integer, Integer> connections() {
        Map<Integer, Integer> counts = new java.util.TreeMap<>();
        taken.forEach((port, count) -> counts.put(port, count.get()));
        return counts;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread handler = new Thread(() -> connect(client), "balancer-connection");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void connect(Socket client) {
        int first = Math.floorMod(next.getAndIncrement(), Math.max(1, backends.size()));
        for (int i = 0; i < backends.size(); i++) {
            int backendPort = backends.get((first + i) % backends.size());
            Socket backend = new Socket();
            try {
                backend.connect(new InetSocketAddress("127.0.0.1", backendPort), 1_000);
            } catch (IOException refused) {
                close(backend);
                continue; // that node is down: the next one
            }
            taken.get(backendPort).incrementAndGet();
            open.add(client);
            open.add(backend);
            pump(client, backend);
            pump(backend, client);
            return;
        }
        close(client);
    }

    /** Copies one direction until it ends, then closes both sockets (a reset on one side resets the other). */
    private void pump(Socket from, Socket to) {
        Thread copier = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // one side went away
            } finally {
                close(from);
                close(to);
            }
        }, "balancer-pump");
        copier.setDaemon(true);
        copier.start();
    }

    private void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
        open.remove(socket);
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        open.forEach(this::close);
    }
}
