package org.safeharbor.routes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
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
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.store.Delivery;
import org.safeharbor.store.MessageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the clocks of every referral (PID {@code org.safeharbor.deadlines}). Their rules come from the
 * jurisdiction's bundle ({@link org.safeharbor.api.v1.JurisdictionAdapter#deadlinesFor}), each of one kind
 * ({@link DeadlineRule.Kind}, docs/domain.md "Clocks"):
 * <ul>
 *   <li>the adapter's delivery deadline runs from the referral's receipt until the state's system confirms
 *       receipt; a referral queued, on hold, failed or refused has not met it;</li>
 *   <li>the state's own statutory clock (e.g. Illinois' 24 hours to begin an investigation, 325 ILCS 5/7.4)
 *       runs from the state's first answer until a status that satisfies it; its alerts say it is the
 *       state's clock, not ours;</li>
 *   <li>a reporter's duty (e.g. Massachusetts' immediate oral report) is told to the hospital, never watched.</li>
 * </ul>
 * No federal clock: the 24-hour law-enforcement report of P.L. 113-183 (42 U.S.C. 671(a)(35)(A)) is the
 * state agency's duty for children it serves, which no status here tells (README, "Statutory clocks").
 *
 * <p>At each configured share of a clock (50% and 90% by default) and at its breach, the monitor
 * raises one alert: a log line without personal data, the metric
 * {@code safeharbor_deadline_alerts_total} (labels jurisdiction, rule, clock, level), and an entry the
 * hospital sees in its Task. The gauge {@code safeharbor_clocks_open} counts the clocks running at each delivery's last
 * check by the level reached ({@code running} before the first share), from what the scans saw. A status that ends
 * every clock (not sent, screened out, investigation opened) makes no check due, so the deliveries a scan did not
 * check are asked after in the store, {@value #REVALIDATE} a scan in turn, and forgotten once their status changed.
 *
 * <p>A scan does not read every open referral: each open delivery carries the time its clocks next
 * cross a threshold ({@link MessageStore#scheduleClockChecks}), and a scan reads only those due. A
 * delivery held for a missing bundle is checked at every scan, because the bundle may arrive with
 * clocks of its own; a start, a change of the installed bundles or of this configuration re-checks them all, reading
 * each and writing back only the checks that moved.
 */
@Component(immediate = true, configurationPid = DeadlineMonitor.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = DeadlineMonitor.Config.class)
public class DeadlineMonitor {

    static final String PID = "org.safeharbor.deadlines";
    static final String ROUTE_ID = "deadline-monitor";
    /** Deliveries read per query of a scan, to bound the memory of a scan after a long outage. */
    static final int BATCH = 500;
    /** Open deliveries a scan asks the store about when it did not check them (see the open-clocks gauge). */
    static final int REVALIDATE = 200;
    private static final Logger LOG = LoggerFactory.getLogger(DeadlineMonitor.class);

    @ObjectClassDefinition(name = "SafeHarbor Bridge statutory clocks")
    public @interface Config {
        @AttributeDefinition(description = "How often undelivered referrals are checked (ISO-8601 duration)")
        String scanInterval() default "PT30S";

        @AttributeDefinition(description = "Shares of a clock at which to alert, comma-separated, e.g. 0.5,0.9 (a breach always alerts)")
        String alertAt() default "0.5,0.9";
    }

    private final CamelContext camel;
    private final JurisdictionRegistry registry;
    private final MessageStore store;
    private final MeterRegistry meters;
    private final Clock clock;
    private final double[] alertAt;
    private final Duration scanInterval;
    /** The adapters the last scan saw, by jurisdiction: when they change, every clock is re-checked. */
    private Map<String, JurisdictionAdapter> adaptersSeen;
    /** The clocks running at each open delivery's last check (key: referral id and jurisdiction). */
    private final Map<String, Seen> open = new java.util.LinkedHashMap<>();
    /** The number of the current scan, to tell the deliveries it checked. */
    private long scans;
    private final MultiGauge openClocks;

    /** One running clock as the gauge labels it. */
    private record Running(String jurisdiction, String rule, String clock, String level) {
    }

    /** A delivery's running clocks at its last check, its status then, and its next check (null: none, breached). */
    private record Seen(ReferralId referral, Jurisdiction jurisdiction, DeliveryStatus status, List<Running> clocks, Instant next,
                        long scan) {
    }

    @Activate
    public DeadlineMonitor(@Reference CamelContext camel, @Reference JurisdictionRegistry registry,
                           @Reference MessageStore store, @Reference MeterRegistry meters, Config config) throws Exception {
        this(camel, registry, store, meters, config, Clock.systemUTC());
        long period = Duration.parse(config.scanInterval()).toMillis();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:deadlines?period=" + period).routeId(ROUTE_ID)
                        // one node scans and alerts (Singletons): each alert is raised once
                        .routeGroup(DeliveryContract.SINGLETON_ROUTES).process(exchange -> scan());
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
        this.scanInterval = Duration.parse(config.scanInterval());
        this.openClocks = MultiGauge.builder(Metrics.CLOCKS_OPEN)
                .description("Clocks still running, by the level reached: running, a configured share (50%, 90%) or breached")
                .register(meters);
    }

    @Deactivate
    void deactivate() throws Exception {
        camel.getRouteController().stopRoute(ROUTE_ID);
        camel.removeRoute(ROUTE_ID);
        openClocks.register(List.of(), true);
    }

    /** Checks every clock that is due; returns the number of alerts raised. */
    synchronized int scan() {
        Instant now = clock.instant();
        scans++;
        Map<String, JurisdictionAdapter> adapters = new HashMap<>();
        registry.active().forEach(active -> registry.adapter(active.jurisdiction())
                .ifPresent(adapter -> adapters.put(active.jurisdiction().code(), adapter)));
        int raised = 0;
        if (!adapters.equals(adaptersSeen)) {
            // first scan since start, or a bundle came, went or was updated: its rules may differ
            raised += recheck(now);
            adaptersSeen = adapters;
        }
        List<MessageStore.OpenDelivery> due;
        do {
            due = store.clocksDue(now, BATCH);
            List<MessageStore.ClockCheck> next = new ArrayList<>();
            for (MessageStore.OpenDelivery open : due) {
                raised += check(open, now, next);
            }
            store.scheduleClockChecks(next);
        } while (due.size() == BATCH);
        forgetEnded(now);
        Map<Running, Long> counts = open.values().stream().flatMap(seen -> seen.clocks().stream())
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        openClocks.register(counts.entrySet().stream().map(e -> MultiGauge.Row.of(Tags.of("jurisdiction", e.getKey().jurisdiction(),
                "rule", e.getKey().rule(), "clock", e.getKey().clock(), "level", e.getKey().level()), e.getValue())).toList(), true);
        return raised;
    }

    /**
     * Checks every watched delivery, a page at a time, and writes back only the checks that moved: after a restart with
     * the same rules none does (only the open-clocks gauge is rebuilt), so a store of a million referrals is read, not
     * rewritten, at each start. Returns the number of alerts raised (levels reached while this was not running).
     */
    private int recheck(Instant now) {
        int raised = 0;
        List<MessageStore.WatchedDelivery> page = store.watchedDeliveries(null, null, BATCH);
        while (!page.isEmpty()) {
            List<MessageStore.ClockCheck> moved = new ArrayList<>();
            for (MessageStore.WatchedDelivery watched : page) {
                List<MessageStore.ClockCheck> next = new ArrayList<>(1);
                raised += check(watched.open(), now, next);
                if (!java.util.Objects.equals(next.get(0).next(), watched.nextCheck())) {
                    moved.add(next.get(0));
                }
            }
            store.scheduleClockChecks(moved);
            MessageStore.OpenDelivery last = page.get(page.size() - 1).open();
            page = page.size() < BATCH ? List.of()
                    : store.watchedDeliveries(last.referral().id(), last.delivery().jurisdiction(), BATCH);
        }
        return raised;
    }

    /**
     * Forgets the deliveries whose clocks ended without a check. The ones this scan checked are at the end of
     * {@link #open} (each check moves its delivery there); of the others, one whose check was due by now was not due in
     * the store (it stopped watching it), and up to {@value #REVALIDATE} more are looked up: gone, or in another status
     * than when checked (a status still watched makes its delivery due, so the next scan checks it again).
     */
    private void forgetEnded(Instant now) {
        List<Map.Entry<String, Seen>> stillOpen = new ArrayList<>();
        int asked = 0;
        for (var entries = open.entrySet().iterator(); entries.hasNext() && asked < REVALIDATE; ) {
            Map.Entry<String, Seen> entry = entries.next();
            Seen seen = entry.getValue();
            if (seen.scan() == scans) {
                break;
            }
            entries.remove();
            if (seen.next() != null && !seen.next().isAfter(now)) {
                continue;
            }
            asked++;
            Optional<DeliveryStatus> status = store.find(seen.referral()).flatMap(stored -> stored.deliveries().stream()
                    .filter(d -> d.jurisdiction().equals(seen.jurisdiction())).map(Delivery::status).findFirst());
            if (status.equals(Optional.of(seen.status()))) {
                stillOpen.add(entry);
            }
        }
        // to the end: the next scan asks about the others first
        stillOpen.forEach(entry -> open.put(entry.getKey(), entry.getValue()));
    }

    /** Raises what one delivery's clocks have reached and adds its next check to {@code schedule}. */
    private int check(MessageStore.OpenDelivery open, Instant now, List<MessageStore.ClockCheck> schedule) {
        Jurisdiction jurisdiction = open.delivery().jurisdiction();
        int raised = 0;
        Instant next = null;
        List<Running> clocks = new ArrayList<>();
        for (Deadline deadline : running(open)) {
            List<String> reached = levelsReached(deadline, now);
            clocks.add(new Running(jurisdiction.code(), deadline.rule().id(), deadline.rule().kind().code(),
                    reached.isEmpty() ? "running" : reached.get(reached.size() - 1)));
            for (String level : reached) {
                if (store.raiseDeadlineAlert(open.referral().id(), jurisdiction, deadline.rule().id(), deadline.rule().kind(), level,
                        deadline.due())) {
                    raised++;
                    alert(open, deadline, level);
                }
            }
            next = earliest(next, nextThreshold(deadline, now));
        }
        if (registry.adapter(jurisdiction).isEmpty()) {
            // held for a missing bundle: its state's clocks are not known yet
            next = earliest(next, now.plus(scanInterval));
        }
        schedule.add(new MessageStore.ClockCheck(open.referral().id(), jurisdiction, open.delivery().status(), next));
        String key = open.referral().id().value() + "|" + jurisdiction.code();
        this.open.remove(key);
        if (!clocks.isEmpty()) {
            this.open.put(key, new Seen(open.referral().id(), jurisdiction, open.delivery().status(), List.copyOf(clocks), next, scans));
        }
        return raised;
    }

    /** The first alert share or breach of a clock after {@code now}; null once it is breached. */
    private Instant nextThreshold(Deadline deadline, Instant now) {
        long length = Duration.between(deadline.start(), deadline.due()).toMillis();
        Instant next = null;
        for (double share : alertAt) {
            if (share < 1.0) {
                Instant at = deadline.start().plusMillis((long) Math.ceil(share * length));
                while (deadline.fractionElapsed(at) < share) {
                    at = at.plusMillis(1); // floating-point rounding: never schedule before the share is reached
                }
                if (at.isAfter(now)) {
                    next = earliest(next, at);
                }
            }
        }
        // the breach is "after due" (Deadline.isBreachedAt), so it is checked a millisecond later
        Instant breach = deadline.due().plusMillis(1);
        return breach.isAfter(now) ? earliest(next, breach) : next;
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }

    /**
     * The clocks still running for one delivery: its state's watched rules that the delivery's status has not
     * met, a state's own clock started at the state's first answer (not before it came).
     */
    List<Deadline> running(MessageStore.OpenDelivery open) {
        Referral referral = open.referral();
        List<Deadline> running = new ArrayList<>();
        List<Deadline> declared = registry.adapter(open.delivery().jurisdiction()).filter(adapter -> adapter.takes(referral))
                .map(adapter -> adapter.deadlinesFor(referral)).orElse(List.of());
        for (Deadline deadline : declared) {
            DeadlineRule rule = deadline.rule();
            if (!rule.isWatched() || rule.isMetBy(open.delivery().status())) {
                continue;
            }
            if (rule.kind() == DeadlineRule.Kind.STATE) {
                if (open.acknowledgedAt() != null) {
                    running.add(rule.startingAt(open.acknowledgedAt()));
                }
            } else {
                running.add(deadline);
            }
        }
        return running;
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
        boolean states = deadline.rule().kind() == DeadlineRule.Kind.STATE;
        // ids, rule and statuses only: never the child
        String message = states
                ? "State's statutory clock {} ({}) for referral {} in {} {}; due {}; the state has answered {} and not yet {}:"
                        + " the state's duty, not the adapter's"
                : "Statutory clock {} ({}) for referral {} in {} {}; due {}; the referral is still {}";
        String status = open.delivery().status().name().toLowerCase(Locale.ROOT);
        Object[] args = states
                ? new Object[] {deadline.rule().id(), deadline.rule().legalBasis(), open.referral().id(), open.delivery().jurisdiction(),
                        level.equals("breached") ? "is BREACHED" : "has used " + level, deadline.due(), status,
                        deadline.rule().satisfiedBy().stream().map(s -> s.name().toLowerCase(Locale.ROOT)).sorted()
                                .collect(java.util.stream.Collectors.joining(" or "))}
                : new Object[] {deadline.rule().id(), deadline.rule().legalBasis(), open.referral().id(), open.delivery().jurisdiction(),
                        level.equals("breached") ? "is BREACHED" : "has used " + level, deadline.due(), status};
        if (level.equals("breached")) {
            LOG.error(message, args);
        } else {
            LOG.warn(message, args);
        }
        Counter.builder("safeharbor.deadline.alerts").description("Clock alerts: the adapter's delivery deadlines and the states' own clocks")
                .tag("jurisdiction", open.delivery().jurisdiction().code()).tag("rule", deadline.rule().id())
                .tag("clock", deadline.rule().kind().code()).tag("level", level)
                .register(meters).increment();
    }
}
