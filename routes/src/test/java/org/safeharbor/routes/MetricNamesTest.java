package org.safeharbor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.impl.DefaultCamelContext;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PersonName;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.Sex;
import org.safeharbor.auth.internal.TokenMetrics;
import org.safeharbor.fhir.IntakeMetrics;
import org.safeharbor.store.MessageStore;

/**
 * The names the shipped alert rules, their tests and the Grafana dashboard use are the names the adapter serves: every
 * meter is recorded here by the code that records it in the adapter (the core's delivery path, queue gauges and clock
 * monitor, the intake's and the token endpoint's meters), the registry is scraped as {@code /metrics} serves it, and
 * every {@code safeharbor_*} name in those files must be among the scraped ones. A renamed metric breaks the build
 * until the rules, the dashboard and the README's table follow it.
 */
class MetricNamesTest {

    private static final Pattern METRIC = Pattern.compile("\\bsafeharbor_[a-z0-9_]+");
    static Metrics metrics;
    static DefaultCamelContext camel;
    static Set<String> scraped;

    @BeforeAll
    static void recordEveryMeter() throws Exception {
        metrics = new Metrics();
        Jurisdiction zz = Jurisdiction.of("US-ZZ");
        DeliveryMetrics deliveries = new DeliveryMetrics(metrics);
        deliveries.delivery(zz, DeliveryStatus.ACKNOWLEDGED);
        deliveries.attempt(zz, DeliveryMetrics.ANSWERED, 1_000_000);
        try (OperationsMetrics.Gauges gauges = new OperationsMetrics.Gauges(metrics, () -> true,
                () -> List.of(new BrokerQueues.Depth("US-ZZ", "referrals", 2, 0), new BrokerQueues.Depth("US-ZZ", "dlq", 1, 0)), () -> null)) {
            gauges.refresh();
            scraped = names(metrics.scrape());
        }
        new IntakeMetrics(metrics).submission("hospital-a", "accepted", 2_000_000);
        new TokenMetrics(metrics).granted("hospital-a");

        // a clock past its breach: the alert counter and the open-clocks gauge
        DeadlineMonitorTest.MovableClock clock = new DeadlineMonitorTest.MovableClock();
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        MessageStore store = new MessageStore(h2, clock);
        camel = new DefaultCamelContext();
        camel.start();
        JurisdictionRegistry registry = new JurisdictionRegistry(camel, store);
        registry.bindAdapter(new DeadlineMonitorTest.TenHourState(), Map.of("jurisdiction", "US-ZZ"));
        Child child = new Child(new PersonName("Sampleton", List.of("Avery")), LocalDate.of(2012, 3, 4), Sex.FEMALE,
                new Address(List.of("12 Harbor Lane"), "Springfield", "ZZ", "62701", "US"));
        store.accept("ehr|n-1", new Referral(new ReferralId("n-1"), child, null, null, clock.now, null,
                List.of(Allegation.of(AllegationType.LABOR_TRAFFICKING, Certainty.SUSPECTED))), true, "raw", "application/fhir+json",
                Map.of(zz, DeliveryStatus.QUEUED));
        DeadlineMonitor monitor = new DeadlineMonitor(camel, registry, store, metrics, new DeadlineMonitor.Config() {
            public Class<? extends Annotation> annotationType() { return DeadlineMonitor.Config.class; }
            public String scanInterval() { return "PT30S"; }
            public String alertAt() { return "0.5,0.9"; }
        }, clock);
        clock.now = clock.now.plus(Duration.ofHours(11));
        monitor.scan();

        scraped.addAll(names(metrics.scrape()));
    }

    @AfterAll
    static void close() {
        camel.stop();
        metrics.close();
    }

    /** The sample names of a Prometheus text exposition. */
    private static Set<String> names(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    private static Set<String> used(String text) {
        Set<String> used = new TreeSet<>();
        Matcher metric = METRIC.matcher(text);
        while (metric.find()) {
            used.add(metric.group());
        }
        return used;
    }

    /** The adapter's own metric families: sample names without a histogram's or timer's suffixes. */
    private static Set<String> families() {
        Set<String> families = new TreeSet<>();
        for (String name : scraped) {
            if (name.startsWith("safeharbor_")) {
                families.add(name.replaceFirst("_(bucket|count|sum|max)$", ""));
            }
        }
        return families;
    }

    @Test
    void everyMetricTheRulesAndTheirTestsUseIsServed() {
        for (String file : List.of(PrometheusFiles.ALERTS, PrometheusFiles.ALERT_TESTS)) {
            Set<String> used = used(PrometheusFiles.text(file));
            assertFalse(used.isEmpty(), file);
            Set<String> unknown = new TreeSet<>(used);
            unknown.removeAll(scraped);
            assertEquals(Set.of(), unknown, file + " uses metrics the adapter does not serve; it serves " + families());
        }
    }

    @Test
    void everyDashboardExpressionNamesOnlyServedMetricsAndEveryMetricHasAPanel() {
        Set<String> shown = new TreeSet<>();
        for (String expr : PrometheusFiles.dashboardExpressions()) {
            Set<String> used = used(expr);
            assertFalse(used.isEmpty(), "a panel without a SafeHarbor metric: " + expr);
            // what is left once the metric names, label matchers, ranges, groupings and numbers are gone is PromQL's own
            String rest = METRIC.matcher(expr).replaceAll(" ").replaceAll("\\{[^}]*}|\\[[^]]*]|(by|on) \\([^)]*\\)|[0-9.]+", " ");
            for (String word : rest.split("[^A-Za-z_]+")) {
                assertTrue(word.isEmpty() || Set.of("sum", "max", "rate", "increase", "histogram_quantile").contains(word),
                        "'" + word + "' in a dashboard expression is not a SafeHarbor metric: " + expr);
            }
            shown.addAll(used);
        }
        Set<String> unknown = new TreeSet<>(shown);
        unknown.removeAll(scraped);
        assertEquals(Set.of(), unknown, "the dashboard uses metrics the adapter does not serve");
        Set<String> withoutPanel = new TreeSet<>(families());
        shown.forEach(name -> withoutPanel.remove(name.replaceFirst("_(bucket|count|sum|max)$", "")));
        assertEquals(Set.of(), withoutPanel, "metrics without a dashboard panel");
    }

    @Test
    void everyMetricIsInTheReadmesTable() throws Exception {
        String readme = Files.readString(Paths.get(System.getProperty("basedir", System.getProperty("user.dir"))).resolve("../README.md"));
        String section = readme.substring(readme.indexOf("## Metrics and alerts"));
        section = section.substring(0, section.indexOf("\n## ", 5) < 0 ? section.length() : section.indexOf("\n## ", 5));
        for (String family : families()) {
            assertTrue(section.contains("`" + family), family + " is not documented in README \"Metrics and alerts\"");
        }
        Set<String> documented = used(section);
        documented.removeAll(scraped);
        documented.removeAll(families());
        assertEquals(Set.of(), documented, "README documents metrics the adapter does not serve");
    }

    @Test
    void theAdaptersOwnMetricsAreAllThere() {
        assertEquals(new TreeSet<>(List.of("safeharbor_broker_up", "safeharbor_clocks_open", "safeharbor_database_up",
                "safeharbor_deadline_alerts_total", "safeharbor_deliveries_total", "safeharbor_intake_latency_seconds",
                "safeharbor_queue_consumers", "safeharbor_queue_depth", "safeharbor_state_latency_seconds",
                "safeharbor_submissions_total", "safeharbor_tokens_total")), families());
    }

    @Test
    void noLabelValueCarriesTheChild() {
        String exposition = metrics.scrape();
        for (String personal : List.of("Sampleton", "Avery", "2012-03-04", "12 Harbor Lane", "Springfield", "62701", "n-1")) {
            assertFalse(exposition.contains(personal), personal + " in /metrics");
        }
    }
}
