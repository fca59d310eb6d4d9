package org.safeharbor.routes;

import java.util.Dictionary;
import java.util.Hashtable;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.component.amqp.AMQPComponent;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.component.servlet.ServletComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.apache.camel.spi.RestConfiguration;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.safeharbor.jurisdiction.support.v1.PlatformClassLoader;
import org.slf4j.LoggerFactory;

/**
 * Owns the one CamelContext of SafeHarbor Bridge and publishes it as an OSGi service, so the other
 * core components (and tests) add their routes to it. Jurisdiction bundles never touch it directly:
 * {@link JurisdictionRegistry} adds and removes their routes.
 */
// Declared for Karaf's resolver, which checks service requirements: DS cannot see a registerService call.
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=org.apache.camel.CamelContext")
@Component(immediate = true)
public class CamelRuntime {

    /** Service property naming the context. */
    public static final String CONTEXT_NAME = "safeharbor";
    private static final Logger LOG = LoggerFactory.getLogger(CamelRuntime.class);

    private final DefaultCamelContext camel;
    private final ServiceRegistration<CamelContext> registration;

    @Activate
    public CamelRuntime(@Reference Broker broker, @Reference Metrics metrics, @Reference Singletons singletons,
                        @Reference(target = "(dataSourceName=safeharbor)") DataSource dataSource, BundleContext bundleContext) throws Exception {
        camel = PlatformClassLoader.call(() -> {
            DefaultCamelContext context = new DefaultCamelContext();
            context.getCamelContextExtension().setName(CONTEXT_NAME);
            context.setApplicationContextClassLoader(PlatformClassLoader.LOADER);
            // Plain strings in bodies are never personal data we want in a trace: no message tracing.
            context.setTracing(false);
            AMQPComponent amqp = new AMQPComponent(broker.connectionFactory());
            amqp.getConfiguration().setTemplateConnectionFactory(broker.connectionFactory());
            amqp.getConfiguration().setListenerConnectionFactory(broker.listenerConnectionFactory());
            context.addComponent("amqp", amqp);
            context.getPropertiesComponent().addInitialProperty(JurisdictionPipeline.QUEUE_CONSUMERS, String.valueOf(broker.queueConsumers()));
            broker.queueConsumersByJurisdiction().forEach((code, consumers) -> context.getPropertiesComponent()
                    .addInitialProperty(JurisdictionPipeline.QUEUE_CONSUMERS + "." + code, String.valueOf(consumers)));
            // routes of the group DeliveryContract.SINGLETON_ROUTES run on the node holding the lease only
            singletons.install(context);
            configureHttp(context);
            // per-route counts and timings (exchanges, failures, processing time) at /metrics
            context.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, metrics);
            context.addRoutePolicyFactory(new MicrometerRoutePolicyFactory());
            // which queue messages each jurisdiction has delivered (Camel's table CAMEL_MESSAGEPROCESSED in
            // the message store's database): its idempotent consumer delivers a duplicate message once
            JdbcMessageIdRepository delivered = new JdbcMessageIdRepository(dataSource, "safeharbor-delivered");
            context.getRegistry().bind(JurisdictionPipeline.DELIVERED_REPOSITORY, delivered);
            context.getRegistry().bind(JurisdictionPipeline.ANSWER_TRANSACTION, answerTransaction(delivered));
            context.start();
            return context;
        });
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("camel.context.name", CONTEXT_NAME);
        registration = bundleContext.registerService(CamelContext.class, camel, properties);
        LOG.info("CamelContext '{}' started (Camel {})", CONTEXT_NAME, camel.getVersion());
    }

    /**
     * The state's answer and its delivered key in one transaction: the repository's Spring TransactionTemplate on the
     * message store's DataSource (the same pax-jdbc service object), which the store's own template joins.
     */
    static JurisdictionPipeline.AnswerTransaction answerTransaction(JdbcMessageIdRepository delivered) {
        return work -> delivered.getTransactionTemplate().executeWithoutResult(tx -> work.run());
    }

    /**
     * The one REST and servlet configuration of the context, set here so no route builder changes it for
     * others: REST DSL endpoints are served by the Camel servlet that {@link HttpServer} mounts, and
     * routes they call stay routes of their own ({@code inlineRoutes(false)}).
     *
     * <p>Also the context's one {@code servlet} component, with {@code muteException}: every
     * {@code servlet:} endpoint (REST DSL, /health, /metrics and the jurisdiction bundles' status
     * call-backs alike) answers a failure with a bare HTTP 500 and an empty body, never the Java
     * stack trace Camel writes by default, which would name classes, SQL and host names.
     */
    static void configureHttp(CamelContext context) {
        ServletComponent servlet = new ServletComponent();
        servlet.setMuteException(true);
        context.addComponent("servlet", servlet);
        RestConfiguration rest = context.getRestConfiguration();
        rest.setComponent("servlet");
        rest.setBindingMode(RestConfiguration.RestBindingMode.off);
        rest.setInlineRoutes(false);
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
        camel.stop();
        LOG.info("CamelContext '{}' stopped", CONTEXT_NAME);
    }
}
