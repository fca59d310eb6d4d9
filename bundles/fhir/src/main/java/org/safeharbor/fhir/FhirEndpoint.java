package org.safeharbor.fhir;

import java.time.Clock;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.Servlet;

import ca.uhn.fhir.context.FhirContext;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.auth.AccessTokens;
import org.safeharbor.store.MessageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the FHIR intake (PID {@code org.safeharbor.fhir}): mounts the FHIR server at {@code /fhir/*} on the core HTTP
 * server; each accepted submission goes to the core's intake route ({@code DeliveryContract.INTAKE_ENDPOINT}), which
 * stores and queues it. It follows the installed jurisdiction bundles only for what it answers the hospital (a referral
 * on hold, a risk signal a state's rule receives, the reporter's own duties).
 */
@Component(immediate = true, configurationPid = FhirEndpoint.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = FhirEndpoint.Config.class)
public class FhirEndpoint {

    static final String PID = "org.safeharbor.fhir";
    private static final Logger LOG = LoggerFactory.getLogger(FhirEndpoint.class);

    @ObjectClassDefinition(name = "SafeHarbor Bridge FHIR intake")
    public @interface Config {
        @AttributeDefinition(description = "Largest submission accepted, in bytes; larger ones get 413")
        int maxPayloadBytes() default 1_048_576;

        // read by the core's outbox sweep (routes/ IntakeRoute), described here with the rest of the intake's settings
        @AttributeDefinition(description = "ISO-8601 interval of the outbox sweep, which queues referrals a crash left stored but not queued")
        String outboxInterval() default "PT10S";

        @AttributeDefinition(description = "ISO-8601 age after which the outbox sweep queues a stored but unqueued delivery whose"
                + " queueing is not in flight in this process (it failed, or the process stopped between store and queue)")
        String outboxAge() default "PT10S";

        @AttributeDefinition(description = "ISO-8601 time a submission waits for the message store and the broker during an"
                + " outage; then it is answered 503 with Retry-After (as many seconds) and an OperationOutcome, never 500")
        String intakeHold() default "PT20S";

        @AttributeDefinition(description = "Read SNOMED CT 734998001 'victim of human trafficking' (suspected, or confirmed by the"
                + " Condition's verificationStatus). Off by default: the code is unconfirmed in the project's sources; turn it on"
                + " only after checking it against the site's SNOMED CT release")
        boolean snomedVictimOfHumanTrafficking() default false;

        @AttributeDefinition(description = "Submissions one client may make a minute; beyond, HTTP 429 with Retry-After and"
                + " nothing kept. 0 for no limit")
        int submissionsPerMinute() default 600;

        @AttributeDefinition(description = "Submissions one client may make at once, before submissionsPerMinute applies")
        int submissionBurst() default 100;
    }

    /** The installed jurisdiction bundles: whether a state has one, and its rules (risk signals, reporter's duties). */
    private final Map<Jurisdiction, JurisdictionAdapter> installed = new ConcurrentHashMap<>();
    private final ProducerTemplate producer;
    private final IntakeService intake;
    private volatile org.safeharbor.fhir.services.ServicesReferrals services;
    private ServiceRegistration<Servlet> registration;
    private boolean deactivated;

    @Activate
    public FhirEndpoint(@Reference CamelContext camel, @Reference MessageStore store, @Reference AccessTokens tokens,
                        @Reference io.micrometer.core.instrument.MeterRegistry meters, BundleContext bundleContext, Config config)
            throws Exception {
        producer = camel.createProducerTemplate();
        FhirContext fhir = FhirContext.forR4Cached();
        SubmissionReader reader = new SubmissionReader(AllegationMaps.load(fhir), Clock.systemUTC(),
                config.snomedVictimOfHumanTrafficking());
        intake = new IntakeService(reader, producer, j -> java.util.Optional.ofNullable(installed.get(j)), () -> services,
                java.time.Duration.parse(config.intakeHold()));
        IntakeServer server = new IntakeServer(fhir, new IntakeProvider(fhir, intake, config.maxPayloadBytes()),
                new TaskProvider(store, () -> services), new AuditEventProvider(fhir, store), java.util.stream.Stream.concat(
                        IntakeInterceptors.all(fhir, store, config.maxPayloadBytes(), tokens, new org.safeharbor.auth.RateLimiter(
                                config.submissionsPerMinute(), config.submissionBurst(), System::nanoTime), () -> services).stream(),
                        java.util.stream.Stream.of(new IntakeMetrics(meters))).toList());
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("safeharbor.http.path", "/fhir/*");
        // mounted once the profile validator is warm, so /health/ready is not UP while a submission would wait for it
        // (until then the core answers /fhir 503 with Retry-After); mounted too if it failed: Tasks are still served
        ProfileValidation.shared().whenBuilt().thenAccept(validating -> mount(bundleContext, server, properties, config, validating));
    }

    private synchronized void mount(BundleContext bundleContext, IntakeServer server, Dictionary<String, Object> properties,
                                    Config config, boolean validating) {
        if (deactivated) {
            return;
        }
        registration = bundleContext.registerService(Servlet.class, server, properties);
        LOG.info("FHIR intake ready at /fhir (largest submission {} bytes; at most {} submissions a minute per client;"
                + " SNOMED CT 734998001 {}; profile validation {})", config.maxPayloadBytes(),
                config.submissionsPerMinute() > 0 ? config.submissionsPerMinute() : "unlimited",
                config.snomedVictimOfHumanTrafficking() ? "read" : "not read", validating ? "ready" : "FAILED: submissions get 500");
    }

    @Reference(service = JurisdictionAdapter.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindAdapter(JurisdictionAdapter adapter, Map<String, Object> properties) {
        installed.put(adapter.jurisdiction(), adapter);
    }

    void unbindAdapter(JurisdictionAdapter adapter) {
        installed.remove(adapter.jurisdiction(), adapter);
    }

    /** The services-referral bundle, while installed: the Task shows its referrals, a consented young adult is referred. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindServices(org.safeharbor.fhir.services.ServicesReferrals bound) {
        services = bound;
    }

    void unbindServices(org.safeharbor.fhir.services.ServicesReferrals bound) {
        if (services == bound) {
            services = null;
        }
    }

    @Deactivate
    synchronized void deactivate() throws Exception {
        deactivated = true;
        if (registration != null) {
            registration.unregister();
        }
        intake.close();
        producer.close();
    }
}
