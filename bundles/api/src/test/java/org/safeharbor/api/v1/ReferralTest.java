package org.safeharbor.api.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.Test;

class ReferralTest {

    private static final Address CHICAGO = new Address(List.of("1200 W Harrison St"), "Chicago", "IL", "60607", "US");
    private static final Address ST_LOUIS = new Address(List.of("1 Children's Pl"), "St. Louis", "MO", "63110", "US");

    static Referral referral(Address residence, Address placeOfCare, Allegation... allegations) {
        Child child = new Child(new PersonName("Doe", List.of("Jamie")), LocalDate.of(2011, 3, 14), Sex.FEMALE, residence);
        Reporter reporter = new Reporter(new PersonName("Rivera", List.of("Ana")), "physician", "+1-312-555-0100",
                new Organization("1234567890", "Mercy Children's", placeOfCare));
        return new Referral(new ReferralId("r-1"), child, reporter.facility(), reporter,
                Instant.parse("2026-11-21T10:00:00Z"), null, List.of(allegations));
    }

    @Test
    void toStringDisclosesNoPersonalData() {
        Referral r = referral(CHICAGO, ST_LOUIS, Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED));
        String text = r + " " + r.child() + " " + r.reporter() + " " + r.child().residence() + " " + r.child().name();
        for (String secret : List.of("Doe", "Jamie", "2011", "Harrison", "Chicago", "60607", "Rivera", "555")) {
            assertFalse(text.contains(secret), () -> "log text leaks '" + secret + "': " + text);
        }
        assertTrue(text.contains("sex-trafficking/suspected"), text);
    }

    @Test
    void residenceAndPlaceOfCareAreBothJurisdictionsResidenceFirst() {
        Referral r = referral(CHICAGO, ST_LOUIS);
        assertEquals(List.of(Jurisdiction.of("US-IL"), Jurisdiction.of("US-MO")), List.copyOf(r.jurisdictions()));
        assertEquals(List.of(Jurisdiction.of("US-IL")), List.copyOf(referral(CHICAGO, CHICAGO).jurisdictions()));
    }

    @Test
    void onlySuspectedOrConfirmedIsReportable() {
        assertFalse(referral(CHICAGO, CHICAGO, Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK),
                Allegation.of(AllegationType.LABOR_TRAFFICKING, Certainty.RULED_OUT),
                Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.HISTORICAL)).hasReportableAllegation());
        assertTrue(referral(CHICAGO, CHICAGO, Allegation.of(AllegationType.LABOR_TRAFFICKING, Certainty.CONFIRMED))
                .hasReportableAllegation());
    }

    @Test
    void childIsAMinorUntilTheEighteenthBirthday() {
        Child child = new Child(null, LocalDate.of(2008, 11, 22), Sex.MALE, null);
        assertTrue(child.isMinorOn(LocalDate.of(2026, 11, 21)));
        assertFalse(child.isMinorOn(LocalDate.of(2026, 11, 22)));
        assertThrows(NullPointerException.class, () -> new Child(null, null, Sex.MALE, null));
    }

    @Test
    void allegationDefaultsToUnknownPerpetratorNotApplicableRole() {
        Allegation a = new Allegation(AllegationType.EXPLOITATION_THROUGH_PROSTITUTION, Certainty.SUSPECTED, null, null, null);
        assertEquals(PerpetratorRelation.UNKNOWN, a.perpetrator());
        assertEquals(CaregiverRole.NOT_APPLICABLE, a.caregiverRole());
        assertTrue(a.type().isSexual());
        assertFalse(AllegationType.LABOR_TRAFFICKING.isSexual());
    }

    @Test
    void caregiverRoleFollowsTheCaregiverStatus() {
        for (CaregiverRole stated : CaregiverRole.values()) {
            assertEquals(stated == CaregiverRole.FAILURE_TO_PROTECT ? CaregiverRole.FAILURE_TO_PROTECT : CaregiverRole.ACT,
                    CaregiverRole.of(CaregiverStatus.CAREGIVER, stated));
            assertEquals(stated == CaregiverRole.FAILURE_TO_PROTECT ? CaregiverRole.FAILURE_TO_PROTECT : CaregiverRole.NOT_APPLICABLE,
                    CaregiverRole.of(CaregiverStatus.NON_CAREGIVER, stated), "a non-caregiver's act is no caregiver's act");
            assertEquals(stated == CaregiverRole.FAILURE_TO_PROTECT ? CaregiverRole.FAILURE_TO_PROTECT : CaregiverRole.NOT_APPLICABLE,
                    CaregiverRole.of(CaregiverStatus.UNDETERMINED, stated), "an unknown is not made a caregiver's act");
        }
        Allegation stranger = new Allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.NON_FAMILY,
                CaregiverRole.ACT, null);
        assertEquals(CaregiverRole.NOT_APPLICABLE,
                stranger.withCaregiverStatus(PerpetratorRelation.NON_FAMILY.defaultCaregiverStatus()).caregiverRole());
    }

    @Test
    void referralIdsAreRandomVersion4Uuids() {
        ReferralId one = ReferralId.random();
        assertFalse(one.equals(ReferralId.random()));
        assertEquals(4, java.util.UUID.fromString(one.value()).version());
    }
}
