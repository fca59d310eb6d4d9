package org.safeharbor.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.LocalDate;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Referral;

/** Which provider takes which referral: triggers, consent, ages, categories. */
class ProviderTest {

    private static final LocalDate DAY = LocalDate.of(2026, 12, 5);
    private static final Provider.Auth NONE = new Provider.Auth("", "", "", "", "");

    private static Referral referral(LocalDate born, Certainty certainty, boolean consent) {
        return TestReferrals.referral("r", born, AllegationType.SEX_TRAFFICKING, certainty, consent, TestReferrals.NOW);
    }

    @Test
    void theIntakesTriggersAreConfirmedAndConsentedAtRisk() {
        assertEquals(Set.of(Trigger.CONFIRMED), Trigger.atIntake(referral(LocalDate.of(2011, 1, 1), Certainty.CONFIRMED, false)));
        assertEquals(Set.of(Trigger.AT_RISK_CONSENTED), Trigger.atIntake(referral(LocalDate.of(2011, 1, 1), Certainty.AT_RISK, true)));
        assertEquals(Set.of(), Trigger.atIntake(referral(LocalDate.of(2011, 1, 1), Certainty.AT_RISK, false)));
        assertEquals(Set.of(), Trigger.atIntake(referral(LocalDate.of(2011, 1, 1), Certainty.SUSPECTED, true)));
    }

    @Test
    void consentAgesCategoriesAndTriggersDecide() {
        Provider all = TestReferrals.provider("p", "https://p.example/fhir", NONE);
        assertTrue(all.takes(referral(LocalDate.of(2011, 1, 1), Certainty.CONFIRMED, true), Trigger.CONFIRMED, DAY));
        assertFalse(all.takes(referral(LocalDate.of(2011, 1, 1), Certainty.CONFIRMED, false), Trigger.CONFIRMED, DAY), "consent required");
        assertFalse(all.takes(referral(LocalDate.of(2016, 1, 1), Certainty.CONFIRMED, true), Trigger.CONFIRMED, DAY), "10 years old: under 12");
        assertFalse(all.takes(referral(LocalDate.of(2001, 1, 1), Certainty.CONFIRMED, true), Trigger.YOUNG_ADULT, DAY), "25: over 24");
        assertTrue(all.takes(referral(LocalDate.of(2004, 1, 1), Certainty.SUSPECTED, true), Trigger.YOUNG_ADULT, DAY));

        Provider laborOnly = new Provider("labor", URI.create("https://l.example/fhir"), Set.of("labor-trafficking"), 12, 24,
                Set.of(Trigger.CONFIRMED), false, "", "", NONE);
        assertFalse(laborOnly.takes(referral(LocalDate.of(2011, 1, 1), Certainty.CONFIRMED, true), Trigger.CONFIRMED, DAY), "sex trafficking");
        assertTrue(laborOnly.takes(TestReferrals.referral("r", LocalDate.of(2011, 1, 1), AllegationType.LABOR_TRAFFICKING, Certainty.CONFIRMED,
                false, TestReferrals.NOW), Trigger.CONFIRMED, DAY), "consent not required by this provider");
        assertFalse(laborOnly.takes(TestReferrals.referral("r", LocalDate.of(2011, 1, 1), AllegationType.LABOR_TRAFFICKING, Certainty.CONFIRMED,
                true, TestReferrals.NOW), Trigger.LAW_ENFORCEMENT_ONLY, DAY), "trigger off");
    }

    @Test
    void aBadConfigurationNamesItsKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Provider.ages("pid", "twelve"));
        assertTrue(e.getMessage().contains("ages"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Provider.base("pid", "http://p.example/fhir")).getMessage().contains("https"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Provider.base("pid", "")).getMessage().contains("baseUrl"));
    }
}
