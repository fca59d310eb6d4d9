package org.safeharbor.jurisdiction.support.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CareStatus;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.Deadline;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralField;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.ReportSource;
import org.safeharbor.api.v1.Sex;
import org.safeharbor.api.v1.StateFormat;

/** The kit's reading of a child in the agency's care: what a format writes, and the agency's law-enforcement clock. */
class ChildInCareTest {

    private static final Instant RECEIVED = Instant.parse("2026-11-21T10:00:00Z");

    private static Referral referral(CareStatus care, Allegation... allegations) {
        return new Referral(new ReferralId("cic-1"), new Child(null, LocalDate.of(2012, 1, 1), Sex.FEMALE, null), null, null,
                RECEIVED, null, List.of(allegations), ReportSource.HEALTH_CARE, care, false);
    }

    private static StateFormat format(Optional<String> atRisk, Optional<String> childInCare) {
        return new StateFormat() {
            public String mediaType() {
                return "text/plain";
            }

            public Optional<String> write(Referral referral) {
                return Optional.of("x");
            }

            public Referral read(String payload) {
                throw new UnsupportedOperationException();
            }

            public Set<ReferralField> disclosedFields() {
                return Set.of();
            }

            @Override
            public Optional<String> atRiskRule() {
                return atRisk;
            }

            @Override
            public Optional<String> childInCareAtRiskRule() {
                return childInCare;
            }
        };
    }

    private static final Allegation AT_RISK = Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK);
    private static final Allegation SUSPECTED = Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED);
    private static final Allegation RULED_OUT = Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.RULED_OUT);

    @Test
    void aSignalIsWrittenOnlyUnderARuleAndForAChildInCareUnderTheChildInCareRule() {
        StateFormat withRule = format(Optional.empty(), Optional.of(ChildInCare.RULE));
        assertEquals(List.of(SUSPECTED, AT_RISK), ChildInCare.allegationsWritten(withRule,
                referral(CareStatus.FOSTER_CARE, SUSPECTED, AT_RISK, RULED_OUT)));
        assertEquals(List.of(AT_RISK), ChildInCare.allegationsWritten(withRule, referral(CareStatus.AGENCY_SUPERVISION, AT_RISK)));
        assertEquals(List.of(), ChildInCare.allegationsWritten(withRule, referral(CareStatus.NOT_IN_CARE, AT_RISK)));
        assertEquals(List.of(), ChildInCare.allegationsWritten(withRule, referral(CareStatus.UNKNOWN, AT_RISK)));
        assertEquals(List.of(), ChildInCare.allegationsWritten(format(Optional.empty(), Optional.empty()),
                referral(CareStatus.FOSTER_CARE, AT_RISK)));
        assertEquals(List.of(AT_RISK), ChildInCare.allegationsWritten(format(Optional.of("a state's rule"), Optional.empty()),
                referral(CareStatus.NOT_IN_CARE, AT_RISK)));
    }

    @Test
    void theLawEnforcementClockIsTheAgencysMetByItsDecisionAndRunsOnlyForAChildInCare() {
        DeadlineRule rule = ChildInCare.LAW_ENFORCEMENT;
        assertEquals(DeadlineRule.Kind.STATE, rule.kind());
        assertEquals("42 U.S.C. 671(a)(34)(A)", rule.legalBasis());
        assertFalse(rule.isMetBy(DeliveryStatus.DELIVERED));
        assertFalse(rule.isMetBy(DeliveryStatus.ACKNOWLEDGED));
        assertTrue(rule.isMetBy(DeliveryStatus.SCREENED_OUT));
        StateFormat withRule = format(Optional.empty(), Optional.of(ChildInCare.RULE));
        List<Deadline> own = List.of();
        assertEquals(List.of(rule.startingAt(RECEIVED)), ChildInCare.deadlines(own, withRule, referral(CareStatus.FOSTER_CARE, AT_RISK)));
        assertEquals(List.of(), ChildInCare.deadlines(own, withRule, referral(CareStatus.NOT_IN_CARE, SUSPECTED)));
        assertEquals(List.of(), ChildInCare.deadlines(own, withRule, referral(CareStatus.FOSTER_CARE,
                Allegation.of(AllegationType.LABOR_TRAFFICKING, Certainty.AT_RISK))), "labor trafficking: not (a)(34)(A)");
        assertEquals(List.of(), ChildInCare.deadlines(own, format(Optional.empty(), Optional.empty()),
                referral(CareStatus.FOSTER_CARE, SUSPECTED)), "a state that does not declare the rule");
    }
}
