package org.safeharbor.jurisdiction.us.il;

import java.net.URI;
import java.time.Duration;

import javax.xml.transform.dom.DOMSource;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.cxf.common.CxfPayload;
import org.apache.camel.component.cxf.common.DataFormat;
import org.apache.camel.component.cxf.common.message.CxfConstants;
import org.apache.camel.component.cxf.jaxws.CxfConfigurer;
import org.apache.camel.component.cxf.jaxws.CxfEndpoint;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.apache.cxf.Bus;
import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.endpoint.Client;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.frontend.AbstractWSDLBasedEndpointFactory;
import org.apache.cxf.transport.http.HTTPConduit;
import org.apache.cxf.transports.http.configuration.HTTPClientPolicy;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.jurisdiction.support.v1.AdapterHeaders;
import org.safeharbor.jurisdiction.support.v1.StateAnswer;
import org.safeharbor.jurisdiction.us.il.wire.IntakeAcknowledgement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;

/**
 * How a report reaches the Illinois State Central Register: SOAP {@code SubmitReport} through a {@code cxf:} producer
 * built from the bundle's WSDL, and the SCR's {@code IntakeAcknowledgement} read back as the state's answer.
 * <pre>
 * direct:US-IL-deliver ─▶ cxf: SubmitReport ─▶ IntakeAcknowledgement (schema-valid, same referral) ─▶ ACKNOWLEDGED + intake number
 *                          └─ SOAP Client fault / InvalidReport: refused (quarantined); anything else: retried
 * </pre>
 */
final class IllinoisTransport {

    /** Exchange header carrying the SCR's intake number once acknowledged. */
    static final String INTAKE_NUMBER = "usIlIntakeNumber";
    /** Exchange property keeping the state's payload as first built, for retries. */
    private static final String PAYLOAD = "usIlPayload";
    private static final Logger LOG = LoggerFactory.getLogger(IllinoisTransport.class);

    private final IllinoisAdapter.Config config;
    private final java.util.function.Supplier<Bus> bus;
    private CamelContext camel;
    private CxfEndpoint intakeEndpoint;

    IllinoisTransport(IllinoisAdapter.Config config, java.util.function.Supplier<Bus> bus) {
        this.config = config;
        this.bus = bus;
    }

    void configure(RouteBuilder routes, String deliver) {
        camel = routes.getContext();
        CxfEndpoint intake = intakeEndpoint();
        routes.from(deliver).routeId(IllinoisAdapter.US_IL.code() + "-deliver")
                // a retry re-enters here: send the state's payload as first built, whatever the failed call left
                .process(this::samePayloadEachAttempt)
                .setHeader(CxfConstants.OPERATION_NAME, routes.constant(IntakeXml.SUBMIT_REPORT))
                .setHeader(CxfConstants.OPERATION_NAMESPACE, routes.constant(IntakeXml.NS))
                .doTry()
                    .to(intake)
                .doCatch(Exception.class)
                    .process(this::deliveryFailed)
                .end()
                .process(this::readAcknowledgement)
                .process(StateAnswer.acknowledged(routes.header(INTAKE_NUMBER)));
    }

    /** The SOAP producer: contract-first from the bundle's own WSDL, raw XML payload. */
    private synchronized CxfEndpoint intakeEndpoint() {
        CxfEndpoint endpoint = camel.getEndpoint("cxf://" + config.intakeUrl(), CxfEndpoint.class);
        intakeEndpoint = endpoint;
        endpoint.setBus(bus.get());
        endpoint.setWsdlURL(IntakeXml.wsdl().toExternalForm());
        endpoint.setServiceNameAsQName(IntakeXml.INTAKE_SERVICE);
        endpoint.setPortNameAsQName(IntakeXml.INTAKE_PORT);
        endpoint.setDataFormat(DataFormat.PAYLOAD);
        // minimum necessary: only the payload leaves, no queue header becomes an HTTP header
        endpoint.setHeaderFilterStrategy(AdapterHeaders.only());
        if (!config.username().isBlank()) {
            endpoint.setUsername(config.username());
            endpoint.setPassword(config._password());
        }
        if (!config.trustStore().isBlank()) {
            endpoint.setSslContextParameters(trust());
        }
        long timeout = Duration.ofSeconds(config.timeoutSeconds()).toMillis();
        endpoint.setCxfConfigurer(new CxfConfigurer() {
            @Override
            public void configure(AbstractWSDLBasedEndpointFactory factoryBean) {
            }

            @Override
            public void configureClient(Client client) {
                HTTPClientPolicy policy = new HTTPClientPolicy();
                policy.setConnectionTimeout(timeout);
                policy.setReceiveTimeout(timeout);
                ((HTTPConduit) client.getConduit()).setClient(policy);
            }

            @Override
            public void configureServer(Server server) {
            }
        });
        return endpoint;
    }

    private SSLContextParameters trust() {
        KeyStoreParameters store = new KeyStoreParameters();
        store.setCamelContext(camel);
        store.setResource("file:" + config.trustStore());
        store.setPassword(config._trustStorePassword());
        store.setType(config.trustStoreType());
        TrustManagersParameters trust = new TrustManagersParameters();
        trust.setCamelContext(camel);
        trust.setKeyStore(store);
        SSLContextParameters ssl = new SSLContextParameters();
        ssl.setCamelContext(camel);
        ssl.setTrustManagers(trust);
        return ssl;
    }

    private void samePayloadEachAttempt(Exchange exchange) {
        Object payload = exchange.getProperty(PAYLOAD);
        if (payload == null) {
            exchange.setProperty(PAYLOAD, exchange.getMessage().getBody());
        } else {
            exchange.getMessage().setBody(payload);
        }
    }

    /**
     * Turns any failure of the SOAP call into one that names no personal data, and rethrows it: a
     * refusal of the report ({@link IllinoisRefusedException}: quarantined at once) or a passing
     * failure ({@link IllinoisDeliveryException}: retried).
     */
    private void deliveryFailed(Exchange exchange) {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Referral referral = StateAnswer.referral(exchange);
        SoapFault fault = soapFault(caught);
        if (fault != null) {
            // the state's fault string may quote the payload: keep only its code and detail element
            String message = "US-IL intake refused referral " + referral.id() + ": SOAP fault "
                    + fault.getFaultCode().getLocalPart() + detailName(fault);
            if (isRefusal(fault)) {
                throw new IllinoisRefusedException(message);
            }
            throw new IllinoisDeliveryException(message);
        }
        // name the transport failure (e.g. ConnectException) rather than CXF's wrapper
        Throwable reason = caught;
        for (Throwable t = caught; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException) {
                reason = t;
                break;
            }
        }
        throw new IllinoisDeliveryException("US-IL intake at " + redacted(config.intakeUrl()) + " did not take referral "
                + referral.id() + ": " + reason.getClass().getSimpleName(), caught);
    }

    /** Reads the SCR's acknowledgement (validated against the schema) and puts the intake number in a header. */
    private void readAcknowledgement(Exchange exchange) {
        Referral referral = StateAnswer.referral(exchange);
        CxfPayload<?> payload = exchange.getMessage().getBody(CxfPayload.class);
        if (payload == null || payload.getBody().isEmpty()) {
            throw new IllinoisDeliveryException("US-IL intake answered referral " + referral.id() + " without an acknowledgement");
        }
        Element body = payload.getBody().get(0);
        IntakeAcknowledgement ack;
        try {
            ack = IntakeXml.read(new DOMSource(body), IntakeAcknowledgement.class);
        } catch (IllegalArgumentException e) {
            throw new IllinoisDeliveryException("US-IL intake answered referral " + referral.id() + " with an invalid acknowledgement: "
                    + e.getMessage());
        }
        if (!referral.id().value().equals(ack.getReferralId())) {
            throw new IllinoisDeliveryException("US-IL intake acknowledged another referral than " + referral.id());
        }
        exchange.getMessage().setHeader(INTAKE_NUMBER, ack.getIntakeNumber());
        // ids only, never the payload
        LOG.info("US-IL acknowledged referral {} as intake {}", referral.id(), ack.getIntakeNumber());
    }

    /** Forgets the intake endpoint (it holds the adapter's CXF bus). */
    synchronized void close() {
        if (intakeEndpoint != null) {
            try {
                intakeEndpoint.getCamelContext().removeEndpoint(intakeEndpoint);
            } catch (Exception e) {
                LOG.warn("US-IL intake endpoint not removed: {}", e.getClass().getSimpleName());
            }
            intakeEndpoint = null;
        }
    }

    /**
     * The state refused the report itself: its {@code InvalidReport} fault, or a client (sender)
     * fault such as a schema violation. A server (receiver) fault is the state's own trouble: retried.
     */
    private static boolean isRefusal(SoapFault fault) {
        if (" (InvalidReport)".equals(detailName(fault))) {
            return true;
        }
        String code = fault.getFaultCode() == null ? "" : fault.getFaultCode().getLocalPart();
        return "Client".equals(code) || "Sender".equals(code);
    }

    private static SoapFault soapFault(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SoapFault fault) {
                return fault;
            }
        }
        return null;
    }

    private static String detailName(SoapFault fault) {
        Element detail = fault.getDetail();
        if (detail == null) {
            return "";
        }
        for (org.w3c.dom.Node n = detail.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element element) {
                return " (" + element.getLocalName() + ")";
            }
        }
        return "";
    }

    /** Scheme, host, port and path only: user info or a query could carry credentials. */
    static String redacted(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + uri.getPath();
        } catch (IllegalArgumentException e) {
            return "(unparseable URL)";
        }
    }
}
