package org.safeharbor.jurisdiction.support.v1;

import java.time.Clock;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.osgi.annotation.versioning.ConsumerType;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.json.v1.ReferralJson;

/**
 * The routes of a jurisdiction bundle. Extend it in the bundle's DS component (which also
 * implements {@link JurisdictionAdapter}); the core adds these routes when the component arrives.
 *
 * <p>This class builds the receiving route, the same for every state:
 * <pre>
 * amqp:queue:referrals.US-XX ─▶ read the canonical referral ─▶ the state's rules (takes? what to send?)
 *        ├─ nothing for this state ─▶ report NOT_SENT
 *        └─ the state's payload ─▶ direct:US-XX-deliver  (the bundle's own transport, {@link #configureDelivery})
 *             ├─ a passing failure (state down, timeout) ─▶ retried with backoff ({@link #redelivery()}),
 *             │      then the original referral ─▶ referrals.US-XX.DLQ, report FAILED
 *             └─ the state refuses it ({@link StateRejectedException}) ─▶ referrals.US-XX.quarantine at once,
 *                    report REJECTED with the state's reason
 * </pre>
 * The delivery route receives the state's payload as body, the referral in the exchange property
 * {@link #REFERRAL} and the id in the header {@link ReferralJson#HEADER_REFERRAL_ID}; it reports what
 * the state answered with {@link #report}.
 */
@ConsumerType
public abstract class JurisdictionRoutes extends RouteBuilder {

    /** Exchange property holding the canonical {@link Referral}. */
    public static final String REFERRAL = "safeharborReferral";

    /** Exchange property holding the canonical JSON as received, for the quarantine. */
    private static final String ORIGINAL = "safeharborOriginal";

    private final Clock clock;

    protected JurisdictionRoutes() {
        this(Clock.systemUTC());
    }

    protected JurisdictionRoutes(Clock clock) {
        this.clock = clock;
    }

    /** The adapter whose rules and format apply (normally {@code this}). */
    protected abstract JurisdictionAdapter adapter();

    /** Where statuses go: the core's {@link StatusReporter} service. */
    protected abstract StatusReporter statusReporter();

    /**
     * Defines the route that delivers the state's payload, starting {@code from(deliveryEndpoint)},
     * and reports the state's answer with {@link #report}.
     */
    protected abstract void configureDelivery(String deliveryEndpoint) throws Exception;

    /** The queue consumer; transacted, so a crash mid-delivery leaves the referral on the queue. */
    protected String queueEndpoint() {
        return "amqp:queue:" + adapter().jurisdiction().queueName() + "?transacted=true";
    }

    /** Where referrals go after the last retry: {@code referrals.US-XX.DLQ}. */
    protected String deadLetterEndpoint() {
        return "amqp:queue:" + adapter().jurisdiction().queueName() + ".DLQ";
    }

    /** Where referrals the state refused go: {@code referrals.US-XX.quarantine}. */
    protected String quarantineEndpoint() {
        return "amqp:queue:" + adapter().jurisdiction().queueName() + ".quarantine";
    }

    /** This jurisdiction's retry policy; a bundle returns the one from its configuration. */
    protected Redelivery redelivery() {
        return Redelivery.DEFAULT;
    }

    @Override
    public void configure() throws Exception {
        Jurisdiction jurisdiction = adapter().jurisdiction();
        String deliver = "direct:" + jurisdiction.code() + "-deliver";
        // the bundle's own routes hand every failure back to the receiving route, whose policy
        // (retry with backoff, dead letters, quarantine) applies: one place decides
        errorHandler(noErrorHandler());
        Redelivery retry = redelivery();
        from(queueEndpoint()).routeId(jurisdiction.code() + "-receive")
                .errorHandler(deadLetterChannel(deadLetterEndpoint())
                        // the canonical referral, not the half-built state payload, goes to the DLQ
                        .useOriginalMessage()
                        .maximumRedeliveries(retry.maximumRedeliveries())
                        .redeliveryDelay(retry.firstDelay().toMillis())
                        .useExponentialBackOff().backOffMultiplier(retry.multiplier())
                        .maximumRedeliveryDelay(retry.maximumDelay().toMillis())
                        .retryAttemptedLogLevel(org.apache.camel.LoggingLevel.WARN)
                        .logStackTrace(false).logExhaustedMessageHistory(false).logExhaustedMessageBody(false)
                        .onPrepareFailure(exchange -> reportGaveUp(exchange, retry)))
                // matched by predicate, not by class name: Camel loads onException classes through the
                // CamelContext's class loader (the platform bundle), which cannot see this bundle
                .onException(Exception.class).onWhen(JurisdictionRoutes::isRefusal).maximumRedeliveries(0).handled(true)
                    .process(this::reportRejected)
                    .setBody(exchangeProperty(ORIGINAL))
                    .to(quarantineEndpoint())
                .end()
                .setProperty(ORIGINAL, body())
                .process(this::toStatePayload)
                .filter(body().isNotNull())
                .to(deliver);
        configureDelivery(deliver);
    }

    /** Reads the referral and turns it into the state's payload, or reports that nothing is sent. */
    private void toStatePayload(Exchange exchange) {
        Referral referral = ReferralJson.INSTANCE.read(exchange.getMessage().getBody(String.class));
        exchange.setProperty(REFERRAL, referral);
        exchange.getMessage().setHeader(ReferralJson.HEADER_REFERRAL_ID, referral.id().value());
        Jurisdiction jurisdiction = adapter().jurisdiction();
        Optional<String> payload = adapter().takes(referral) ? adapter().format().write(referral) : Optional.empty();
        if (payload.isEmpty()) {
            statusReporter().report(new StatusUpdate(referral.id(), jurisdiction, DeliveryStatus.NOT_SENT, null, clock.instant(),
                    adapter().takes(referral) ? "nothing in this referral is reported to " + jurisdiction.code() + " under its rules"
                            : "not a " + jurisdiction.code() + " case under its rules"));
            exchange.getMessage().setBody(null);
            return;
        }
        exchange.getMessage().setBody(payload.get());
    }

    /** True when the failure is the state refusing the report (anywhere in the cause chain). */
    private static boolean isRefusal(Exchange exchange) {
        return refusal(exchange) != null;
    }

    private static StateRejectedException refusal(Exchange exchange) {
        Throwable failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StateRejectedException rejected) {
                return rejected;
            }
        }
        return null;
    }

    private void reportRejected(Exchange exchange) {
        Exception cause = refusal(exchange);
        report(exchange, DeliveryStatus.REJECTED, "refused by " + adapter().jurisdiction().code() + ": "
                + (cause == null ? "no reason given" : cause.getMessage()) + "; kept in quarantine");
    }

    private void reportGaveUp(Exchange exchange, Redelivery retry) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (refusal(exchange) != null) {
            return; // Camel prepares every failure this way; a refusal is reported REJECTED by its own handler
        }
        report(exchange, DeliveryStatus.FAILED, "delivery gave up after " + (retry.maximumRedeliveries() + 1) + " attempts ("
                + (cause == null ? "unknown error" : cause.getClass().getSimpleName()) + "); on the dead-letter queue");
    }

    /** Reports for the referral the exchange carries (read again from the body if not read yet). */
    private void report(Exchange exchange, DeliveryStatus status, String reason) {
        Referral referral = exchange.getProperty(REFERRAL, Referral.class);
        if (referral == null) {
            try {
                referral = ReferralJson.INSTANCE.read(exchange.getMessage().getBody(String.class));
            } catch (IllegalArgumentException unreadable) {
                return; // not a referral at all: nothing to report it against; the DLQ keeps it
            }
        }
        statusReporter().report(new StatusUpdate(referral.id(), adapter().jurisdiction(), status, null, clock.instant(), reason));
    }

    /**
     * A processor reporting a status for the exchange's referral. {@code intakeNumber} may be null
     * or an expression such as {@code header("intakeNumber")}; {@code reason} must hold no personal data.
     */
    protected Processor report(DeliveryStatus status, org.apache.camel.Expression intakeNumber, String reason) {
        return exchange -> {
            Referral referral = exchange.getProperty(REFERRAL, Referral.class);
            String number = intakeNumber == null ? null : intakeNumber.evaluate(exchange, String.class);
            statusReporter().report(new StatusUpdate(referral.id(), adapter().jurisdiction(), status, number, clock.instant(), reason));
        };
    }
}
