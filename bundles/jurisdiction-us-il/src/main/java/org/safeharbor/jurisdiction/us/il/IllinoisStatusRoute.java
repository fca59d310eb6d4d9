package org.safeharbor.jurisdiction.us.il;


import jakarta.servlet.Servlet;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.cxf.jaxws.CxfEndpoint;
import org.osgi.framework.BundleContext;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.jurisdiction.support.v1.CxfBus;
import org.safeharbor.jurisdiction.support.v1.SoapStatusGuards;
import org.safeharbor.jurisdiction.support.v1.StatusOutcome;
import org.safeharbor.jurisdiction.us.il.wire.StatusAccepted;
import org.safeharbor.jurisdiction.us.il.wire.StatusCode;
import org.safeharbor.jurisdiction.us.il.wire.StatusNotification;
import org.safeharbor.jurisdiction.us.il.wire.StatusNotificationPortType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SCR's later statuses: {@code NotifyStatus} as a {@code cxf:} consumer route, contract-first from the bundle's
 * WSDL, on the adapter's CXF bus. Its servlet is mounted by the core's HTTPS server at
 * {@value #SERVLET_PATH}: the state calls {@code https://host:8443/jurisdictions/us-il/status}.
 * <pre>
 * cxf:/status ─▶ caller, size, schema (the kit's {@link SoapStatusGuards}) ─▶ StatusUpdate ─▶ StatusReporter ─▶ StatusAccepted
 *                 401 / 413 / 400                                  └─ not delivered to Illinois: 404; not recorded: 503
 * </pre>
 */
final class IllinoisStatusRoute {

    /** Where the core's HTTP server mounts the servlet (service property {@code safeharbor.http.path}). */
    static final String SERVLET_PATH = "/jurisdictions/us-il/*";
    /** The service's address below the servlet. */
    static final String ADDRESS = "/status";
    private static final Logger LOG = LoggerFactory.getLogger(IllinoisStatusRoute.class);

    private final StatusReporter reporter;
    private final SoapStatusGuards guards;
    private final CxfBus bus;

    IllinoisStatusRoute(IllinoisAdapter.Config config, StatusReporter reporter, CxfBus bus) {
        this.reporter = reporter;
        this.guards = new SoapStatusGuards(IllinoisAdapter.US_IL, IllinoisAdapter.PID, config.statusUsername(), config._statusPassword(),
                config.statusClientCertificates(), config.statusMaxBodyBytes(), "NotifyStatus message of us-il-intake.wsdl");
        this.bus = bus;
    }

    /** In Karaf: the servlet as a service, which the core's HTTP server mounts; only with a credential to check callers against. */
    void publish(BundleContext context) {
        if (guards.configured()) {
            bus.publish(context, SERVLET_PATH);
        } else {
            LOG.error("US-IL: status call-backs are OFF: set statusUsername and .statusPassword, or statusClientCertificates, in {}.cfg "
                    + "(an unauthenticated caller could close referrals); deliveries run", IllinoisAdapter.PID);
        }
    }

    /** The status route, only with a credential (else the service is off). */
    void configure(RouteBuilder routes) {
        if (!guards.configured()) {
            return;
        }
        CxfEndpoint status = bus.endpoint(routes.getContext(), "cxf://" + ADDRESS);
        status.setServiceClass(StatusNotificationPortType.class);
        status.setWsdlURL(IntakeXml.wsdl().toExternalForm());
        status.setServiceNameAsQName(IntakeXml.STATUS_SERVICE);
        status.setPortNameAsQName(IntakeXml.STATUS_PORT);
        status.setSynchronous(true);
        guards.install(status);
        routes.from(status).routeId(IllinoisAdapter.US_IL.code() + "-status").process(this::report);
    }

    /** The servlet to mount (in Karaf: a service with {@code safeharbor.http.path}); the route serves below it. */
    Servlet servlet() {
        if (!guards.configured()) {
            throw new IllegalStateException("the US-IL status service needs credentials or client certificates");
        }
        return bus.servlet();
    }

    private void report(Exchange exchange) {
        StatusUpdate update = toUpdate(exchange.getMessage().getBody(StatusNotification.class));
        StatusOutcome outcome = StatusOutcome.report(reporter, update);
        if (outcome != StatusOutcome.RECORDED) {
            throw SoapStatusGuards.fault(outcome.refusal(update), outcome.status());
        }
        StatusAccepted accepted = new StatusAccepted();
        accepted.setReferralId(update.referralId().value());
        exchange.getMessage().setBody(accepted);
    }

    /** The canonical status update a notification stands for (CXF has checked it against the schema). */
    static StatusUpdate toUpdate(StatusNotification notification) {
        return new StatusUpdate(new ReferralId(notification.getReferralId()), IllinoisAdapter.US_IL, status(notification.getStatus()),
                notification.getIntakeNumber(), IntakeXml.instant(notification.getAt()), notification.getReason());
    }

    private static DeliveryStatus status(StatusCode code) {
        return switch (code) {
            // the SCR logged the report under its intake number
            case RECEIVED -> DeliveryStatus.ACKNOWLEDGED;
            case SCREENED_IN -> DeliveryStatus.SCREENED_IN;
            case SCREENED_OUT -> DeliveryStatus.SCREENED_OUT;
            // 325 ILCS 5/7.4: the investigation the 24-hour clock is about
            case INVESTIGATION_OPENED -> DeliveryStatus.INVESTIGATION_OPENED;
            case REJECTED -> DeliveryStatus.REJECTED;
        };
    }
}
