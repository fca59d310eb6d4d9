package org.safeharbor.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.safeharbor.tck.ConformanceReferrals.allegation;
import static org.safeharbor.tck.ConformanceReferrals.referral;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.CaregiverStatus;
import org.safeharbor.api.v1.CareStatus;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Deadline;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralField;
import org.safeharbor.api.v1.StateFormat;

/**
 * The conformance kit. A jurisdiction bundle's test class extends this and returns its adapter;
 * every test below then runs against that bundle's format and rules:
 * <ul>
 *   <li>round trip: canonical -> state format -> canonical keeps type, certainty, perpetrator
 *       relation and caregiver role of every allegation the state receives;</li>
 *   <li>caregiver role: follows the state's reading of the perpetrator ({@link #caregiverStatus}) for
 *       perpetrators of every relation: {@code act} only for a caregiver, {@code not-applicable} for anyone
 *       else, failure to protect where (and only where) it was said;</li>
 *   <li>safe harbor: no child is written as an offender or delinquent; at-risk signals are never
 *       sent as allegations, and not at all unless the format names its rule; ruled-out and
 *       historical findings are never sent;</li>
 *   <li>minimum necessary: no field outside {@link StateFormat#disclosedFields()} is written, nor read back;</li>
 *   <li>no silent drop: every allegation type is received or declared unsupported with a reason;</li>
 *   <li>deadlines: declared, with their legal basis, and computed from the report time.</li>
 * </ul>
 */
public abstract class JurisdictionConformanceTest {

    /** Words that would label the child a wrongdoer: never in any output about a minor. */
    private static final List<String> OFFENDER_WORDS = List.of("offender", "delinquen", "criminal", "arrest",
            "juvenile offense", "prostitute");

    /** The adapter under test, configured as in production (with default configuration). */
    protected abstract JurisdictionAdapter adapter();

    private StateFormat format() {
        return adapter().format();
    }

    /**
     * Whether the state counts a perpetrator of this relation as a person responsible for the child's care. The
     * shared code's default ({@link PerpetratorRelation#defaultCaregiverStatus()}); a bundle whose state reads a
     * relation otherwise overrides this with the same rule its format applies, and the kit then checks the
     * format's caregiver roles against it.
     */
    protected CaregiverStatus caregiverStatus(PerpetratorRelation relation) {
        return relation.defaultCaregiverStatus();
    }

    // ------------------------------------------------------------------ identity

    @Test
    void declaresItsJurisdictionNameAndFormat() {
        assertNotNull(adapter().jurisdiction());
        assertFalse(adapter().displayName().isBlank());
        assertFalse(format().mediaType().isBlank());
        assertTrue(format().disclosedFields().contains(ReferralField.REFERRAL_ID),
                "every delivery carries the stable referral id, so the state can de-duplicate redeliveries");
        assertTrue(format().disclosedFields().contains(ReferralField.ALLEGATIONS));
    }

    @Test
    void takesAReferralWhoseChildLivesAndIsSeenInTheJurisdiction() {
        assertTrue(adapter().takes(referral(adapter().jurisdiction(), suspectedSexTrafficking())));
    }

    // ------------------------------------------------------------------ round trip

    static Stream<Arguments> reportableAllegations() {
        List<Arguments> all = new ArrayList<>();
        for (AllegationType type : AllegationType.values()) {
            for (Certainty certainty : List.of(Certainty.SUSPECTED, Certainty.CONFIRMED)) {
                for (PerpetratorRelation perpetrator : PerpetratorRelation.values()) {
                    // the role the intake gives a perpetrator of this relation (the shared default)
                    all.add(Arguments.of(type, certainty, perpetrator, intakeRole(perpetrator)));
                }
                all.add(Arguments.of(type, certainty, PerpetratorRelation.PARENT, CaregiverRole.FAILURE_TO_PROTECT));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} by {2} ({3})")
    @MethodSource("reportableAllegations")
    void roundTripKeepsTypeCertaintyPerpetratorAndRole(AllegationType type, Certainty certainty,
                                                        PerpetratorRelation perpetrator, CaregiverRole role) {
        Allegation sent = allegation(type, certainty, perpetrator, role);
        Referral referral = referral(adapter().jurisdiction(), sent);
        Optional<String> payload = format().write(referral);
        if (format().unsupportedTypes().containsKey(type)) {
            // declared unsupported: must not be sent as something else
            payload.ifPresent(p -> assertTrue(format().read(p).allegations().stream().noneMatch(a -> a.type() == type)));
            return;
        }
        assertTrue(payload.isPresent(), "a " + certainty.code() + " " + type.code() + " allegation must be sent");
        Referral back = format().read(payload.get());
        assertEquals(referral.id(), back.id(), "the referral id survives the round trip");
        CaregiverRole expected = CaregiverRole.of(caregiverStatus(perpetrator), role);
        assertTrue(back.allegations().stream().anyMatch(a -> a.type() == type && a.certainty() == certainty
                        && a.perpetrator() == perpetrator && a.caregiverRole() == expected),
                () -> "sent " + describe(sent) + ", read back " + back.allegations().stream().map(JurisdictionConformanceTest::describe).toList());
    }

    // ------------------------------------------------------------------ caregiver role

    static Stream<Arguments> perpetratorsAndStatedRoles() {
        List<Arguments> all = new ArrayList<>();
        for (PerpetratorRelation perpetrator : PerpetratorRelation.values()) {
            for (CaregiverRole stated : CaregiverRole.values()) {
                all.add(Arguments.of(perpetrator, stated));
            }
        }
        return all.stream();
    }

    /**
     * A stranger is never reported as a caregiver: whatever role an allegation comes with (an older referral, a
     * replay, a producer's mistake), the state receives the role its own reading of the perpetrator gives.
     */
    @ParameterizedTest(name = "{0} stated {1}")
    @MethodSource("perpetratorsAndStatedRoles")
    void caregiverRoleFollowsTheStatesReadingOfThePerpetrator(PerpetratorRelation perpetrator, CaregiverRole stated) {
        CaregiverStatus status = caregiverStatus(perpetrator);
        CaregiverRole expected = CaregiverRole.of(status, stated);
        for (AllegationType type : List.of(AllegationType.SEX_TRAFFICKING, AllegationType.LABOR_TRAFFICKING)) {
            if (format().unsupportedTypes().containsKey(type)) {
                continue;
            }
            Referral referral = referral(adapter().jurisdiction(), allegation(type, Certainty.SUSPECTED, perpetrator, stated));
            Referral back = format().read(format().write(referral).orElseThrow());
            List<Allegation> read = back.allegations().stream().filter(a -> a.type() == type).toList();
            assertFalse(read.isEmpty(), type.code() + " was not sent");
            for (Allegation a : read) {
                assertEquals(perpetrator, a.perpetrator(), "the perpetrator relation is sent as the hospital gave it");
                assertEquals(expected, a.caregiverRole(), () -> type.code() + " by " + perpetrator.code() + " (" + status
                        + " here), stated " + stated.code() + ": read back " + describe(a));
                if (a.caregiverRole() == CaregiverRole.ACT) {
                    assertEquals(CaregiverStatus.CAREGIVER, status, "act is a caregiver's act only");
                }
                if (perpetrator == PerpetratorRelation.UNKNOWN || perpetrator == PerpetratorRelation.NON_FAMILY) {
                    assertTrue(a.caregiverRole() != CaregiverRole.ACT, "a stranger or an unknown perpetrator is never a caregiver's act");
                }
            }
        }
    }

    // ------------------------------------------------------------------ safe harbor

    @Test
    void neverWritesAChildAsAnOffenderOrDelinquent() {
        for (AllegationType type : AllegationType.values()) {
            Referral referral = referral(adapter().jurisdiction(),
                    allegation(type, Certainty.CONFIRMED, PerpetratorRelation.NON_FAMILY, CaregiverRole.NOT_APPLICABLE));
            format().write(referral).ifPresent(payload -> {
                String text = payload.toLowerCase(Locale.ROOT);
                for (String word : OFFENDER_WORDS) {
                    assertFalse(text.contains(word), type.code() + ": the output calls someone '" + word + "': " + payload);
                }
            });
        }
    }

    /**
     * A law-enforcement custody notice's referral (issue 15, {@link LawEnforcementReferrals}): sent, with no offense, charge,
     * arrest or other criminal-justice wording and no child as an offender, and read back with the child the victim.
     */
    @Test
    void aLawEnforcementReferralCarriesNoCriminalJusticeWording() {
        LawEnforcementReferrals.check(format(), adapter().jurisdiction(), OFFENDER_WORDS);
    }

    @Test
    void atRiskSignalIsNeverSentAsAnAllegation() {
        Referral onlyAtRisk = referral(adapter().jurisdiction(), Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK));
        Optional<String> payload = format().write(onlyAtRisk);
        if (format().atRiskRule().isEmpty()) {
            assertTrue(payload.isEmpty(), "no at-risk rule declared, yet an at-risk signal was sent: " + payload.orElse(""));
        } else {
            assertFalse(format().atRiskRule().get().isBlank(), "the at-risk rule must name its basis");
            assertTrue(payload.isPresent());
            assertTrue(format().read(payload.get()).allegations().stream().allMatch(a -> a.certainty() == Certainty.AT_RISK),
                    "an at-risk signal was sent as an allegation of abuse");
        }
        Referral mixed = referral(adapter().jurisdiction(), suspectedSexTrafficking(),
                Allegation.of(AllegationType.LABOR_TRAFFICKING, Certainty.AT_RISK));
        Referral back = format().read(format().write(mixed).orElseThrow());
        if (format().atRiskRule().isEmpty()) {
            assertTrue(back.allegations().stream().noneMatch(a -> a.certainty() == Certainty.AT_RISK));
        }
        assertTrue(back.allegations().stream().noneMatch(a -> a.type() == AllegationType.LABOR_TRAFFICKING && a.certainty().isAllegation()),
                "the at-risk labor signal became an allegation");
    }

    @Test
    void ruledOutAndHistoricalFindingsAreNeverSent() {
        for (Certainty certainty : List.of(Certainty.RULED_OUT, Certainty.HISTORICAL)) {
            Referral only = referral(adapter().jurisdiction(), Allegation.of(AllegationType.SEX_TRAFFICKING, certainty));
            assertTrue(format().write(only).isEmpty(), certainty.code() + " alone must send nothing");
            Referral mixed = referral(adapter().jurisdiction(), suspectedSexTrafficking(),
                    Allegation.of(AllegationType.LABOR_TRAFFICKING, certainty));
            Referral back = format().read(format().write(mixed).orElseThrow());
            assertTrue(back.allegations().stream().noneMatch(a -> a.type() == AllegationType.LABOR_TRAFFICKING),
                    certainty.code() + " labor finding was sent: " + back.allegations().stream().map(JurisdictionConformanceTest::describe).toList());
        }
    }

    // ------------------------------------------------------------------ minimum necessary

    @Test
    void writesNoFieldItDoesNotDeclare() {
        Set<ReferralField> declared = format().disclosedFields();
        Referral referral = referral(adapter().jurisdiction(), suspectedSexTrafficking());
        String payload = format().write(referral).orElseThrow();
        for (Map.Entry<ReferralField, List<String>> telltale : ConformanceReferrals.TELLTALES.entrySet()) {
            if (declared.contains(telltale.getKey())) {
                continue;
            }
            for (String value : telltale.getValue()) {
                assertFalse(payload.contains(value), telltale.getKey() + " is not declared but '" + value + "' was written");
            }
        }
        assertTrue(payload.contains(referral.id().value()), "the referral id must be in the payload");
        // and what the format reads back holds nothing of an undeclared field either
        Referral back = format().read(payload);
        if (!declared.contains(ReferralField.OCCURRED_AT)) {
            assertEquals(null, back.occurredAt(), "OCCURRED_AT is not declared but was read back");
        }
        if (!declared.contains(ReferralField.CHILD_SEX)) {
            assertEquals(org.safeharbor.api.v1.Sex.UNKNOWN, back.child().sex(), "CHILD_SEX is not declared but was read back");
        }
        if (!declared.contains(ReferralField.REPORTER_ROLE) && back.reporter() != null) {
            assertEquals(null, back.reporter().role(), "REPORTER_ROLE is not declared but was read back");
        }
        if (!declared.contains(ReferralField.EVIDENCE)) {
            assertTrue(back.evidence().isEmpty(), "EVIDENCE is not declared but was read back: " + back.evidence());
        }
    }

    @Test
    void theKitsReferralHasAValueForEveryFieldItChecks() {
        // a field without a value in the test referral cannot be seen leaking
        Referral referral = referral(adapter().jurisdiction(), suspectedSexTrafficking());
        assertNotNull(referral.occurredAt());
        assertNotEquals(org.safeharbor.api.v1.Sex.UNKNOWN, referral.child().sex());
        assertNotNull(referral.reporter().role());
        assertFalse(referral.evidence().isEmpty());
        for (ReferralField field : ReferralField.values()) {
            // the id and the allegations are always sent, the report time has no distinctive value, a state code is too short
            if (!List.of(ReferralField.REFERRAL_ID, ReferralField.RECEIVED_AT, ReferralField.CHILD_STATE,
                    ReferralField.ALLEGATIONS).contains(field)) {
                assertTrue(ConformanceReferrals.TELLTALES.containsKey(field), field + " has no telltale value");
            }
        }
    }

    // ------------------------------------------------------------------ no silent drop

    @Test
    void everyAllegationTypeIsReceivedOrDeclaredUnsupportedWithAReason() {
        format().unsupportedTypes().forEach((type, reason) ->
                assertFalse(reason == null || reason.isBlank(), type.code() + " is unsupported without a reason"));
        for (AllegationType type : AllegationType.values()) {
            if (format().unsupportedTypes().containsKey(type)) {
                continue;
            }
            Referral referral = referral(adapter().jurisdiction(),
                    allegation(type, Certainty.SUSPECTED, PerpetratorRelation.UNKNOWN, CaregiverRole.NOT_APPLICABLE));
            Optional<String> payload = format().write(referral);
            if (payload.isEmpty()) {
                fail(type.code() + " is neither sent nor declared unsupported: a silent drop");
            }
            assertTrue(format().read(payload.get()).allegations().stream().anyMatch(a -> a.type() == type),
                    type.code() + " was sent as something else");
        }
    }

    // ------------------------------------------------------------------ deadlines

    /**
     * Every clock names whose it is (docs/domain.md, "Clocks"): a state's own clock says which of the state's
     * statuses satisfy it, and none of them is a mere transport confirmation (a SOAP call that succeeded is
     * not an investigation begun); a watched clock has a length; a reporter's duty is never watched.
     */
    @Test
    void deadlinesAreDeclaredWithTheirBasisAndRunFromTheReportTime() {
        List<DeadlineRule> rules = adapter().deadlineRules();
        Set<String> ids = new HashSet<>();
        for (DeadlineRule rule : rules) {
            assertTrue(ids.add(rule.id()), "duplicate deadline id " + rule.id());
            assertFalse(rule.legalBasis().isBlank(), rule.id() + " has no legal basis");
            assertEquals(rule.kind() != DeadlineRule.Kind.REPORTER, rule.isWatched(), rule.id());
            if (rule.isWatched()) {
                assertTrue(rule.length().compareTo(Duration.ZERO) > 0, rule.id() + " has no length");
            }
            if (rule.kind() == DeadlineRule.Kind.STATE) {
                assertFalse(rule.satisfiedBy().isEmpty(), rule.id() + ": a state's clock needs the statuses that satisfy it");
                assertFalse(rule.isMetBy(org.safeharbor.api.v1.DeliveryStatus.DELIVERED)
                        || rule.isMetBy(org.safeharbor.api.v1.DeliveryStatus.ACKNOWLEDGED),
                        rule.id() + ": a state's clock is met by the state's decision, not by our delivery");
            }
        }
        for (PerpetratorRelation perpetrator : PerpetratorRelation.values()) {
            Referral referral = referral(adapter().jurisdiction(),
                    allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, perpetrator, intakeRole(perpetrator)));
            for (Deadline deadline : adapter().deadlinesFor(referral)) {
                assertTrue(rules.contains(deadline.rule()), "clock " + deadline.rule().id() + " is not declared");
                assertEquals(ConformanceReferrals.RECEIVED_AT, deadline.start(), "clocks start at the report's receipt");
                assertEquals(deadline.start().plus(deadline.rule().length()), deadline.due());
            }
        }
    }

    /**
     * A child in the agency's care (42 U.S.C. 671(a)(34), docs/domain.md "Children in state care"): an at-risk signal is
     * written only where {@link StateFormat#atRiskRule()} or, for a child in care, {@link StateFormat#childInCareAtRiskRule()}
     * allows it, and what is written reads back as at-risk only, never as an allegation of abuse; beside an allegation, a
     * child in care's at-risk signal stays a signal.
     */
    @Test
    void aChildInCaresAtRiskSignalIsSentOnlyUnderItsRuleAndNeverAsAnAllegation() {
        format().childInCareAtRiskRule().ifPresent(rule -> assertFalse(rule.isBlank(), "the child-in-care rule must name its basis"));
        for (AllegationType type : AllegationType.values()) {
            if (format().unsupportedTypes().containsKey(type)) {
                continue;
            }
            for (CareStatus care : CareStatus.values()) {
                Optional<String> payload = format().write(withCare(referral(adapter().jurisdiction(),
                        Allegation.of(type, Certainty.AT_RISK)), care));
                boolean allowed = format().atRiskRule().isPresent() || care.isInCare() && format().childInCareAtRiskRule().isPresent();
                assertEquals(allowed, payload.isPresent(), type.code() + " at-risk, care " + care.code() + ": "
                        + (allowed ? "the rule allows it, yet nothing was written" : "no rule allows it, yet it was written"));
                payload.ifPresent(written -> {
                    List<Allegation> back = format().read(written).allegations();
                    assertFalse(back.isEmpty(), type.code() + ": the signal was written but reads back as nothing");
                    assertTrue(back.stream().allMatch(a -> a.certainty() == Certainty.AT_RISK),
                            type.code() + ", care " + care.code() + ": an at-risk signal was sent as an allegation of abuse: " + written);
                });
            }
        }
        Referral mixed = withCare(referral(adapter().jurisdiction(), suspectedSexTrafficking(),
                Allegation.of(AllegationType.LABOR_TRAFFICKING, Certainty.AT_RISK)), CareStatus.FOSTER_CARE);
        Referral back = format().read(format().write(mixed).orElseThrow());
        assertTrue(back.allegations().stream().noneMatch(a -> a.type() == AllegationType.LABOR_TRAFFICKING && a.certainty().isAllegation()),
                "a child in care's at-risk labor signal became an allegation");
        assertTrue(back.allegations().stream().anyMatch(a -> a.certainty().isAllegation()), "the allegation beside the signal was lost");
    }

    /**
     * The agency's 24 hours to tell law enforcement about a child in its care identified as a sex-trafficking victim (42
     * U.S.C. 671(a)(34)(A)) is a state's clock, declared, and it runs only for a child in care: never for a child not in
     * care or whose care is unknown; for a child in care wherever the format writes a sex-trafficking signal under its
     * child-in-care rule.
     */
    @Test
    void theAgencysLawEnforcementClockRunsOnlyForAChildInCare() {
        List<DeadlineRule> rules = adapter().deadlineRules();
        for (Allegation finding : List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK), suspectedSexTrafficking())) {
            for (CareStatus care : CareStatus.values()) {
                Referral referral = withCare(referral(adapter().jurisdiction(), finding), care);
                List<Deadline> clocks = adapter().deadlinesFor(referral);
                clocks.forEach(d -> assertTrue(rules.contains(d.rule()), "clock " + d.rule().id() + " is not declared"));
                List<Deadline> lawEnforcement = clocks.stream()
                        .filter(d -> d.rule().legalBasis().startsWith("42 U.S.C. 671(a)(34)")).toList();
                if (!care.isInCare()) {
                    assertEquals(List.of(), lawEnforcement, "a child not known to be in care has no agency law-enforcement clock");
                } else if (format().childInCareAtRiskRule().isPresent() && format().write(referral).isPresent()) {
                    assertEquals(1, lawEnforcement.size(), finding.certainty().code() + ", care " + care.code()
                            + ": the agency's law-enforcement clock (42 U.S.C. 671(a)(34)(A)) does not run");
                    assertEquals(DeadlineRule.Kind.STATE, lawEnforcement.get(0).rule().kind(), "the agency's duty, not ours");
                    assertEquals(Duration.ofHours(24), lawEnforcement.get(0).rule().length());
                }
            }
        }
    }

    /** The referral with another care status (as the intake reads it from the submission). */
    static Referral withCare(Referral referral, CareStatus care) {
        return new Referral(referral.id(), referral.child(), referral.placeOfCare(), referral.reporter(), referral.receivedAt(),
                referral.occurredAt(), referral.allegations(), referral.source(), care, referral.servicesConsent());
    }

    private static Allegation suspectedSexTrafficking() {
        return allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.UNKNOWN, CaregiverRole.NOT_APPLICABLE);
    }

    /** The role the intake gives a perpetrator of this relation who did the act: the shared default's. */
    private static CaregiverRole intakeRole(PerpetratorRelation perpetrator) {
        return CaregiverRole.of(perpetrator.defaultCaregiverStatus(), CaregiverRole.ACT);
    }

    private static String describe(Allegation a) {
        return a.type().code() + "/" + a.certainty().code() + "/" + a.perpetrator().code() + "/" + a.caregiverRole().code();
    }
}
