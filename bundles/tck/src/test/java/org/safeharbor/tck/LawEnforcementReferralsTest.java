package org.safeharbor.tck;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralField;
import org.safeharbor.api.v1.StateFormat;

/** The kit's law-enforcement check can fail: a format that writes criminal-justice wording is caught. */
class LawEnforcementReferralsTest {

    private static final Jurisdiction US_ZZ = Jurisdiction.of("US-ZZ");

    /** A format that writes the referral id, the reporter's role and a fixed text, and reads back the referral it was given. */
    private static StateFormat writing(String text) {
        return new StateFormat() {
            @Override
            public String mediaType() {
                return "text/plain";
            }

            @Override
            public Optional<String> write(Referral referral) {
                return Optional.of(referral.id().value() + "|" + referral.reporter().role() + "|" + text);
            }

            @Override
            public Referral read(String payload) {
                return LawEnforcementReferrals.referral(US_ZZ);
            }

            @Override
            public Set<ReferralField> disclosedFields() {
                return EnumSet.of(ReferralField.REFERRAL_ID, ReferralField.REPORTER_ROLE, ReferralField.ALLEGATIONS);
            }
        };
    }

    @Test
    void aNeutralPayloadPasses() {
        LawEnforcementReferrals.check(writing("allegation 40 suspected"), US_ZZ, List.of("offender"));
    }

    @Test
    void anOffenseAChargeOrAnArrestIsCaught() {
        for (String wording : List.of("Offense: solicitation", "charge 720 ILCS", "arrest no. 4471", "juvenile offender")) {
            AssertionFailedError e = assertThrows(AssertionFailedError.class,
                    () -> LawEnforcementReferrals.check(writing(wording), US_ZZ, List.of("offender")));
            assertTrue(e.getMessage().contains("'"), e.getMessage());
        }
    }
}
