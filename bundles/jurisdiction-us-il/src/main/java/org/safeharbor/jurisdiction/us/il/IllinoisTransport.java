package org.safeharbor.jurisdiction.us.il;

import java.io.IOException;
import java.time.Duration;

import javax.xml.transform.dom.DOMSource;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.cxf.common.CxfPayload;
import org.apache.camel.component.cxf.common.DataFormat;
import org.apache.camel.component.cxf.jaxws.CxfEndpoint;
import org.apache.camel.util.ObjectHelper;
import org.apache.camel.util.URISupport;
import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.helpers.DOMUtils;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.jurisdiction.support.v1.CxfBus;
import org.safeharbor.jurisdiction.support.v1.AdapterHeaders;
import org.safeharbor.jurisdiction.support.v1.HttpsClient;
import org.safeharbor.jurisdiction.support.v1.StateAnswer;
import org.safeharbor.jurisdiction.support.v1.StateRejectedException;
import org.safeharbor.jurisdiction.us.il.wire.IntakeAcknowledgement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;

/**
 * The delivery route: SOAP {@code SubmitReport} through a {@code cxf:} producer built from the bundle's WSDL, and the
 * SCR's {@code IntakeAcknowledgement} read back as the state's answer. Failures name the referral id and what went
 * wrong, never the payload or the state's fault text (either may quote personal data).
 * <pre>
 * direct:US-IL-deliver ─▶ cxf: SubmitReport ─▶ IntakeAcknowledgement (schema-valid, same referral) ─▶ ACKNOWLEDGED + intake number
 *                          └─ InvalidReport or a Client fault: StateRejectedException (quarantined); anything else: retried
 * </pre>
 */
final class IllinoisTransport {

    private static final String INTAKE_NUMBER = "usIlIntakeNumber";
    private static final Logger LOG = LoggerFactory.getLogger(IllinoisTransport.class);

    private final IllinoisAdapter.Config config;
    private final CxfBus bus;
    private final String refusal;

    /** {@code sandbox}: the sandbox peer's http:// intake is allowed. */
    IllinoisTransport(IllinoisAdapter.Config config, boolean sandbox, CxfBus bus) {
        this.config = config;
        this.bus = bus;
        this.refusal = refusal(config.intakeUrl(), sandbox);
    }

    /** Why the intake may not be delivered to, or null. */
    String refusal() {
        return refusal;
    }

    /**
     * None configured; or, outside the sandbox, not https (the report holds a child's personal data). The host is not
     * checked: an https intake on loopback (a local TLS proxy to the SCR) is the operator's design.
     */
    private static String refusal(String intakeUrl, boolean sandbox) {
        if (intakeUrl.isBlank()) {
            return "US-IL: no intakeUrl configured: set the SCR's https endpoint in etc/" + IllinoisAdapter.PID
                    + ".cfg (or install the safeharbor-sandbox feature, whose peer supplies it); no referral goes to Illinois";
        }
        if (sandbox) {
            return null;
        }
        try {
            HttpsClient.httpsUri(intakeUrl);
            return null;
        } catch (IllegalArgumentException notHttps) {
            // not the kit's message: it quotes the URL whole, user info included
            return "US-IL: the production feature refuses to start with sandbox endpoints or sandbox trust stores configured (intakeUrl "
                    + URISupport.sanitizeUri(intakeUrl) + " is not https://; the report holds personal data): point " + IllinoisAdapter.PID
                    + ".cfg at the SCR's https endpoint, or install the safeharbor-sandbox feature";
        }
    }

    /** The route; throws (the core logs it, the referrals wait on the queue) for a refused intake. */
    void configure(RouteBuilder routes, String deliver) {
        if (refusal != null) {
            throw new IllegalStateException(refusal);
        }
        routes.from(deliver).routeId(IllinoisAdapter.US_IL.code() + "-deliver")
                .doTry()
                    .to(intakeEndpoint(routes.getContext()))
                .doCatch(Exception.class)
                    .process(this::deliveryFailed)
                .end()
                .process(this::readAcknowledgement)
                .process(StateAnswer.acknowledged(routes.header(INTAKE_NUMBER)));
    }

    /** The SOAP producer: contract-first from the bundle's WSDL, the report as raw XML payload. */
    private CxfEndpoint intakeEndpoint(CamelContext camel) {
        CxfEndpoint intake = bus.endpoint(camel, "cxf://" + config.intakeUrl());
        intake.setWsdlURL(IntakeXml.wsdl().toExternalForm());
        intake.setServiceNameAsQName(IntakeXml.INTAKE_SERVICE);
        intake.setPortNameAsQName(IntakeXml.INTAKE_PORT);
        intake.setDefaultOperationName(IntakeXml.SUBMIT_REPORT);
        intake.setDefaultOperationNamespace(IntakeXml.NS);
        intake.setDataFormat(DataFormat.PAYLOAD);
        // minimum necessary: only the contract's two headers become HTTP headers
        intake.setHeaderFilterStrategy(AdapterHeaders.only());
        if (!config.username().isBlank()) {
            intake.setUsername(config.username());
            intake.setPassword(config._password());
        }
        // the bus is this adapter's own: every client conduit on it is the intake's
        bus.client(intake, config.trustStore(), config._trustStorePassword(), config.trustStoreType(),
                Duration.ofSeconds(config.timeoutSeconds()));
        return intake;
    }

    /** Rethrows a failed call as a refusal of the report (quarantined) or a passing failure (retried). */
    private void deliveryFailed(Exchange exchange) {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Referral referral = StateAnswer.referral(exchange);
        SoapFault fault = ObjectHelper.getException(SoapFault.class, caught);
        if (fault != null) {
            // the state's fault string may quote the payload: only its code and detail element
            Element detail = fault.getDetail() == null ? null : DOMUtils.getFirstElement(fault.getDetail());
            String code = fault.getFaultCode() == null ? "" : fault.getFaultCode().getLocalPart();
            String message = "US-IL intake refused referral " + referral.id() + ": SOAP fault " + code
                    + (detail == null ? "" : " (" + detail.getLocalName() + ")");
            // InvalidReport, or the sender's fault (e.g. a schema violation); a receiver's fault is the state's trouble
            if (detail != null && "InvalidReport".equals(detail.getLocalName()) || "Client".equals(code) || "Sender".equals(code)) {
                throw new StateRejectedException(message);
            }
            throw new IllinoisDeliveryException(message);
        }
        // name the transport failure (e.g. ConnectException) rather than CXF's wrapper
        Throwable reason = ObjectHelper.getException(IOException.class, caught);
        throw new IllinoisDeliveryException("US-IL intake at " + URISupport.sanitizeUri(config.intakeUrl()) + " did not take referral "
                + referral.id() + ": " + (reason == null ? caught : reason).getClass().getSimpleName(), caught);
    }

    /** Reads the SCR's acknowledgement (validated against the schema) and puts the intake number in a header. */
    private void readAcknowledgement(Exchange exchange) {
        Referral referral = StateAnswer.referral(exchange);
        CxfPayload<?> payload = exchange.getMessage().getBody(CxfPayload.class);
        if (payload == null || payload.getBody().isEmpty()) {
            throw new IllinoisDeliveryException("US-IL intake answered referral " + referral.id() + " without an acknowledgement");
        }
        IntakeAcknowledgement ack;
        try {
            ack = IntakeXml.read(new DOMSource(payload.getBody().get(0)), IntakeAcknowledgement.class);
        } catch (IllegalArgumentException e) {
            throw new IllinoisDeliveryException("US-IL intake answered referral " + referral.id() + " with an invalid acknowledgement: "
                    + e.getMessage());
        }
        if (!referral.id().value().equals(ack.getReferralId())) {
            throw new IllinoisDeliveryException("US-IL intake acknowledged another referral than " + referral.id());
        }
        exchange.getMessage().setHeader(INTAKE_NUMBER, ack.getIntakeNumber());
        LOG.info("US-IL acknowledged referral {} as intake {}", referral.id(), ack.getIntakeNumber());
    }
}
