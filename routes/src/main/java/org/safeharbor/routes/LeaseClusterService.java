package org.safeharbor.routes;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.support.cluster.AbstractCamelClusterService;
import org.apache.camel.support.cluster.AbstractCamelClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;

/**
 * A Camel cluster service whose leadership is a lease row in the shared database ({@link LockProvider}: ShedLock's
 * table {@code shedlock}, times on the database's clock). A view's node takes the lease when it is free or expired,
 * renews it every {@code renew}, and is leader while it holds it; Camel's {@code ClusteredRoutePolicy} starts and stops
 * the singleton routes on those events ({@link Singletons}).
 *
 * <p>Bounds: a node that dies holds the lease at most {@code lease} longer; another takes it at its next try, at most
 * {@code renew} later. A leader that cannot renew (the database is away) gives up leadership before its lease can have
 * expired, so two nodes never run the singleton work at once on any clock: the lease's end is the database's, the
 * give-up is measured on this node's monotonic clock from before the last renewal was asked.
 *
 * <p>Without a lock provider (the embedded database, which only one process can open) this node is the only one and
 * leads from the start.
 */
final class LeaseClusterService extends AbstractCamelClusterService<LeaseClusterService.View> {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseClusterService.class);

    private final LockProvider locks;
    private final String node;
    private final Duration lease;
    private final Duration renew;

    /**
     * @param locks null: this node alone (always leader)
     * @param node  this node's name in the lease row ({@code locked_by}); unique per running process
     */
    LeaseClusterService(LockProvider locks, String node, Duration lease, Duration renew) {
        if (renew.compareTo(lease.dividedBy(2)) > 0) {
            throw new IllegalArgumentException("the lease must last at least twice its renewal period, not " + lease + " for " + renew);
        }
        this.locks = locks;
        this.node = node;
        this.lease = lease;
        this.renew = renew;
        setId("safeharbor-lease");
    }

    String node() {
        return node;
    }

    @Override
    protected View createView(String namespace) {
        return new View(namespace);
    }

    /** This node as a member of a view. */
    private record Member(String getId, boolean local, View view) implements CamelClusterMember {
        @Override
        public boolean isLeader() {
            return view.leader;
        }

        @Override
        public boolean isLocal() {
            return local;
        }
    }

    /** One lease (one namespace): this node holds it or not. */
    final class View extends AbstractCamelClusterView {

        private final Member local = new Member(node, true, this);
        private ScheduledExecutorService timer;
        /** The lease held (null: not held, or this node alone). */
        private SimpleLock held;
        /** System.nanoTime() before the last successful take or renewal: the lease runs at most {@code lease} from it. */
        private long heldSince;
        private volatile boolean leader;

        View(String namespace) {
            super(LeaseClusterService.this, namespace);
        }

        @Override
        public Optional<CamelClusterMember> getLeader() {
            // another node's leadership is in the database, not known here: empty means "not this node"
            return leader ? Optional.of(local) : Optional.empty();
        }

        @Override
        public CamelClusterMember getLocalMember() {
            return local;
        }

        @Override
        public List<CamelClusterMember> getMembers() {
            return List.of(local);
        }

        @Override
        protected void doStart() {
            if (locks == null) {
                leader = true;
                LOG.info("Singleton work ({}): this node alone (embedded database)", getNamespace());
                fireLeadershipChangedEvent(local);
                return;
            }
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "safeharbor-lease-" + getNamespace());
                thread.setDaemon(true);
                return thread;
            });
            // The first try runs here, on the thread that asked for the view: a ClusteredRoutePolicy asks for it as it
            // initialises its route, and sees the outcome before it decides whether Camel starts the route. Taken on
            // the timer instead, the lease could arrive in the middle of that decision, and the policy would then try
            // to start a route Camel has not registered yet, which Camel ignores: the route stayed stopped though this
            // node held the lease (an in-order state was never delivered: a CI run of ProductionProfileIT).
            tick();
            timer.scheduleWithFixedDelay(this::tick, renew.toMillis(), renew.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        protected void doStop() {
            if (timer != null) {
                timer.shutdownNow();
                try {
                    timer.awaitTermination(renew.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                timer = null;
            }
            synchronized (this) {
                if (held != null) {
                    try {
                        // handed over at once: another node takes it at its next try instead of after the lease
                        held.unlock();
                        LOG.info("Singleton work ({}): node {} gave the lease back (stopping)", getNamespace(), node);
                    } catch (RuntimeException e) {
                        LOG.warn("Singleton work ({}): the lease could not be given back ({}); it ends by itself within {}",
                                getNamespace(), e.getClass().getSimpleName(), lease);
                    }
                    held = null;
                }
            }
            if (leader) {
                leader = false;
                fireLeadershipChangedEvent(Optional.empty());
            }
        }

        /** One try: take the lease if not held, renew it if held. */
        synchronized void tick() {
            long asked = System.nanoTime();
            try {
                if (held == null) {
                    Optional<SimpleLock> taken = locks.lock(new LockConfiguration(Instant.now(), getNamespace(), lease, Duration.ZERO));
                    if (taken.isPresent()) {
                        held = taken.get();
                        heldSince = asked;
                        leader = true;
                        LOG.info("Singleton work ({}): node {} took the lease ({} renewed every {})", getNamespace(), node, lease, renew);
                        fireLeadershipChangedEvent(local);
                    }
                    return;
                }
                Duration sinceLast = Duration.ofNanos(asked - heldSince);
                Optional<SimpleLock> renewed = held.extend(lease, Duration.ZERO);
                Duration took = Duration.ofNanos(System.nanoTime() - asked);
                if (sinceLast.compareTo(renew.multipliedBy(2)) > 0 || took.compareTo(renew) > 0) {
                    // the lease runs out unless renewed: say whether this node's timer was late or the database slow
                    LOG.warn("Singleton work ({}): lease renewal late: {} ms since the last one (every {} ms), the database took {} ms",
                            getNamespace(), sinceLast.toMillis(), renew.toMillis(), took.toMillis());
                }
                if (renewed.isPresent()) {
                    held = renewed.get();
                    heldSince = asked;
                } else {
                    lose("the lease was no longer this node's");
                }
            } catch (RuntimeException e) {
                // the database is away (or refused): keep leading only while the lease surely still runs
                if (held != null && System.nanoTime() - heldSince >= lease.minus(renew).toNanos()) {
                    lose("the lease could not be renewed in time (" + e.getClass().getSimpleName() + ")");
                } else {
                    LOG.warn("Singleton work ({}): lease not {} ({}); tried again in {}", getNamespace(),
                            held == null ? "taken" : "renewed", e.getClass().getSimpleName(), renew);
                }
            }
        }

        private void lose(String why) {
            held = null;
            leader = false;
            LOG.warn("Singleton work ({}): node {} stopped it: {}", getNamespace(), node, why);
            fireLeadershipChangedEvent(Optional.empty());
        }
    }
}
