package org.safeharbor.coordination;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.jurisdiction.support.v1.HttpsClient;
import org.safeharbor.jurisdiction.support.v1.NoticeRoutes;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One team's notices in the adapter's CamelContext: the kit's {@link NoticeRoutes} of the team's own purpose
 * ({@code coordination-<name>}: queue {@code referrals.US-XX.coordination-<name>}, numbered audited attempts, the
 * team's retries, its DLQ, the sweep), the route that POSTs one attempt to {@code <url>/Communication} as
 * {@code application/fhir+json}, and the watch: every {@code watchInterval}, each delivery of the team's jurisdiction
 * that now carries the state's intake number makes one notice due (recorded once per recipient by the store, then
 * queued). Logs name ids, the team and classes only.
 */
final class CoordinationRoutes extends RouteBuilder implements AutoCloseable {

    /** A referral whose notice was not recorded (its delivery moved meanwhile) is read again at the next tick; at most this many per tick. */
    static final int BATCH = 100;
    private static final Logger LOG = LoggerFactory.getLogger(CoordinationRoutes.class);

    private final Team team;
    private final NoticeRoutes notices;
    private final Redelivery retry;
    private final HttpsClient https;
    private final String watch;
    private final Duration lookback;
    private final IntakeNumbers numbers;
    private final Function<ReferralId, Optional<Referral>> referrals;
    private final CoordinationPayload payload;
    private final Clock clock;

    /**
     * @param queues the notices' queues ({@link NoticeRoutes.Queues#onTheBroker(org.safeharbor.api.v1.Jurisdiction, String)} in Karaf)
     * @param watch  the watch's timer endpoint
     */
    CoordinationRoutes(Team team, NoticeRoutes.Queues queues, String watch, Duration lookback, Redelivery retry, HttpsClient https,
                       StatusReporter reporter, IntakeNumbers numbers, Function<ReferralId, Optional<Referral>> referrals,
                       CoordinationPayload payload, Clock clock) {
        this.team = team;
        this.notices = NoticeRoutes.forPurpose(team.jurisdiction(), team.purpose(), reporter, clock, queues);
        this.retry = retry;
        this.https = https;
        this.watch = watch;
        this.lookback = lookback;
        this.numbers = numbers;
        this.referrals = referrals;
        this.payload = payload;
        this.clock = clock;
    }

    /** The prefix of this team's route ids: {@code US-XX-coordination-<name>-}. */
    String routePrefix() {
        return team.jurisdiction().code() + "-" + team.purpose() + "-";
    }

    @Override
    public void configure() {
        // a failed attempt goes back to the notices' queue route, whose dead-letter channel retries it (the kit's)
        errorHandler(noErrorHandler());
        https.install(getContext());
        notices.configure(this, retry);
        from(NoticeRoutes.sendEndpoint(team.jurisdiction(), team.purpose())).routeId(routePrefix() + "notice-send")
                .setHeader(Exchange.HTTP_METHOD, constant("POST"))
                .setHeader(Exchange.CONTENT_TYPE, constant("application/fhir+json"))
                .to(https.endpoint(team.communicationUrl()));
        from(watch).routeId(routePrefix() + "watch")
                // one node watches (DeliveryContract.SINGLETON_ROUTES)
                .routeGroup(DeliveryContract.SINGLETON_ROUTES)
                .doTry()
                    .process(exchange -> watch())
                .doCatch(Exception.class)
                    // a failed run is logged by its class and tried at the next tick
                    .process(exchange -> LOG.warn("{}: the coordination watch of team {} failed ({}); tried again at the next tick",
                            team.jurisdiction(), team.name(), exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).getClass().getSimpleName()))
                .end();
    }

    /** Makes each newly numbered delivery's notice due; returns how many were recorded now. */
    int watch() {
        int due = 0;
        for (IntakeNumbers.Numbered numbered : numbers.withoutNotice(team.jurisdiction(), team.recipient(),
                clock.instant().minus(lookback), BATCH)) {
            Referral referral = null;
            if (team.disclosesPersonalData()) {
                Optional<Referral> found = referrals.apply(numbered.referralId());
                if (found.isEmpty()) {
                    continue; // deleted by retention meanwhile: nothing to tell
                }
                referral = found.get();
            }
            String communication = payload.write(team, numbered.referralId(), numbered.intakeNumber(), referral, clock.instant());
            if (notices.due(new StatusUpdate(numbered.referralId(), team.jurisdiction(), numbered.status(), numbered.intakeNumber(),
                    clock.instant(), null), team.recipient(), communication)) {
                due++;
            }
        }
        return due;
    }

    @Override
    public void close() throws Exception {
        notices.close();
    }
}
