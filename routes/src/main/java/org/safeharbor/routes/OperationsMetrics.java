package org.safeharbor.routes;

import java.sql.Connection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.safeharbor.jurisdiction.support.v1.PlatformClassLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gauges an operator alerts on that no request records: the jurisdictions' queue depths and consumers as the
 * broker counts them ({@link BrokerQueues}), and whether the broker and the database answer. Read every
 * {@value #REFRESH_MILLIS} ms by a timer route, not per scrape: a scrape reads the last values, so scraping often costs
 * the broker nothing, and the broker is asked only through the probe's connection ({@link Broker#isReachable()}) and
 * the core's shared one. While the broker is unreachable the queue gauges are withdrawn (no stale depth) and
 * {@value Metrics#BROKER_UP} is 0.
 */
@Component(immediate = true)
public class OperationsMetrics {

    static final String ROUTE_ID = "metrics-refresh";
    static final long REFRESH_MILLIS = 15_000;
    /** How long one management request may wait for the broker's answer. */
    static final long MANAGEMENT_TIMEOUT_MILLIS = 3_000;
    private static final Logger LOG = LoggerFactory.getLogger(OperationsMetrics.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(dataSourceName=safeharbor)")
    private volatile DataSource dataSource;

    private final CamelContext camel;
    private final Gauges gauges;

    @Activate
    public OperationsMetrics(@Reference CamelContext camel, @Reference Broker broker, @Reference MeterRegistry meters) throws Exception {
        this.camel = camel;
        this.gauges = new Gauges(meters, broker::isReachable, new BrokerQueues(broker.connectionFactory(), MANAGEMENT_TIMEOUT_MILLIS)::read,
                () -> dataSource);
        PlatformClassLoader.run(() -> camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:safeharbor-metrics?delay=1000&period=" + REFRESH_MILLIS).routeId(ROUTE_ID).process(exchange -> gauges.refresh());
            }
        }));
    }

    @Deactivate
    void deactivate() throws Exception {
        camel.getRouteController().stopRoute(ROUTE_ID);
        camel.removeRoute(ROUTE_ID);
        gauges.close();
    }

    /** The gauges and how they are refreshed, apart from OSGi and Camel (tests drive {@link #refresh()}). */
    static final class Gauges implements AutoCloseable {
        private final MeterRegistry meters;
        private final java.util.function.BooleanSupplier brokerReachable;
        private final java.util.function.Supplier<List<BrokerQueues.Depth>> queues;
        private final java.util.function.Supplier<DataSource> dataSource;
        private final AtomicInteger brokerUp = new AtomicInteger();
        private final AtomicInteger databaseUp = new AtomicInteger();
        private final Gauge brokerGauge;
        private final Gauge databaseGauge;
        private final MultiGauge depths;
        private final MultiGauge consumers;
        private boolean managementFailed;

        /** @param queues the jurisdiction queues' counts ({@link BrokerQueues#read()}); throws when the broker did not answer */
        Gauges(MeterRegistry meters, java.util.function.BooleanSupplier brokerReachable, java.util.function.Supplier<List<BrokerQueues.Depth>> queues,
               java.util.function.Supplier<DataSource> dataSource) {
            this.meters = meters;
            this.brokerReachable = brokerReachable;
            this.queues = queues;
            this.dataSource = dataSource;
            brokerGauge = Gauge.builder(Metrics.BROKER_UP, brokerUp, AtomicInteger::get)
                    .description("1 while the message broker is reachable, 0 otherwise").register(meters);
            databaseGauge = Gauge.builder(Metrics.DATABASE_UP, databaseUp, AtomicInteger::get)
                    .description("1 while the message store's database answers, 0 otherwise").register(meters);
            depths = MultiGauge.builder(Metrics.QUEUE_DEPTH)
                    .description("Messages on a jurisdiction's queue, dead-letter queue and quarantine, as the broker counts them")
                    .register(meters);
            consumers = MultiGauge.builder(Metrics.QUEUE_CONSUMERS)
                    .description("Consumers of a jurisdiction's referral queue, as the broker counts them (0: nothing delivers its referrals)")
                    .register(meters);
        }

        void refresh() {
            databaseUp.set(databaseAnswers() ? 1 : 0);
            if (!brokerReachable.getAsBoolean()) {
                brokerUp.set(0);
                withdrawQueues();
                return;
            }
            brokerUp.set(1);
            List<BrokerQueues.Depth> read;
            try {
                read = queues.get();
            } catch (RuntimeException e) {
                if (!managementFailed) {
                    // once, not every refresh: the message names no host or user
                    LOG.warn("Queue depths not read from the broker: {}", e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                    managementFailed = true;
                }
                withdrawQueues();
                return;
            }
            managementFailed = false;
            depths.register(read.stream().map(d -> MultiGauge.Row.of(Tags.of("jurisdiction", d.jurisdiction(), "queue", d.kind()),
                    d.messages())).toList(), true);
            consumers.register(read.stream().filter(d -> d.kind().equals("referrals"))
                    .map(d -> MultiGauge.Row.of(Tags.of("jurisdiction", d.jurisdiction()), d.consumers())).toList(), true);
        }

        private void withdrawQueues() {
            depths.register(List.of(), true);
            consumers.register(List.of(), true);
        }

        private boolean databaseAnswers() {
            DataSource ds = dataSource.get();
            if (ds == null) {
                return false;
            }
            try (Connection connection = ds.getConnection()) {
                return connection.isValid(2);
            } catch (Exception e) {
                return false;
            }
        }

        @Override
        public void close() {
            // a component activated again registers new gauges: the old ones must not keep the names
            withdrawQueues();
            meters.remove(brokerGauge);
            meters.remove(databaseGauge);
        }
    }
}
