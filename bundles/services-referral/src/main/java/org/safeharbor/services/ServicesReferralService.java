package org.safeharbor.services;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import ca.uhn.fhir.context.FhirContext;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.fhir.services.ServicesReferrals;
import org.safeharbor.jurisdiction.support.v1.Durations;
import org.safeharbor.jurisdiction.support.v1.PlatformClassLoader;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.jurisdiction.support.v1.RetryConfig;
import org.safeharbor.store.MessageStore;
import org.safeharbor.store.StoreCipher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Services referrals in Karaf: the ledger in the message store's database, the routes in the adapter's CamelContext
 * on the broker's {@code services.referrals} queue, the providers of {@code etc/org.safeharbor.services.provider-*.cfg},
 * and the {@link ServicesReferrals} service the intake and the hospital's Task use. Site settings:
 * {@code etc/org.safeharbor.services.cfg} (optional), with the kit's retry keys ({@link RetryConfig}: maximumRedeliveries,
 * redeliveryDelay, redeliveryMultiplier, maximumRedeliveryDelay) for one send before it is dead-lettered.
 */
@Component(service = ServicesReferrals.class, immediate = true, configurationPid = ServicesReferralService.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ServicesReferralService.Config.class)
public class ServicesReferralService implements ServicesReferrals {

    public static final String PID = "org.safeharbor.services";
    private static final Logger LOG = LoggerFactory.getLogger(ServicesReferralService.class);

    @ObjectClassDefinition(name = "SafeHarbor Bridge: services referrals",
            description = "When and how services referrals are sent (the providers are org.safeharbor.services.provider-<name>)")
    public @interface Config {

        @AttributeDefinition(description = "How often accepted referrals and deliveries are looked at (ISO-8601)")
        String watchInterval() default "PT10S";

        @AttributeDefinition(description = "How far back the watch looks: older referrals are never referred (ISO-8601)")
        String watchLookback() default "P2D";

        @AttributeDefinition(description = "How often the providers' Tasks are read back (ISO-8601)")
        String pollInterval() default "PT1M";

        @AttributeDefinition(description = "Law enforcement only, per jurisdiction: JURISDICTION=the beginning of the delivery's reason")
        String[] lawEnforcementOnly() default {"US-TX=Texas law enforcement notified:"};

        @AttributeDefinition(description = "How long a sent services referral is kept after its last change (ISO-8601)")
        String retention() default "P90D";

        @AttributeDefinition(description = "How long a failed (dead-lettered) services referral is kept, for an operator (ISO-8601)")
        String failedRetention() default "P365D";
    }

    private final List<ServicesProvider> providers = new CopyOnWriteArrayList<>();
    private final Clock clock = Clock.systemUTC();
    private final CamelContext camel;
    private final ServicesLedger ledger;
    private final ServicesRoutes routes;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addProvider(ServicesProvider provider) {
        providers.add(provider);
    }

    void removeProvider(ServicesProvider provider) {
        providers.remove(provider);
    }

    @Activate
    public ServicesReferralService(Config config, RetryConfig retry, @Reference CamelContext camel,
                                   @Reference(target = "(dataSourceName=safeharbor)") DataSource dataSource,
                                   @Reference MessageStore store, @Reference StoreCipher cipher) throws Exception {
        this.camel = camel;
        ledger = new ServicesLedger(dataSource, cipher, store, clock);
        FhirContext fhir = PlatformClassLoader.call(FhirContext::forR4);
        routes = new ServicesRoutes(ledger, this::enabled, id -> store.find(id).map(org.safeharbor.store.StoredReferral::referral), dataSource,
                new ServicesRoutes.Watch(Durations.of(PID, "watchLookback", config.watchLookback()),
                        lawEnforcementOnly(config.lawEnforcementOnly()), Durations.of(PID, "retention", config.retention()),
                        Durations.of(PID, "failedRetention", config.failedRetention())),
                ServicesRoutes.Queues.onTheBroker(Durations.of(PID, "watchInterval", config.watchInterval()),
                        Durations.of(PID, "pollInterval", config.pollInterval())),
                Redelivery.of(PID, retry), clock, fhir, ServicesReferralService::newContext);
        camel.addRoutes(routes);
        LOG.info("Services referrals on");
    }

    /** A FHIR context, made with the platform bundle's class loader as HAPI needs in Karaf. */
    private static FhirContext newContext() {
        try {
            return PlatformClassLoader.call(FhirContext::forR4);
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a FHIR context: " + e.getClass().getSimpleName(), e);
        }
    }

    /** The providers whose file says {@code enabled=true}. */
    Collection<Provider> enabled() {
        return providers.stream().map(ServicesProvider::provider).filter(Objects::nonNull).toList();
    }

    /** The {@code lawEnforcementOnly} entries, {@code JURISDICTION=reason prefix}, by jurisdiction. */
    static Map<Jurisdiction, String> lawEnforcementOnly(String[] entries) {
        Map<Jurisdiction, String> result = new LinkedHashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || entry.substring(eq + 1).isBlank()) {
                throw new IllegalArgumentException(PID + ": lawEnforcementOnly entries are JURISDICTION=reason prefix, not '" + entry + "'");
            }
            result.put(Jurisdiction.of(entry.substring(0, eq).trim()), entry.substring(eq + 1).trim());
        }
        return result;
    }

    @Override
    public List<Status> statuses(ReferralId referralId) {
        return ledger.statuses(referralId);
    }

    @Override
    public List<String> referYoungAdult(Referral person) {
        return routes.refer(person, Trigger.YOUNG_ADULT);
    }

    @Override
    public List<String> referYoungAdult(Referral person, String clientId) {
        return routes.refer(person, Trigger.YOUNG_ADULT, clientId);
    }

    @Override
    public java.util.Optional<YoungAdult> youngAdult(ReferralId referralId) {
        return ledger.youngAdult(referralId);
    }

    @Override
    public List<Summary> list(String status, int limit) {
        return ledger.list(status == null ? null : ServicesLedger.Status.valueOf(status.toUpperCase(java.util.Locale.ROOT)), limit);
    }

    @Override
    public int resendDeadLetters(String operator) {
        return routes.resendDeadLetters(operator);
    }

    @Deactivate
    void deactivate() throws Exception {
        for (Route route : List.copyOf(camel.getRoutes())) {
            if (route.getRouteId().startsWith(ServicesRoutes.ROUTE_PREFIX)) {
                camel.getRouteController().stopRoute(route.getRouteId());
                camel.removeRoute(route.getRouteId());
            }
        }
        routes.close();
    }
}
