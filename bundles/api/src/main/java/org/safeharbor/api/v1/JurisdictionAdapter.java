package org.safeharbor.api.v1;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * What a jurisdiction bundle implements: the rules of one state's child-welfare intake.
 *
 * <p>Register an implementation as an OSGi service with the service property
 * {@value Jurisdiction#SERVICE_PROPERTY}{@code =US-XX}. The core tracks these services as a
 * whiteboard: a bundle that arrives starts receiving referrals from its durable queue
 * ({@link Jurisdiction#queueName()}); one that leaves stops, and its referrals wait safely on the
 * queue until it (or a replacement) returns.
 *
 * <p>If the same service object also implements Camel's {@code org.apache.camel.RoutesBuilder},
 * the core adds those routes to its CamelContext when the service arrives and removes them when it
 * leaves: that is how a bundle brings its own transport without owning a CamelContext.
 */
@ConsumerType
public interface JurisdictionAdapter {

    /** The jurisdiction this adapter serves; must equal the service property. */
    Jurisdiction jurisdiction();

    /** A human-readable name, e.g. {@code Illinois DCFS (reference SOAP intake)}. */
    String displayName();

    /**
     * Whether this jurisdiction takes the referral. By default, when either the child's residence or
     * the place of care lies in it; a state with another rule overrides this.
     */
    default boolean takes(Referral referral) {
        return referral.jurisdictions().contains(jurisdiction());
    }

    /** The state's wire format. */
    StateFormat format();

    /**
     * Every clock this jurisdiction may start, declared up front (may be empty): the adapter's delivery
     * deadlines, the state's own statutory clocks and the reporter's duties ({@link DeadlineRule.Kind}).
     */
    List<DeadlineRule> deadlineRules();

    /**
     * The clocks that apply to this referral, started at its receipt. By default every declared rule;
     * a state whose clocks depend on the case (e.g. Texas: law-enforcement notice only for a
     * non-caregiver trafficker) overrides this. A state's own clock ({@link DeadlineRule.Kind#STATE})
     * is started again by the core when the state acknowledges the report: its start here is ignored.
     */
    default List<Deadline> deadlinesFor(Referral referral) {
        return deadlineRules().stream().map(rule -> rule.startingAt(referral.receivedAt())).toList();
    }
}
