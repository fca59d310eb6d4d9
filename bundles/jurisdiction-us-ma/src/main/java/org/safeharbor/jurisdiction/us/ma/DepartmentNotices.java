package org.safeharbor.jurisdiction.us.ma;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.ChoiceDefinition;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.jurisdiction.support.v1.NoticeRoutes;
import org.safeharbor.jurisdiction.us.ma.wire.DepartmentNotice;
import org.safeharbor.jurisdiction.us.ma.wire.DepartmentNotice.NoticeAllegation;
import org.safeharbor.jurisdiction.us.ma.wire.Report51A;
import org.safeharbor.jurisdiction.us.ma.wire.WireJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of the Department's two notices of G.L. c.119 s.51B(k) / 110 CMR 4.50 are due (docs/domain.md): DCF notifies
 * the District Attorney and local law enforcement when it has reasonable cause to believe a child is a victim of sexual
 * exploitation or human trafficking. DCF's duty after its own intake, not the reporter's: a notice is due only on DCF's
 * status (one of {@link #triggers}, per site, none by default), never on the hospital's report. Each is recorded with
 * its payload ({@link StatusReporter#recordNotice}), then queued; the kit's {@link NoticeRoutes} carry it (queue, numbered
 * and recorded attempts, retries, dead letter, sweep) to this class's send route: its recipient's https endpoint.
 */
final class DepartmentNotices {

    /** The two recipients the rule names, in the order their notices are recorded. */
    static final List<String> RECIPIENTS = List.of(DepartmentNotice.DISTRICT_ATTORNEY, DepartmentNotice.LAW_ENFORCEMENT);

    /**
     * The statuses a site may make a trigger: DCF's own findings after screening. Acknowledging receipt is
     * not a finding of reasonable cause, screening out or rejecting is the opposite of one.
     */
    static final Set<DeliveryStatus> ALLOWED_TRIGGERS = EnumSet.of(DeliveryStatus.SCREENED_IN, DeliveryStatus.INVESTIGATION_OPENED);

    private static final Logger LOG = LoggerFactory.getLogger(DepartmentNotices.class);

    private final Jurisdiction jurisdiction;
    private final Set<DeliveryStatus> triggers;
    private final String county;
    private final StatusReporter reporter;
    private final NoticeRoutes queue;

    /**
     * The triggers and the District Attorney's county from the configuration ({@code departmentNoticesOn},
     * {@code districtAttorneyCounty}); {@code queue} records a due notice and queues it (throws when it cannot).
     */
    DepartmentNotices(Jurisdiction jurisdiction, MassachusettsConfig config, StatusReporter reporter, NoticeRoutes queue) {
        this.jurisdiction = jurisdiction;
        this.triggers = triggers("departmentNoticesOn", config.departmentNoticesOn());
        this.county = config.districtAttorneyCounty().isBlank() ? null : config.districtAttorneyCounty().trim();
        this.reporter = reporter;
        this.queue = queue;
        if (this.triggers.isEmpty()) {
            LOG.info("{}: the Department's s.51B(k) notices are off (departmentNoticesOn is empty): DCF sends its own", jurisdiction);
        }
    }

    /**
     * The configured triggers: comma-separated status names ({@code SCREENED_IN}, {@code screened-in} alike);
     * empty for none. Anything but {@link #ALLOWED_TRIGGERS} is refused.
     */
    static Set<DeliveryStatus> triggers(String key, String configured) {
        Set<DeliveryStatus> triggers = EnumSet.noneOf(DeliveryStatus.class);
        for (String part : configured.split(",")) {
            String name = part.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            if (!name.isEmpty()) {
                triggers.add(ALLOWED_TRIGGERS.stream().filter(status -> status.name().equals(name)).findFirst().orElseThrow(() ->
                        new IllegalArgumentException(key + " takes " + ALLOWED_TRIGGERS + " (DCF's finding after screening), not " + part.trim())));
            }
        }
        return triggers;
    }

    /** Whether any status triggers the notices. */
    boolean on() {
        return !triggers.isEmpty();
    }

    /**
     * After DCF's status was recorded: records and queues both notices if the status is a trigger and the report
     * DCF received holds a suspected or confirmed allegation. A status that repeats, or that the store did not
     * apply, records nothing (the store records each notice once, and only at its trigger).
     */
    void onStatus(StatusUpdate update) {
        if (!triggers.contains(update.status())) {
            return;
        }
        // what DCF received, read back from the attempt that carried it: the notice says no more than that
        Optional<String> report = reporter.deliveredOutput(update.referralId(), jurisdiction);
        if (report.isEmpty()) {
            LOG.warn("{}: DCF reported {} for referral {}, but no delivered report is recorded: no notice", jurisdiction,
                    update.status(), update.referralId());
            return;
        }
        List<NoticeAllegation> allegations = allegations(WireJson.read(report.get(), Report51A.class));
        if (allegations.isEmpty()) {
            return;
        }
        for (String recipient : RECIPIENTS) {
            String payload = WireJson.write(new DepartmentNotice(DepartmentNotice.SCHEMA_VERSION, DepartmentNotice.NOTIFICATION_TYPE,
                    DepartmentNotice.NOTIFYING_AGENCY, recipient, update.referralId().value(), update.stateIntakeNumber(),
                    DepartmentNotice.DISTRICT_ATTORNEY.equals(recipient) ? county : null, allegations));
            queue.due(update, recipient, payload); // G.L. c.119 s.51B(k)
        }
    }

    /**
     * The route that sends one attempt of a notice to its recipient's endpoint ({@code endpoint}: a URL's camel-http
     * endpoint). A recipient without a URL (notices off: allowed) fails a notice recorded earlier: retried, then dead-lettered.
     */
    void configure(RouteBuilder routes, DcfEndpoints urls, UnaryOperator<String> endpoint) {
        ChoiceDefinition recipient = routes.from(NoticeRoutes.sendEndpoint(jurisdiction)).routeId(jurisdiction.code() + "-notice-send")
                .setHeader(Exchange.HTTP_METHOD, routes.constant("POST"))
                .setHeader(Exchange.CONTENT_TYPE, routes.constant(MassachusettsFormat.MEDIA_TYPE))
                .choice().when(routes.header(NoticeRoutes.RECIPIENT).isEqualTo(DepartmentNotice.DISTRICT_ATTORNEY));
        send(send(recipient, urls.districtAttorney(), endpoint).otherwise(), urls.lawEnforcement(), endpoint).end();
    }

    private static ChoiceDefinition send(ChoiceDefinition branch, String url, UnaryOperator<String> endpoint) {
        return url.isBlank() ? branch.throwException(IllegalStateException.class, "no endpoint configured for this notice")
                : branch.to(endpoint.apply(url));
    }

    /** One entry per DCF allegation of the report, with the strongest certainty the report gives it. */
    static List<NoticeAllegation> allegations(Report51A report) {
        Map<String, String> certainty = new LinkedHashMap<>();
        for (Report51A.AllegationDto row : report.allegations()) {
            if ("suspected".equals(row.certainty()) || "confirmed".equals(row.certainty())) {
                certainty.merge(row.allegation(), row.certainty(), (a, b) -> "confirmed".equals(a) ? a : b);
            }
        }
        return certainty.entrySet().stream().map(e -> new NoticeAllegation(e.getKey(), e.getValue())).toList();
    }
}
