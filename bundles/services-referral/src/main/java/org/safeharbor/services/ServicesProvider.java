package org.safeharbor.services;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.safeharbor.jurisdiction.support.v1.SandboxPeer;

/**
 * One services provider, from its {@code etc/org.safeharbor.services.provider-<name>.cfg} (a factory configuration:
 * one file per provider). Off until {@code enabled=true}. While the sandbox provider runs (a {@link SandboxPeer} with
 * {@value SandboxPeer#MARKER}{@code =SERVICES}), a provider named {@code sandbox} takes from it what its file leaves
 * unset: {@code enabled}, the base URL, the trust store and the bearer token; the production profile refuses the sandbox,
 * so the shipped {@code etc/org.safeharbor.services.provider-sandbox.cfg} ({@code enabled=false}) stays off there.
 */
@Component(service = ServicesProvider.class, configurationPid = ServicesProvider.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ServicesProvider.Config.class, factory = true)
public class ServicesProvider {

    public static final String PID = "org.safeharbor.services.provider";
    /** The marker value of the sandbox provider's {@link SandboxPeer} service. */
    public static final String SANDBOX = "SERVICES";

    @ObjectClassDefinition(name = "SafeHarbor Bridge: services provider",
            description = "A services provider or state hub that receives services referrals (FHIR ServiceRequest + Task)")
    public @interface Config {

        @AttributeDefinition(description = "Whether referrals are sent to this provider")
        boolean enabled() default false;

        @AttributeDefinition(description = "A lower-case code naming the provider in records, audit and the hospital's Task")
        String name();

        @AttributeDefinition(required = false, description = "The provider's FHIR R4 base URL (https)")
        String baseUrl() default "";

        @AttributeDefinition(description = "Accepted categories: sex-trafficking, labor-trafficking, at-risk")
        String[] categories() default {"sex-trafficking", "labor-trafficking", "at-risk"};

        @AttributeDefinition(description = "Accepted ages, in whole years, e.g. 12-24")
        String ages() default "12-24";

        @AttributeDefinition(description = "Triggers taken: law-enforcement-only, at-risk-consented, confirmed, young-adult")
        String[] triggers() default {"law-enforcement-only", "at-risk-consented", "confirmed", "young-adult"};

        @AttributeDefinition(description = "Whether every referral needs the submission's recorded consent (at-risk and young-adult always do)")
        boolean consentRequired() default true;

        @AttributeDefinition(required = false, description = "Task.owner: the provider's Organization on its server, e.g. Organization/youth-services")
        String owner() default "";

        @AttributeDefinition(required = false, description = "Task.owner.display")
        String ownerDisplay() default "";

        @AttributeDefinition(required = false, type = AttributeType.PASSWORD, description = "Bearer token (private key '.bearerToken')")
        String _bearerToken() default "";

        @AttributeDefinition(required = false, description = "PKCS12 trust store for the provider's certificate; empty: the JVM's")
        String trustStore() default "";

        @AttributeDefinition(required = false, type = AttributeType.PASSWORD, description = "Trust store password")
        String _trustStorePassword() default "";

        @AttributeDefinition(required = false, description = "PKCS12 key store with the adapter's client certificate (mutual TLS)")
        String keyStore() default "";

        @AttributeDefinition(required = false, type = AttributeType.PASSWORD, description = "Key store password")
        String _keyStorePassword() default "";
    }

    private final Provider provider;

    @Activate
    public ServicesProvider(Config config,
                            @Reference(target = "(" + SandboxPeer.MARKER + "=" + SANDBOX + ")", cardinality = ReferenceCardinality.OPTIONAL,
                                    policyOption = ReferencePolicyOption.GREEDY) SandboxPeer sandbox) {
        this.provider = provider(SandboxPeer.fill(Config.class, config, "sandbox".equals(config.name()) ? sandbox : null));
    }

    /** The provider; null while its file says {@code enabled=false}. */
    public Provider provider() {
        return provider;
    }

    /** The values of a list attribute: a .cfg file gives one comma-separated string, Configuration Admin an array. */
    private static java.util.stream.Stream<String> list(String[] values) {
        return Arrays.stream(values).flatMap(v -> Arrays.stream(v.split(","))).map(String::trim).filter(v -> !v.isEmpty());
    }

    /** The provider a configuration describes, or null when it is not enabled; a bad value names its key. */
    static Provider provider(Config config) {
        if (!config.enabled()) {
            return null;
        }
        String pid = PID + "-" + config.name();
        int[] ages = Provider.ages(pid, config.ages());
        Set<Trigger> triggers = EnumSet.noneOf(Trigger.class);
        list(config.triggers()).map(Trigger::fromCode).forEach(triggers::add);
        Set<String> categories = list(config.categories()).collect(Collectors.toSet());
        return new Provider(config.name(), Provider.base(pid, config.baseUrl()), categories, ages[0], ages[1], triggers,
                config.consentRequired(), config.owner(), config.ownerDisplay(),
                new Provider.Auth(config._bearerToken(), config.trustStore(), config._trustStorePassword(), config.keyStore(),
                        config._keyStorePassword()));
    }
}
