package org.safeharbor.jurisdiction.us.ma;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.apache.camel.builder.RouteBuilder;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.safeharbor.api.v1.Deadline;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.StateFormat;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.jurisdiction.support.v1.Durations;
import org.safeharbor.jurisdiction.support.v1.HttpsClient;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.jurisdiction.support.v1.SandboxPeer;
import org.safeharbor.jurisdiction.support.v1.StateTransport;
import org.safeharbor.jurisdiction.support.v1.StatusCallers;

/**
 * Massachusetts (US-MA), a REFERENCE DESIGN (see the README): the configuration and the wiring of the written G.L.
 * c.119 s.51A report to DCF as JSON over HTTPS ({@link ReportDelivery}), DCF's statuses back ({@link StatusReceiver}),
 * the Department's s.51B(k) notices when DCF's status makes them due ({@link DepartmentNotices}, {@link NoticeDelivery})
 * and the 48-hour clock ({@link ReportClocks}). Without {@code reportUrl} (and both notice URLs when notices are on) the
 * component starts but its routes do not: the sandbox peer ({@link SandboxPeer}), while it is there, fills them in.
 */
@Component(service = JurisdictionAdapter.class, property = Jurisdiction.SERVICE_PROPERTY + "=" + MassachusettsAdapter.CODE,
        configurationPid = MassachusettsAdapter.PID)
@Designate(ocd = MassachusettsConfig.class)
public class MassachusettsAdapter implements JurisdictionAdapter, StateTransport {

    public static final String PID = "org.safeharbor.jurisdiction.us.ma";
    public static final String CODE = "US-MA";
    /** Where DCF POSTs later statuses, on the core's HTTP server. */
    public static final String STATUS_PATH = "/jurisdictions/us-ma/status";
    private static final Jurisdiction JURISDICTION = Jurisdiction.of(CODE);

    private final MassachusettsFormat format = new MassachusettsFormat();
    private final ReportClocks clocks;
    private final Redelivery redelivery;
    private final DcfEndpoints endpoints;
    private final HttpsClient https;
    private final NoticeDelivery noticeDelivery;
    private final StatusReceiver statusReceiver;
    /** Why the routes may not start (an endpoint missing; the core logs it), or null. */
    private final String refusal;

    /** In OSGi: re-created when the sandbox peer comes or goes (a static greedy reference). */
    @Activate
    public MassachusettsAdapter(MassachusettsConfig config, @Reference StatusReporter statusReporter,
                                @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY,
                                        target = "(" + SandboxPeer.MARKER + "=" + CODE + ")") SandboxPeer sandbox) {
        this(SandboxPeer.fill(MassachusettsConfig.class, config, sandbox), statusReporter, Clock.systemUTC(), false);
    }

    /** Outside OSGi (tests): a missing endpoint throws here. {@code clock}: the notice sweep's. */
    public MassachusettsAdapter(MassachusettsConfig config, StatusReporter statusReporter, Clock clock) {
        this(config, statusReporter, clock, true);
    }

    /** Every value is checked here: a bad one fails the activation naming its key. */
    private MassachusettsAdapter(MassachusettsConfig config, StatusReporter statusReporter, Clock clock, boolean failFast) {
        this.clocks = new ReportClocks(Durations.of(PID, "writtenReportDeadline", config.writtenReportDeadline()));
        this.redelivery = Redelivery.parse(PID, config.maximumRedeliveries(), config.redeliveryDelay(), config.redeliveryMultiplier(),
                config.maximumRedeliveryDelay());
        this.endpoints = DcfEndpoints.of(config);
        this.noticeDelivery = new NoticeDelivery(JURISDICTION, statusReporter, clock, noticeEndpoints());
        DepartmentNotices notices = new DepartmentNotices(JURISDICTION, config, statusReporter, noticeDelivery::queue);
        this.refusal = endpoints.refusal(notices.on());
        if (refusal != null && failFast) {
            throw new IllegalArgumentException(refusal);
        }
        this.statusReceiver = new StatusReceiver(JURISDICTION, statusReporter, new StatusCallers(config._statusToken(),
                config.statusClientCertificates()), config.statusMaxBodyBytes(), notices::onStatus);
        Duration timeout = Duration.ofSeconds(Math.max(1, config.timeoutSeconds()));
        this.https = HttpsClient.of(JURISDICTION, timeout, timeout).trustStore(config.trustStore(), config._trustStorePassword())
                .basicAuth(config.username(), config._password());
    }

    @Override
    public Jurisdiction jurisdiction() {
        return JURISDICTION;
    }

    @Override
    public String displayName() {
        return "Massachusetts DCF (reference JSON/HTTPS 51A intake)";
    }

    @Override
    public StateFormat format() {
        return format;
    }

    @Override
    public List<DeadlineRule> deadlineRules() {
        return clocks.rules();
    }

    @Override
    public List<Deadline> deadlinesFor(Referral referral) {
        return takes(referral) ? clocks.deadlinesFor(referral) : List.of();
    }

    @Override
    public Redelivery redelivery() {
        return redelivery;
    }

    /** True when the status route runs: only with a credential a caller can be checked against. */
    public boolean statusEndpointEnabled() {
        return statusReceiver.enabled();
    }

    /** The report's delivery route, the notices' routes and the status call-back; none while an endpoint is missing. */
    @Override
    public void configure(RouteBuilder routes, String deliverEndpoint) {
        if (refusal != null) {
            throw new IllegalStateException(refusal);
        }
        https.install(routes.getContext());
        ReportDelivery.configure(routes, deliverEndpoint, https, endpoints.report(), endpoint(endpoints.report()));
        noticeDelivery.configure(routes, redelivery, endpoints.districtAttorney(), endpoints.lawEnforcement(), this::endpoint);
        statusReceiver.configure(routes);
    }

    /** The camel-http endpoint of a state URL (a test may put a fault in between). */
    String endpoint(String url) {
        return https.endpoint(url);
    }

    /** The notices' queues and sweep: the broker's (a test may use in-memory ones). */
    protected NoticeDelivery.Endpoints noticeEndpoints() {
        return NoticeDelivery.Endpoints.broker(JURISDICTION);
    }

    @Deactivate
    void deactivate() throws Exception {
        noticeDelivery.close();
    }
}
