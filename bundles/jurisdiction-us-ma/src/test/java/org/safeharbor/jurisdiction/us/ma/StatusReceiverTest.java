package org.safeharbor.jurisdiction.us.ma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.StatusUpdate;

/** The status-parsing processor on its own (the HTTP path is in {@link StatusBackTest}). */
class StatusReceiverTest {

    private static final Jurisdiction MA = Jurisdiction.of("US-MA");
    private final RecordingReporter reporter = new RecordingReporter();

    private final StatusReceiver receiver = new StatusReceiver(MA, reporter, "");

    @Test
    void parsesAStatusMessage() {
        StatusUpdate update = receiver.parse("{\"referralId\":\"r-1\",\"intakeNumber\":\"MA-2026-000007\","
                + "\"status\":\"screened-in\",\"at\":\"2026-11-23T10:00:00Z\"}");
        assertEquals("r-1", update.referralId().value());
        assertEquals(DeliveryStatus.SCREENED_IN, update.status());
        assertEquals("MA-2026-000007", update.stateIntakeNumber());
        assertEquals(Instant.parse("2026-11-23T10:00:00Z"), update.at());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"referralId\":\"r-1\",\"status\":\"screened-in\",\"at\":\"yesterday\"}",
        "{\"referralId\":\"r-1\",\"status\":\"screened-in\",\"at\":\"2026-11-23T10:00:00Z\",\"childName\":\"x\"}",
        "{\"referralId\":\"../etc\",\"status\":\"screened-in\",\"at\":\"2026-11-23T10:00:00Z\"}",
        "{\"referralId\":\"r-1\",\"status\":\"offender\",\"at\":\"2026-11-23T10:00:00Z\"}",
        "not json",
    })
    void refusesWhatTheStatusSchemaRefuses(String body) {
        assertThrows(IllegalArgumentException.class, () -> receiver.parse(body));
    }

    private static final String VALID = "{\"referralId\":\"r-1\",\"status\":\"screened-out\",\"at\":\"2026-11-23T10:00:00Z\","
            + "\"reason\":\"no jurisdiction\"}";

    private static Exchange post(StatusReceiver processor, String body, String authorization) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(body);
        if (authorization != null) {
            exchange.getMessage().setHeader("Authorization", authorization);
        }
        processor.process(exchange);
        return exchange;
    }

    @Test
    void answers202AndReportsAValidStatus() {
        Exchange exchange = post(receiver, VALID, null);
        assertEquals(202, exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        assertEquals(DeliveryStatus.SCREENED_OUT, reporter.updates.get(0).status());
        assertEquals("no jurisdiction", reporter.updates.get(0).reason());
    }

    @Test
    void answers400AndReportsNothingForAnInvalidStatus() {
        Exchange exchange = post(receiver, VALID.replace("screened-out", "closed"), null);
        assertEquals(400, exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        assertEquals(List.of(), reporter.updates);
    }

    @Test
    void answers401WithoutTheConfiguredToken() {
        StatusReceiver guarded = new StatusReceiver(MA, reporter, "t0ken");
        assertEquals(401, post(guarded, VALID, null).getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        assertEquals(401, post(guarded, VALID, "Bearer other").getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        assertEquals(List.of(), reporter.updates);
        assertEquals(202, post(guarded, VALID, "Bearer t0ken").getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
    }

    @Test
    void answers503WhenTheCoreCannotRecordItSoDcfSendsItAgain() {
        StatusReceiver failing = new StatusReceiver(MA, new RecordingReporter() {
            @Override
            public void report(org.safeharbor.api.v1.StatusUpdate update) {
                throw new IllegalStateException("database down");
            }
        }, "");
        Exchange exchange = post(failing, VALID, null);
        assertEquals(503, exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        assertFalse(exchange.getMessage().getBody(String.class).contains("database"), "no internals in the answer");
    }
}
