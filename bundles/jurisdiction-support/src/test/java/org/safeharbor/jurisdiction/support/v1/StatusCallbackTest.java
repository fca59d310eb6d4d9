package org.safeharbor.jurisdiction.support.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Jurisdiction;

/** The status call-back's door: the caller first, then the bound, then the body; answers of ours only. */
class StatusCallbackTest {

    private static final Jurisdiction ZZ = Jurisdiction.of("US-ZZ");
    private static final String STATUS = "{\"referralId\":\"r-1\",\"status\":\"received\"}";

    private final StatusCallback door = new StatusCallback(ZZ, new StatusCallers("t0ken", ""), 100)
            .answers("application/json", text -> "{\"error\":\"" + text + "\"}");

    private static Exchange post(Object body, String authorization) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(body);
        exchange.getMessage().setHeader("X-Canary", "a request header");
        if (authorization != null) {
            exchange.getMessage().setHeader("Authorization", authorization);
        }
        return exchange;
    }

    @Test
    void aCallerWithTheTokenGetsTheBodyAsText() {
        Exchange exchange = post(new ByteArrayInputStream(STATUS.getBytes(StandardCharsets.UTF_8)), "Bearer t0ken");
        assertEquals(STATUS, door.admit(exchange));
        assertNull(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE), "not answered: the state's code answers");
        assertTrue(exchange.getMessage().getHeaders().isEmpty(), "no request header goes back: " + exchange.getMessage().getHeaders());
    }

    @Test
    void aCallerWithoutItIsAnswered401BeforeAByteIsRead() {
        ByteArrayInputStream unread = new ByteArrayInputStream(STATUS.getBytes(StandardCharsets.UTF_8));
        for (String wrong : new String[] {null, "Bearer other", "t0ken"}) {
            Exchange exchange = post(unread, wrong);
            assertNull(door.admit(exchange));
            assertEquals(401, exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
            assertEquals("Bearer realm=\"us-zz-status\"", exchange.getMessage().getHeader("WWW-Authenticate"));
            assertEquals("{\"error\":\"unauthorized\"}", exchange.getMessage().getBody(String.class));
            assertNull(exchange.getMessage().getHeader("X-Canary"));
        }
        assertEquals(STATUS.length(), unread.available(), "not a byte of the body was read");
    }

    @Test
    void aBodyOverTheBoundIsAnswered413ReadNoFurtherThanOneBytePastIt() {
        ByteArrayInputStream big = new ByteArrayInputStream(new byte[10_000]);
        Exchange exchange = post(big, "Bearer t0ken");
        assertNull(door.admit(exchange));
        assertEquals(413, exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        assertEquals(10_000 - 101, big.available());
        Exchange text = post("x".repeat(101), "Bearer t0ken");
        assertNull(door.admit(text), "a body already read is bounded as well");
        assertEquals(413, text.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
    }

    @Test
    void withoutACredentialItIsNotEnabledAndABoundBelowOneIsRefused() {
        assertFalse(new StatusCallback(ZZ, new StatusCallers(" ", ""), 100).enabled());
        assertTrue(door.enabled());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StatusCallback(ZZ, new StatusCallers("t0ken", ""), 0));
        assertTrue(e.getMessage().contains("statusMaxBodyBytes"), e.getMessage());
    }

    @Test
    void theServletConsumerIsPostOnlyUnreadAndMute() {
        assertEquals("servlet:/jurisdictions/us-zz/status?httpMethodRestrict=POST&disableStreamCache=true&muteException=true",
                StatusCallback.servlet("/jurisdictions/us-zz/status"));
    }

    @Test
    void anAnswerWithoutTextHasNoBody() {
        Exchange exchange = post("ignored", "Bearer t0ken");
        door.answer(exchange.getMessage(), 202, null);
        assertEquals(202, exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        assertNull(exchange.getMessage().getBody());
        door.answer(exchange.getMessage(), 404, "no such referral");
        assertEquals("application/json", exchange.getMessage().getHeader(Exchange.CONTENT_TYPE));
        assertEquals("{\"error\":\"no such referral\"}", exchange.getMessage().getBody(String.class));
    }
}
