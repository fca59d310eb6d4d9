package org.safeharbor.jurisdiction.support.v1;

import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a state that receives referrals in batch files shares with any other: Camel's Aggregator collects each attempt's
 * payload into the open batch by referral id ({@link #byReferralId()}, kept in a {@link SealedAggregationRepository});
 * once the batch file is on the state's server every referral in it is DELIVERED ({@link #delivered}); the state's
 * answers, read from its files, are reported ({@link #report}) never before the DELIVERED of a batch going out: one lock
 * is held while a batch goes out ({@link #lock}, {@link #unlock}) and while a status file is reported.
 */
public final class ReferralBatches {

    /** Property of a completed batch's exchange: its referral ids, in arrival order ({@link #payloads}). */
    public static final String REFERRALS = "safeharborBatchReferrals";

    private static final Logger LOG = LoggerFactory.getLogger(ReferralBatches.class);

    private final Jurisdiction jurisdiction;
    private final StatusReporter reporter;
    private final Clock clock;
    private final Semaphore inFlight = new Semaphore(1);

    public ReferralBatches(Jurisdiction jurisdiction, StatusReporter reporter, Clock clock) {
        this.jurisdiction = jurisdiction;
        this.reporter = reporter;
        this.clock = clock;
    }

    /**
     * The Aggregator's strategy: the open batch is a map of referral id ({@link DeliveryContract#STATE_REFERRAL_ID}) to
     * the attempt's payload, in arrival order; a redelivered referral replaces its own. The first attempt's exchange is
     * kept, as camel-sql's repository wants, without the attempt's headers.
     */
    public static AggregationStrategy byReferralId() {
        return (batch, attempt) -> {
            String referralId = attempt.getMessage().getHeader(DeliveryContract.STATE_REFERRAL_ID, String.class);
            String payload = attempt.getMessage().getBody(String.class);
            if (batch == null) {
                attempt.getMessage().setHeaders(new HashMap<>());
                attempt.getMessage().setBody(new LinkedHashMap<>(Map.of(referralId, payload)));
                return attempt;
            }
            @SuppressWarnings("unchecked")
            Map<String, String> referrals = batch.getMessage().getBody(Map.class);
            referrals.put(referralId, payload);
            return batch;
        };
    }

    /** The payloads of a completed batch, in arrival order; its referral ids go to property {@link #REFERRALS}. */
    public static List<String> payloads(Exchange completed) {
        @SuppressWarnings("unchecked")
        Map<String, String> referrals = completed.getMessage().getBody(Map.class);
        completed.setProperty(REFERRALS, List.copyOf(referrals.keySet()));
        return List.copyOf(referrals.values());
    }

    /** Taken before a batch goes out, so that a fast answer is never reported before its DELIVERED. */
    public void lock(Exchange batch) throws InterruptedException {
        inFlight.acquire();
    }

    /** Given back once the batch is out, or failed to go (in the route's {@code doFinally}). */
    public void unlock(Exchange batch) {
        inFlight.release();
    }

    /** The batch file is on the state's server ({@code where}, e.g. the file): every referral in it is DELIVERED. */
    public void delivered(Exchange batch, String where) {
        @SuppressWarnings("unchecked")
        List<String> referrals = batch.getProperty(REFERRALS, List.class);
        for (String id : referrals) {
            reporter.report(new StatusUpdate(new ReferralId(id), jurisdiction, DeliveryStatus.DELIVERED, null, clock.instant(), where));
        }
        LOG.info("{}: {} referral(s) delivered {}", jurisdiction, referrals.size(), where);
    }

    /**
     * Reports the statuses one file of the state holds, once no batch is going out. A status for a referral never
     * delivered to this state is skipped (logged by {@link StatusOutcome}), or the file would be read for ever; one the
     * core could not record fails the whole file with {@link IllegalStateException}, so that it stays on the server and
     * is read again (a status recorded twice is noted, not applied).
     */
    public void report(List<StatusUpdate> updates, String file) throws InterruptedException {
        inFlight.acquire();
        try {
            for (StatusUpdate update : updates) {
                if (StatusOutcome.report(reporter, update) == StatusOutcome.NOT_RECORDED) {
                    throw new IllegalStateException(jurisdiction + " status file " + file + ": a status was not recorded");
                }
            }
        } finally {
            inFlight.release();
        }
        LOG.info("{} status file {}: {} status line(s)", jurisdiction, file, updates.size());
    }
}
