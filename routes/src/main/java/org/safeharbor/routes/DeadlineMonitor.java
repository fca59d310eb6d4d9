package org.safeharbor.routes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.safeharbor.api.v1.Deadline;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.store.MessageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the statutory clocks of every referral not yet delivered (PID {@code org.safeharbor.deadlines}).
 *
 * <p>A clock runs from the referral's receipt. Its rules come from the jurisdiction's bundle
 * ({@link org.safeharbor.api.v1.JurisdictionAdapter#deadlinesFor}) and, for every suspected or
 * confirmed sex-trafficking allegation, from federal law: P.L. 113-183 requires a report to law
 * enforcement within 24 hours. A referral on hold because its state's bundle is missing still has
 * the federal clock.
 *
 * <p>At each configured share of a clock (50% and 90% by default) and at its breach, the monitor
 * raises one alert: a log line without personal data, the metric
 * {@code safeharbor_deadline_alerts_total}, and an entry the hospital sees in its Task.
 */
@Component(immediate = true, configurationPid = DeadlineMonitor.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = DeadlineMonitor.Config.class)
public class DeadlineMonitor {

    static final String PID = "org.safeharbor.deadlines";
    static final String ROUTE_ID = "deadline-monitor";
    private static final Logger LOG = LoggerFactory.getLogger(DeadlineMonitor.class);

    @ObjectClassDefinition(name = "SafeHarbor Bridge statutory clocks")
    public @interface Config {
        @AttributeDefinition(description = "How often undelivered referrals are checked (ISO-8601 duration)")
        String scanInterval() default "PT30S";

        @AttributeDefinition(description = "Shares of a clock at which to alert, comma-separated, e.g. 0.5,0.9 (a breach always alerts)")
        String alertAt() default "0.5,0.9";

        @AttributeDefinition(description = "Length of the federal law-enforcement report clock for sex trafficking (P.L. 113-183)")
        String federalLawEnforcementReport() default "PT24H";
    }

    /** The federal 24-hour law-enforcement report for sex trafficking, P.L. 113-183. */
    static DeadlineRule federalRule(Duration length) {
        return new DeadlineRule("us-federal-law-enforcement",
                "report a child sex-trafficking victim to law enforcement", length, "P.L. 113-183 (2014)");
    }

    private final CamelContext camel;
    private final JurisdictionRegistry registry;
    private final MessageStore store;
    private final MeterRegistry meters;
    private final Clock clock;
    private final double[] alertAt;
    private final DeadlineRule federal;

    @Activate
    public DeadlineMonitor(@Reference CamelContext camel, @Reference JurisdictionRegistry registry,
                           @Reference MessageStore store, @Reference MeterRegistry meters, Config config) throws Exception {
        this(camel, registry, store, meters, config, Clock.systemUTC());
        long period = Duration.parse(config.scanInterval()).toMillis();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:deadlines?period=" + period).routeId(ROUTE_ID).process(exchange -> scan());
            }
        });
    }

    DeadlineMonitor(CamelContext camel, JurisdictionRegistry registry, MessageStore store, MeterRegistry meters,
                    Config config, Clock clock) {
        this.camel = camel;
        this.registry = registry;
        this.store = store;
        this.meters = meters;
        this.clock = clock;
        this.alertAt = Arrays.stream(config.alertAt().split(",")).map(String::trim).filter(v -> !v.isEmpty())
                .mapToDouble(Double::parseDouble).sorted().toArray();
        this.federal = federalRule(Duration.parse(config.federalLawEnforcementReport()));
    }

    @Deactivate
    void deactivate() throws Exception {
        camel.getRouteController().stopRoute(ROUTE_ID);
        camel.removeRoute(ROUTE_ID);
    }

    /** Checks every running clock once; returns the number of alerts raised. */
    int scan() {
        Instant now = clock.instant();
        int raised = 0;
        for (MessageStore.OpenDelivery open : store.openDeliveries()) {
            Jurisdiction jurisdiction = open.delivery().jurisdiction();
            for (Deadline deadline : deadlinesFor(open.referral(), jurisdiction)) {
                for (String level : levelsReached(deadline, now)) {
                    if (store.raiseDeadlineAlert(open.referral().id(), jurisdiction, deadline.rule().id(), level, deadline.due())) {
                        raised++;
                        alert(open, deadline, level);
                    }
                }
            }
        }
        return raised;
    }

    /** The clocks of one referral in one jurisdiction. */
    List<Deadline> deadlinesFor(Referral referral, Jurisdiction jurisdiction) {
        List<Deadline> deadlines = new ArrayList<>();
        registry.adapter(jurisdiction).filter(adapter -> adapter.takes(referral))
                .ifPresent(adapter -> deadlines.addAll(adapter.deadlinesFor(referral)));
        boolean sexTrafficking = referral.allegations().stream().anyMatch(a -> a.isReportable() && a.type().isSexual());
        if (sexTrafficking) {
            deadlines.add(federal.startingAt(referral.receivedAt()));
        }
        return deadlines;
    }

    private List<String> levelsReached(Deadline deadline, Instant now) {
        List<String> levels = new ArrayList<>();
        double used = deadline.fractionElapsed(now);
        for (double share : alertAt) {
            if (used >= share && share < 1.0) {
                levels.add(Math.round(share * 100) + "%");
            }
        }
        if (deadline.isBreachedAt(now)) {
            levels.add("breached");
        }
        return levels;
    }

    private void alert(MessageStore.OpenDelivery open, Deadline deadline, String level) {
        String message = "Statutory clock {} ({}) for referral {} in {} {}; due {}; the referral is still {}";
        Object[] args = {deadline.rule().id(), deadline.rule().legalBasis(), open.referral().id(), open.delivery().jurisdiction(),
                level.equals("breached") ? "is BREACHED" : "has used " + level, deadline.due(),
                open.delivery().status().name().toLowerCase(Locale.ROOT)};
        if (level.equals("breached")) {
            LOG.error(message, args);
        } else {
            LOG.warn(message, args);
        }
        Counter.builder("safeharbor.deadline.alerts").description("Statutory clock alerts raised for undelivered referrals")
                .tag("jurisdiction", open.delivery().jurisdiction().code()).tag("rule", deadline.rule().id()).tag("level", level)
                .register(meters).increment();
    }
}
