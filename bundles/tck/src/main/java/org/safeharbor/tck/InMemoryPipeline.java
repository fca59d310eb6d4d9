package org.safeharbor.tck;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.json.v1.ReferralJson;
import org.safeharbor.jurisdiction.support.v1.StateTransport;
import org.safeharbor.routes.JurisdictionPipeline;

/**
 * The core's delivery path around a state's adapter in a plain CamelContext, without a broker: what a state's tests put
 * on the jurisdiction's queue ({@link #send}) goes through the core's own {@link JurisdictionPipeline} to the state's
 * transport, and what could not be delivered is read back from the in-memory dead-letter and quarantine queues
 * ({@link JurisdictionPipeline.Queues#inMemory()}). Build it, add what the test needs to {@link #camel()} (an event
 * notifier...), then {@link #start()}; {@link #close()} stops it.
 */
public final class InMemoryPipeline implements AutoCloseable {

    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final JurisdictionAdapter adapter;
    private ProducerTemplate producer;

    /** The path around an adapter that is its own transport, as the core finds it; nothing is de-duplicated. */
    public InMemoryPipeline(JurisdictionAdapter adapter, StatusReporter reporter, Clock clock) throws Exception {
        this(adapter, transportOf(adapter), reporter, clock, false);
    }

    /**
     * The path around an adapter and its transport; {@code deduplicating}: with an in-memory store of delivered queue
     * messages bound as the core binds the message store's, so that the same message twice is delivered once.
     */
    public InMemoryPipeline(JurisdictionAdapter adapter, StateTransport transport, StatusReporter reporter, Clock clock,
                            boolean deduplicating) throws Exception {
        this.adapter = adapter;
        if (deduplicating) {
            camel.getRegistry().bind(JurisdictionPipeline.DELIVERED_REPOSITORY, MemoryIdempotentRepository.memoryIdempotentRepository(100));
        }
        camel.addRoutes(new JurisdictionPipeline(adapter, transport, reporter, clock, queues()));
    }

    /** The in-memory queues of the path. */
    public static JurisdictionPipeline.Queues queues() {
        return JurisdictionPipeline.Queues.inMemory();
    }

    /** Starts the routes. */
    public InMemoryPipeline start() {
        camel.start();
        producer = camel.createProducerTemplate();
        return this;
    }

    /** The CamelContext the path runs in. */
    public CamelContext camel() {
        return camel;
    }

    /** A producer on the started context (e.g. for a batch transport's flush). */
    public ProducerTemplate producer() {
        return producer;
    }

    /** Puts the referral on the jurisdiction's queue as the core's intake does: its canonical JSON and the contract's headers. */
    public Exchange send(Referral referral) {
        return send(referral, Map.of());
    }

    /** As {@link #send(Referral)}, with further queue message headers (e.g. an operator's replay). */
    public Exchange send(Referral referral, Map<String, Object> headers) {
        Map<String, Object> all = new HashMap<>(headers);
        all.put(DeliveryContract.REFERRAL_ID, referral.id().value());
        all.put(DeliveryContract.JURISDICTION, adapter.jurisdiction().code());
        String json = ReferralJson.INSTANCE.write(referral);
        return producer.send(queues().queue(), exchange -> {
            exchange.getMessage().setBody(json);
            exchange.getMessage().setHeaders(new HashMap<>(all));
        });
    }

    /** The canonical JSON bodies on the dead-letter queue, in order. */
    public List<String> deadLetters() {
        return bodies(queues().deadLetters());
    }

    /** The canonical JSON bodies in quarantine, in order. */
    public List<String> quarantined() {
        return bodies(queues().quarantine());
    }

    private List<String> bodies(String mock) {
        return camel.getEndpoint(mock, MockEndpoint.class).getReceivedExchanges().stream()
                .map(e -> e.getMessage().getBody(String.class)).toList();
    }

    @Override
    public void close() {
        camel.stop();
    }

    private static StateTransport transportOf(JurisdictionAdapter adapter) {
        if (adapter instanceof StateTransport own) {
            return own;
        }
        throw new IllegalArgumentException(adapter.getClass().getName() + " is not a StateTransport");
    }
}
