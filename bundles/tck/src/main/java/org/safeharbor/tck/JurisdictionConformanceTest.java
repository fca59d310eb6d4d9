package org.safeharbor.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 *   <li>safe harbor: no child is written as an offender or delinquent; at-risk signals are never
 *       sent as allegations, and not at all unless the format names its rule; ruled-out and
 *       historical findings are never sent;</li>
 *   <li>minimum necessary: no field outside {@link StateFormat#disclosedFields()} is written;</li>
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
                    CaregiverRole role = perpetrator == PerpetratorRelation.UNKNOWN ? CaregiverRole.NOT_APPLICABLE : CaregiverRole.ACT;
                    all.add(Arguments.of(type, certainty, perpetrator, role));
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
        assertTrue(back.allegations().stream().anyMatch(a -> a.type() == type && a.certainty() == certainty
                        && a.perpetrator() == perpetrator && a.caregiverRole() == role),
                () -> "sent " + describe(sent) + ", read back " + back.allegations().stream().map(JurisdictionConformanceTest::describe).toList());
    }

    // ------------------------------------------------------------------ safe harbor

    @Test
    void neverWritesAChildAsAnOffenderOrDelinquent() {
        for (AllegationType type : AllegationType.values()) {
            Referral referral = referral(adapter().jurisdiction(),
                    allegation(type, Certainty.CONFIRMED, PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT));
            format().write(referral).ifPresent(payload -> {
                String text = payload.toLowerCase(Locale.ROOT);
                for (String word : OFFENDER_WORDS) {
                    assertFalse(text.contains(word), type.code() + ": the output calls someone '" + word + "': " + payload);
                }
            });
        }
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

    @Test
    void deadlinesAreDeclaredWithTheirBasisAndRunFromTheReportTime() {
        List<DeadlineRule> rules = adapter().deadlineRules();
        Set<String> ids = new HashSet<>();
        for (DeadlineRule rule : rules) {
            assertTrue(ids.add(rule.id()), "duplicate deadline id " + rule.id());
            assertFalse(rule.legalBasis().isBlank(), rule.id() + " has no legal basis");
            assertTrue(rule.length().compareTo(Duration.ZERO) > 0);
        }
        for (PerpetratorRelation perpetrator : PerpetratorRelation.values()) {
            Referral referral = referral(adapter().jurisdiction(),
                    allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, perpetrator,
                            perpetrator == PerpetratorRelation.UNKNOWN ? CaregiverRole.NOT_APPLICABLE : CaregiverRole.ACT));
            for (Deadline deadline : adapter().deadlinesFor(referral)) {
                assertTrue(rules.contains(deadline.rule()), "clock " + deadline.rule().id() + " is not declared");
                assertEquals(ConformanceReferrals.RECEIVED_AT, deadline.start(), "clocks start at the report's receipt");
                assertEquals(deadline.start().plus(deadline.rule().length()), deadline.due());
            }
        }
    }

    private static Allegation suspectedSexTrafficking() {
        return allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.UNKNOWN, CaregiverRole.NOT_APPLICABLE);
    }

    private static String describe(Allegation a) {
        return a.type().code() + "/" + a.certainty().code() + "/" + a.perpetrator().code() + "/" + a.caregiverRole().code();
    }
}
