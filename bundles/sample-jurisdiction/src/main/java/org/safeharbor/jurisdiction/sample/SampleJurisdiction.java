package org.safeharbor.jurisdiction.sample;

import java.time.Duration;
import java.util.List;

import org.apache.camel.builder.RouteBuilder;
import org.osgi.service.component.annotations.Component;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralField;
import org.safeharbor.api.v1.StateFormat;
import org.safeharbor.json.v1.ReferralJson;

/**
 * A test jurisdiction, {@code ZZ-SMP} (ISO 3166 reserves ZZ for user assignment, so it can never
 * collide with a real state). It consumes its durable queue and only logs the referral id.
 */
@Component(service = JurisdictionAdapter.class, property = Jurisdiction.SERVICE_PROPERTY + "=" + SampleJurisdiction.CODE)
public class SampleJurisdiction extends RouteBuilder implements JurisdictionAdapter {

    static final String CODE = "ZZ-SMP";
    private static final Jurisdiction JURISDICTION = Jurisdiction.of(CODE);

    @Override
    public Jurisdiction jurisdiction() {
        return JURISDICTION;
    }

    @Override
    public String displayName() {
        return "Sample jurisdiction (tests only)";
    }

    /** The canonical JSON itself: a test jurisdiction has no wire format of its own. */
    @Override
    public StateFormat format() {
        return new StateFormat() {
            public String mediaType() { return ReferralJson.MEDIA_TYPE; }
            public Optional<String> write(Referral referral) { return Optional.of(ReferralJson.INSTANCE.write(referral)); }
            public Referral read(String payload) { return ReferralJson.INSTANCE.read(payload); }
            public Set<ReferralField> disclosedFields() { return EnumSet.allOf(ReferralField.class); }
            public Map<AllegationType, String> unsupportedTypes() { return Map.of(); }
            public Optional<String> atRiskRule() { return Optional.of("test jurisdiction: receives everything"); }
        };
    }

    @Override
    public List<DeadlineRule> deadlineRules() {
        return List.of(new DeadlineRule("zz-smp-test", "test clock", Duration.ofHours(24), "none: test jurisdiction"));
    }

    @Override
    public void configure() {
        from("amqp:queue:" + JURISDICTION.queueName()).routeId(CODE + "-deliver")
                .log("Sample jurisdiction received referral ${header.referralId}");
    }
}
