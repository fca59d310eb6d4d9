package org.safeharbor.routes;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Run in a child JVM whose security properties re-enable TLS 1.0 and 1.1 on the client side (the
 * JDK disables them by default), so that only the server can refuse them. Prints the negotiated
 * protocol, or "refused".
 */
public final class TlsProbe {

    private TlsProbe() {
    }

    public static void main(String[] args) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        // the probe only asks which protocol the server agrees to; it sends nothing
        context.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(args[0], Integer.parseInt(args[1]))) {
            socket.setEnabledProtocols(new String[] {args[2]});
            socket.startHandshake();
            System.out.println(socket.getSession().getProtocol());
        } catch (java.io.IOException e) {
            System.out.println("refused");
        }
    }
}
