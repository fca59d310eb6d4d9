package org.safeharbor.jurisdiction.us.tx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.allegation;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CareStatus;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Deadline;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.jurisdiction.support.v1.ChildInCare;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.jurisdiction.support.v1.SchemaXml.InvalidDocumentException;
import org.safeharbor.jurisdiction.us.tx.wire.IntakeRoute;
import org.safeharbor.tck.ConformanceReferrals;
import org.safeharbor.tck.RecordingStatusReporter;

/**
 * A child in DFPS' care (42 U.S.C. 671(a)(34), P.L. 113-183; docs/domain.md "Children in state care"): the at-risk signal
 * as Texas' wire writes it (ext:ChildInCareRiskSignal, to CPS intake, never an allegation) and DFPS' 24-hour
 * law-enforcement clock (671(a)(34)(A)), started only for a child in care.
 */
class TexasChildInCareTest {

    private static final Jurisdiction TX = Jurisdiction.of("US-TX");
    private static final TexasAdapter ADAPTER = new TexasAdapter(TestSupport.defaults(), Redelivery.DEFAULT, new RecordingStatusReporter());
    private static final TexasNiemFormat FORMAT = (TexasNiemFormat) ADAPTER.format();

    private static Referral withCare(CareStatus care, Allegation... allegations) {
        Referral r = ConformanceReferrals.referral(TX, allegations);
        return new Referral(r.id(), r.child(), r.placeOfCare(), r.reporter(), r.receivedAt(), r.occurredAt(), r.allegations(),
                r.source(), care, r.servicesConsent());
    }

    private static Referral fosterChildAtRisk() {
        return withCare(CareStatus.FOSTER_CARE, Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK));
    }

    private static List<Deadline> lawEnforcementClocks(Referral referral) {
        return ADAPTER.deadlinesFor(referral).stream().filter(d -> d.rule().equals(ChildInCare.LAW_ENFORCEMENT)).toList();
    }

    @Test
    void declaresTheRuleAndTheKitsLawEnforcementClock() {
        assertEquals(Optional.of(ChildInCare.RULE), FORMAT.childInCareAtRiskRule());
        assertTrue(FORMAT.atRiskRule().isEmpty(), "a hospital screen of a child not in care is still never sent");
        assertTrue(ADAPTER.deadlineRules().contains(ChildInCare.LAW_ENFORCEMENT));
        assertEquals(DeadlineRule.Kind.STATE, ChildInCare.LAW_ENFORCEMENT.kind(), "DFPS' duty, not the adapter's");
    }

    @Test
    void theClockStartsForAChildInCareWithASexTraffickingSignal() {
        for (CareStatus care : List.of(CareStatus.FOSTER_CARE, CareStatus.AGENCY_SUPERVISION)) {
            List<Deadline> clocks = lawEnforcementClocks(withCare(care, Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK)));
            assertEquals(1, clocks.size(), care.code());
            assertEquals(ConformanceReferrals.RECEIVED_AT.plus(Duration.ofHours(24)), clocks.get(0).due());
        }
        // a signal alone goes to CPS only: the §2380 law-enforcement notice's clock does not run
        assertTrue(ADAPTER.deadlinesFor(fosterChildAtRisk()).stream().noneMatch(d -> d.rule().id().equals(TexasRules.LAW_ENFORCEMENT_CLOCK_ID)));
        // beside a non-caregiver's allegation both run: §2380's notice and DFPS' own
        Referral both = withCare(CareStatus.FOSTER_CARE, allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED,
                PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT));
        assertEquals(2, ADAPTER.deadlinesFor(both).size());
    }

    @Test
    void noClockForAChildNotInCareOrWithoutASexTraffickingFinding() {
        for (CareStatus care : List.of(CareStatus.NOT_IN_CARE, CareStatus.UNKNOWN)) {
            Referral referral = withCare(care, Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK));
            assertEquals(List.of(), ADAPTER.deadlinesFor(referral), care.code());
            assertEquals(Optional.empty(), FORMAT.write(referral), care.code() + ": no rule sends this child's at-risk signal");
            assertEquals(List.of(), lawEnforcementClocks(withCare(care, allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED,
                    PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT))), care.code());
        }
        assertEquals(List.of(), lawEnforcementClocks(withCare(CareStatus.FOSTER_CARE,
                Allegation.of(AllegationType.LABOR_TRAFFICKING, Certainty.AT_RISK))), "labor only: 671(a)(34)(A) is about sex trafficking");
    }

    @Test
    void theSignalIsAChildInCareRiskSignalToCpsNeverAnAllegation() {
        String xml = FORMAT.write(fosterChildAtRisk()).orElseThrow();

        assertTrue(xml.contains("<ext:ReportRouteCode>cps-child-in-care</ext:ReportRouteCode>"), xml);
        assertTrue(xml.replaceAll(">\\s+<", "><").contains("<ext:ChildInCareRiskSignal><ext:RiskSignalFormCode>sex-trafficking"
                + "</ext:RiskSignalFormCode><ext:RiskSignalRuleText>" + ChildInCare.CITATION + "</ext:RiskSignalRuleText>"
                + "</ext:ChildInCareRiskSignal>"), "the form and the rule: " + xml);
        assertFalse(xml.contains("JuvenileAbuseNeglectAllegation"), "no allegation: " + xml);
        assertFalse(xml.contains("ExploitationIndustryCode") || xml.contains("IdentifiedAsVictimStatus") || xml.contains("CertaintyCode"),
                "none of Texas' allegation codes and no certainty");
        assertFalse(xml.contains("LawEnforcementNotificationDueDateTime"), "telling law enforcement is DFPS' duty, on its own clock");
        String lower = xml.toLowerCase(Locale.ROOT);
        for (String word : List.of("offender", "offense", "delinquen", "juvenile-justice", "arrest", "criminal")) {
            assertFalse(lower.contains(word), "nothing about a minor as an offender: " + word);
        }
        assertEquals(Optional.of(IntakeRoute.CPS_CHILD_IN_CARE), FORMAT.route(fosterChildAtRisk()));
        assertFalse(TexasRules.toLawEnforcement(IntakeRoute.CPS_CHILD_IN_CARE));

        List<Allegation> back = FORMAT.read(xml).allegations();
        assertEquals(List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK)), back, "read back as at-risk only");
    }

    @Test
    void besideALawEnforcementOnlyAllegationTheSignalStillReachesCps() {
        Referral mixed = withCare(CareStatus.FOSTER_CARE,
                allegation(AllegationType.LABOR_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT),
                Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK));
        assertEquals(Optional.of(IntakeRoute.LAW_ENFORCEMENT_NOTICE_AND_CPS), FORMAT.route(mixed));
        Referral back = FORMAT.read(FORMAT.write(mixed).orElseThrow());
        assertEquals(1, back.allegations().stream().filter(a -> a.certainty().isAllegation()).count());
        assertTrue(back.allegations().contains(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK)));
        // the same allegations for a child not in care: law enforcement only, as before
        assertEquals(Optional.of(IntakeRoute.LAW_ENFORCEMENT_NOTICE), FORMAT.route(withCare(CareStatus.NOT_IN_CARE,
                mixed.allegations().toArray(Allegation[]::new))));
    }

    @Test
    void theSchemaRefusesASignalWithACertaintyOrAReportWithNothing() {
        String xml = FORMAT.write(fosterChildAtRisk()).orElseThrow();
        assertThrows(InvalidDocumentException.class, () -> FORMAT.read(xml.replace("</ext:RiskSignalRuleText>",
                "</ext:RiskSignalRuleText><ext:AllegationCertaintyCode>suspected</ext:AllegationCertaintyCode>")));
        String nothing = xml.replaceAll("(?s)<ext:ChildInCareRiskSignal>.*</ext:ChildInCareRiskSignal>", "");
        assertThrows(InvalidDocumentException.class, () -> FORMAT.read(nothing), "neither an allegation nor a signal");
    }
}
