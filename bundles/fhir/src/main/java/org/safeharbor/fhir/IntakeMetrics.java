package org.safeharbor.fhir;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.safeharbor.auth.Caller;

/**
 * Counts every submission (a POST to the intake) by its outcome and the client that made it
 * ({@value #SUBMISSIONS}), and times it from the request's arrival to its answer ({@value #LATENCY}, by outcome).
 * Outcomes: {@code accepted}, {@code duplicate} (accepted earlier; nothing new), {@code refused} (4xx: the submission
 * is wrong), {@code unauthorized} (401, 403), {@code throttled} (429) and {@code error} (5xx: not processed, the
 * hospital resends). The client is the id of the registered client its token names, {@code anonymous} for a caller
 * without a valid token: never anything it sent.
 */
@Interceptor
public final class IntakeMetrics {

    public static final String SUBMISSIONS = "safeharbor.submissions";
    public static final String LATENCY = "safeharbor.intake.latency";
    /** Request user-data key: when the request arrived ({@link System#nanoTime()}). */
    private static final String STARTED = "safeharbor.metrics.started";
    /** Request user-data key: whether the accepted submission created a referral (false: it was a resend). */
    static final String CREATED = "safeharbor.created";

    private final MeterRegistry meters;

    public IntakeMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    // before the other interceptors of this pointcut, so the time of a refusal they make is counted too
    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = -200)
    public void arrived(RequestDetails request) {
        request.getUserData().put(STARTED, System.nanoTime());
    }

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public void answered(RequestDetails request) {
        if (request.getRequestType() == RequestTypeEnum.POST && request.getUserData().get(IntakeProvider.ACCEPTED_TASK) != null) {
            record(request, Boolean.FALSE.equals(request.getUserData().get(CREATED)) ? "duplicate" : "accepted");
        }
    }

    @Hook(Pointcut.SERVER_HANDLE_EXCEPTION)
    public boolean refused(RequestDetails request, BaseServerResponseException exception) {
        if (request.getRequestType() == RequestTypeEnum.POST) {
            record(request, outcome(exception.getStatusCode()));
        }
        return true;
    }

    static String outcome(int status) {
        if (status == 401 || status == 403) {
            return "unauthorized";
        }
        if (status == IntakeInterceptors.TOO_MANY_REQUESTS) {
            return "throttled";
        }
        return status >= 500 ? "error" : "refused";
    }

    private void record(RequestDetails request, String outcome) {
        Caller caller = BearerAuthentication.caller(request);
        Object started = request.getUserData().get(STARTED);
        submission(caller == null ? "anonymous" : caller.clientId(), outcome,
                started instanceof Long at ? System.nanoTime() - at : -1);
    }

    /** Counts one submission, and times it unless {@code nanos} is negative (it was refused before it was timed). */
    public void submission(String client, String outcome, long nanos) {
        Counter.builder(SUBMISSIONS).description("Submissions to the FHIR intake by outcome and client")
                .tag("client", client).tag("outcome", outcome).register(meters).increment();
        if (nanos >= 0) {
            Timer.builder(LATENCY).description("Time from a submission's arrival to its answer, by outcome")
                    .tag("outcome", outcome).publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                    .register(meters).record(nanos, TimeUnit.NANOSECONDS);
        }
    }
}
