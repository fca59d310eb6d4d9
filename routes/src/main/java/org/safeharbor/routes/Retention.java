package org.safeharbor.routes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.safeharbor.store.MessageStore;
import org.safeharbor.store.Operations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention of the message store (PID {@code org.safeharbor.retention}): deletes, once an interval,
 * what is past its retention. Errored and dead-lettered referrals are kept longer than delivered
 * ones; a referral not yet delivered is never deleted (see {@link MessageStore#purge}).
 */
@Component(immediate = true, configurationPid = Retention.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = Retention.Config.class)
public class Retention {

    static final String PID = "org.safeharbor.retention";
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    @ObjectClassDefinition(name = "SafeHarbor Bridge message-store retention")
    public @interface Config {
        @AttributeDefinition(description = "ISO-8601 time a referral delivered to every jurisdiction is kept, from its receipt")
        String delivered() default "P90D";

        @AttributeDefinition(description = "ISO-8601 time a referral with a failed (dead-lettered) or rejected delivery is kept")
        String errored() default "P365D";

        @AttributeDefinition(description = "ISO-8601 time a submission refused at intake is kept for inspection")
        String rejectedSubmissions() default "P365D";

        @AttributeDefinition(description = "ISO-8601 interval between sweeps (of the store, and of the dead-letter and quarantine queues)")
        String interval() default "PT1H";

        @AttributeDefinition(description = "ISO-8601 time a message waits on a dead-letter or quarantine queue (referrals.US-XX.DLQ,"
                + " .quarantine, .notices.DLQ) before the core takes it off the broker into the message store's records, from which"
                + " harbor:dead-letters still lists it and harbor:replay still sends it (QueueExpiry)")
        String deadLetterExpiry() default "P30D";
    }

    private final MessageStore store;
    private final Clock clock;
    private final Duration delivered;
    private final Duration errored;
    private final Duration rejected;
    private final ScheduledExecutorService sweeper;
    private volatile boolean stopping;
    /** Whether this node runs the singleton work now: of several nodes on one database, one sweeps. */
    private final java.util.function.BooleanSupplier leading;

    @Activate
    public Retention(@Reference MessageStore store, @Reference Singletons singletons, Config config) {
        this(store, config, Clock.systemUTC(), singletons::leading);
    }

    Retention(MessageStore store, Config config, Clock clock) {
        this(store, config, clock, () -> true);
    }

    Retention(MessageStore store, Config config, Clock clock, java.util.function.BooleanSupplier leading) {
        this.leading = leading;
        this.store = store;
        this.clock = clock;
        this.delivered = duration("delivered", config.delivered());
        this.errored = duration("errored", config.errored());
        this.rejected = duration("rejectedSubmissions", config.rejectedSubmissions());
        if (errored.compareTo(delivered) < 0) {
            throw new IllegalArgumentException(PID + ": errored (" + errored + ") must be at least delivered (" + delivered + ")");
        }
        Duration interval = duration("interval", config.interval());
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "safeharbor-retention"));
        sweeper.scheduleWithFixedDelay(this::sweepLogged, 60_000, interval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Retention: delivered {}, errored {}, refused submissions {}, swept every {}", delivered, errored, rejected, interval);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        // no interrupt (shutdownNow): one that reaches the embedded H2 inside its file I/O closes the whole database. A
        // sweep in progress stops after the batch it is deleting (each batch is its own transaction)
        stopping = true;
        sweeper.shutdown();
        if (!sweeper.awaitTermination(30, TimeUnit.SECONDS)) {
            LOG.warn("Retention: a sweep still deleting after 30 s is left to stop after its batch");
        }
    }

    /**
     * One sweep; returns what it deleted. Listed as a long operation ({@code harbor:operations}, the console) while it
     * runs; when it has more than one batch to delete, each batch is logged ("deleted 500 of 1100").
     */
    MessageStore.Purged sweep() {
        Instant now = clock.instant();
        Operations.Operation op = store.operations().start(Operations.Kind.RETENTION_PURGE, "store", "adapter");
        try {
            boolean[] several = {false};
            MessageStore.Purged purged = store.purge(now.minus(delivered), now.minus(errored), now.minus(rejected), (done, total) -> {
                if (stopping) {
                    throw new CancellationException("stopped after " + done + " of " + total); // the next start sweeps the rest
                }
                op.progress(done, total);
                several[0] |= done < total;
                if (several[0]) {
                    LOG.info("Retention: deleted {} of {} referrals past their retention", done, total);
                }
            });
            int keys = store.purgeDeliveredKeys(now.minus(delivered));
            if (purged.referrals() > 0 || purged.rejections() > 0 || keys > 0) {
                LOG.info("Retention: deleted {} referrals, {} refused submissions, {} delivered-message keys", purged.referrals(),
                        purged.rejections(), keys);
            }
            op.done(purged.referrals() + " referral(s), " + purged.rejections() + " refused submission(s), " + keys + " delivered-message key(s) deleted");
            return purged;
        } catch (RuntimeException e) {
            op.failed(e.getClass().getSimpleName());
            throw e;
        }
    }

    private void sweepLogged() {
        if (!leading.getAsBoolean()) {
            return; // another node holds the singleton lease and sweeps
        }
        try {
            sweep();
        } catch (CancellationException stopped) {
            LOG.info("Retention sweep stopped with the component; the rest at the next start");
        } catch (RuntimeException e) {
            LOG.warn("Retention sweep failed ({}); retried at the next interval", e.getClass().getSimpleName());
        }
    }

    static Duration duration(String key, String value) {
        try {
            return Duration.parse(value.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(PID + ": " + key + " must be an ISO-8601 duration such as P90D, not " + value);
        }
    }
}
