package org.safeharbor.jurisdiction.sample;

import java.time.Duration;
import java.util.List;

import org.apache.camel.builder.RouteBuilder;
import org.osgi.service.component.annotations.Component;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.JurisdictionAdapter;

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
