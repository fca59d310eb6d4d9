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
import org.safeharbor.jurisdiction.support.v1.NoticeRoutes;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.jurisdiction.support.v1.RetryConfig;
import org.safeharbor.jurisdiction.support.v1.SandboxPeer;
import org.safeharbor.jurisdiction.support.v1.StateTransport;
import org.safeharbor.jurisdiction.support.v1.StatusCallers;

/**
 * Massachusetts (US-MA), a REFERENCE DESIGN (see the README): the configuration and the wiring of the written G.L.
 * c.119 s.51A report to DCF as JSON over HTTPS ({@link ReportDelivery}), DCF's statuses back ({@link StatusReceiver}),
 * the Department's s.51B(k) notices when DCF's status makes them due ({@link DepartmentNotices}, on the kit's {@link NoticeRoutes})
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
    private final NoticeRoutes noticeRoutes;
    private final DepartmentNotices notices;
    private final StatusReceiver statusReceiver;

    /** In OSGi: the retry keys of the same cfg as the kit's {@link RetryConfig}; re-created when the sandbox peer comes or goes (greedy). */
    @Activate
    public MassachusettsAdapter(MassachusettsConfig config, RetryConfig retry, @Reference StatusReporter statusReporter,
                                @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY,
                                        target = "(" + SandboxPeer.MARKER + "=" + CODE + ")") SandboxPeer sandbox) {
        this(SandboxPeer.fill(MassachusettsConfig.class, config, sandbox), Redelivery.of(PID, retry), statusReporter, Clock.systemUTC(),
                NoticeRoutes.Queues.onTheBroker(JURISDICTION), false);
    }

    /** Outside OSGi (tests; not DS's arity): a missing endpoint throws here; the notice sweep's clock, the notices' queues. */
    public MassachusettsAdapter(MassachusettsConfig config, Redelivery redelivery, StatusReporter statusReporter, Clock clock,
                                NoticeRoutes.Queues queues) {
        this(config, redelivery, statusReporter, clock, queues, true);
    }

    /** Every value is checked here: a bad one fails the activation naming its key. */
    private MassachusettsAdapter(MassachusettsConfig config, Redelivery redelivery, StatusReporter statusReporter, Clock clock,
                                 NoticeRoutes.Queues queues, boolean failFast) {
        this.clocks = new ReportClocks(Durations.of(PID, "writtenReportDeadline", config.writtenReportDeadline()));
        this.redelivery = redelivery;
        this.endpoints = DcfEndpoints.of(config);
        this.noticeRoutes = new NoticeRoutes(JURISDICTION, statusReporter, clock, queues);
        this.notices = new DepartmentNotices(JURISDICTION, config, statusReporter, noticeRoutes);
        if (endpoints.refusal(notices.on()) != null && failFast) {
            throw new IllegalArgumentException(endpoints.refusal(notices.on()));
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
        if (endpoints.refusal(notices.on()) != null) { // an endpoint missing: the core logs why
            throw new IllegalStateException(endpoints.refusal(notices.on()));
        }
        https.install(routes.getContext());
        ReportDelivery.configure(routes, deliverEndpoint, https, endpoints.report(), endpoint(endpoints.report()));
        noticeRoutes.configure(routes, redelivery);
        notices.configure(routes, endpoints, this::endpoint);
        statusReceiver.configure(routes);
    }

    /** The camel-http endpoint of a state URL (a test may put a fault in between). */
    String endpoint(String url) {
        return https.endpoint(url);
    }

    @Deactivate
    void deactivate() throws Exception {
        noticeRoutes.close();
    }
}
