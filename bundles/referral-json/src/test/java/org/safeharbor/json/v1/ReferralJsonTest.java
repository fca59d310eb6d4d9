package org.safeharbor.json.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.CareStatus;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.EvidenceReference;
import org.safeharbor.api.v1.Organization;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.PersonName;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.ReportSource;
import org.safeharbor.api.v1.Reporter;
import org.safeharbor.api.v1.Sex;

class ReferralJsonTest {

    static Referral sample() {
        Address home = new Address(List.of("12 Elm St"), "Springfield", "IL", "62701", "US");
        Organization hospital = new Organization("1234567893", "Example Children's", new Address(List.of(), "St. Louis", "MO", null, "US"));
        return new Referral(new ReferralId("7f1c"), new Child(new PersonName("Example", List.of("Jo")), LocalDate.of(2011, 5, 2), Sex.FEMALE, home),
                hospital, new Reporter(new PersonName("Clinician", List.of("Pat")), "physician", "+1-555-0100", hospital),
                Instant.parse("2026-11-21T10:15:30Z"), Instant.parse("2026-11-21T09:00:00Z"),
                List.of(new Allegation(AllegationType.LABOR_TRAFFICKING, Certainty.CONFIRMED, PerpetratorRelation.PARENT,
                                CaregiverRole.ACT, List.of(new EvidenceReference("Condition/1", "http://hl7.org/fhir/sid/icd-10-cm", "T74.62XA"))),
                        Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK)));
    }

    @Test
    void roundTripKeepsEveryField() {
        Referral referral = sample();
        assertEquals(referral, ReferralJson.INSTANCE.read(ReferralJson.INSTANCE.write(referral)));
    }

    @Test
    void enumsTravelAsSharedCodesAndDerivedValuesStayOffTheWire() {
        String json = ReferralJson.INSTANCE.write(sample());
        assertTrue(json.contains("\"type\":\"labor-trafficking\""), json);
        assertTrue(json.contains("\"certainty\":\"at-risk\""), json);
        assertTrue(json.contains("\"perpetrator\":\"parent\""), json);
        assertTrue(json.contains("\"receivedAt\":\"2026-11-21T10:15:30Z\""), json);
        assertFalse(json.contains("reportable"), json);
        assertFalse(json.contains("jurisdictions"), json);
    }

    /** A referral stored before issue 12 holds the former type code: it still loads, and is written under the new one. */
    @Test
    void aStoredReferralWithTheFormerTypeCodeStillLoads() {
        String stored = ReferralJson.INSTANCE.write(sample()).replace("\"type\":\"labor-trafficking\"", "\"type\":\"prostitution\"");
        Referral read = ReferralJson.INSTANCE.read(stored);
        assertEquals(AllegationType.EXPLOITATION_THROUGH_PROSTITUTION, read.allegations().get(0).type());
        String written = ReferralJson.INSTANCE.write(read);
        assertTrue(written.contains("\"type\":\"exploitation-through-prostitution\""), written);
        assertFalse(written.contains("\"prostitution\""), "the former code is never written: " + written);
    }

    /** 1.6: who reported, the child's care status and consent to services travel; a referral stored before reads as a hospital's. */
    @Test
    void sourceCareStatusAndConsentTravelAndOlderReferralsReadWithTheirDefaults() {
        Referral base = sample();
        Referral custody = new Referral(base.id(), base.child(), base.placeOfCare(), base.reporter(), base.receivedAt(),
                base.occurredAt(), base.allegations(), ReportSource.LAW_ENFORCEMENT, CareStatus.FOSTER_CARE, true);
        String json = ReferralJson.INSTANCE.write(custody);
        assertTrue(json.contains("\"source\":\"law-enforcement\""), json);
        assertTrue(json.contains("\"careStatus\":\"foster-care\""), json);
        assertEquals(custody, ReferralJson.INSTANCE.read(json));

        String older = ReferralJson.INSTANCE.write(base).replaceAll(",\"(source|careStatus|servicesConsent)\":(\"[a-z-]+\"|false)", "");
        assertFalse(older.contains("careStatus"), older);
        Referral read = ReferralJson.INSTANCE.read(older);
        assertEquals(ReportSource.HEALTH_CARE, read.source());
        assertEquals(CareStatus.UNKNOWN, read.careStatus());
        assertFalse(read.servicesConsent());
        assertEquals(base, read);
    }

    @Test
    void garbageIsRefusedWithAClearError() {
        assertThrows(IllegalArgumentException.class, () -> ReferralJson.INSTANCE.read("{\"id\":\"x\"}"));
        assertThrows(IllegalArgumentException.class, () -> ReferralJson.INSTANCE.read("not json"));
        String unknownCode = ReferralJson.INSTANCE.write(sample()).replace("labor-trafficking", "delinquency");
        assertThrows(IllegalArgumentException.class, () -> ReferralJson.INSTANCE.read(unknownCode));
    }
}
