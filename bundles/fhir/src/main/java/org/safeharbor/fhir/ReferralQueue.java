package org.safeharbor.fhir;

import org.apache.camel.builder.RouteBuilder;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.json.v1.ReferralJson;

/**
 * Puts a canonical referral on a jurisdiction's durable queue: a persistent AMQP message on
 * {@code referrals.US-XX}, sent synchronously, so when {@code send} returns the broker has it.
 */
public class ReferralQueue extends RouteBuilder {

    static final String ENDPOINT = "direct:enqueue-referral";
    private static final String QUEUE = "safeharborQueue";

    @Override
    public void configure() {
        from(ENDPOINT).routeId("intake-enqueue")
                .toD("amqp:queue:${exchangeProperty." + QUEUE + "}?deliveryPersistent=true&jmsMessageType=Text");
    }

    /** Sends one referral to one jurisdiction's queue; throws if the broker did not take it. */
    void send(org.apache.camel.ProducerTemplate producer, Referral referral, Jurisdiction jurisdiction) {
        send(producer, referral, jurisdiction, java.util.Map.of());
    }

    /** As {@link #send(org.apache.camel.ProducerTemplate, Referral, Jurisdiction)}, with more headers (a replay's). */
    void send(org.apache.camel.ProducerTemplate producer, Referral referral, Jurisdiction jurisdiction, java.util.Map<String, Object> headers) {
        org.apache.camel.Exchange result = producer.send(ENDPOINT, org.apache.camel.ExchangePattern.InOnly, exchange -> {
            headers.forEach(exchange.getMessage()::setHeader);
            exchange.setProperty(QUEUE, jurisdiction.queueName());
            exchange.getMessage().setBody(ReferralJson.INSTANCE.write(referral));
            exchange.getMessage().setHeader(ReferralJson.HEADER_REFERRAL_ID, referral.id().value());
            exchange.getMessage().setHeader(ReferralJson.HEADER_JURISDICTION, jurisdiction.code());
        });
        if (result.getException() != null) {
            throw new IllegalStateException("broker did not accept the referral for " + jurisdiction, result.getException());
        }
    }
}
