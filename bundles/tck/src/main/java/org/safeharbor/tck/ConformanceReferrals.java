package org.safeharbor.tck;

import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.EvidenceReference;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Organization;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.PersonName;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralField;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.Reporter;
import org.safeharbor.api.v1.Sex;

/**
 * Referrals the conformance kit writes. Every personal field holds a distinctive made-up value,
 * so the kit can tell whether a format disclosed it.
 */
public final class ConformanceReferrals {

    /** When the adapter received the referral: statutory clocks start here. */
    public static final Instant RECEIVED_AT = Instant.parse("2026-11-21T10:15:30Z");

    /**
     * When the finding was recorded at the hospital: the evening before receipt, at a minute and second no other
     * value of the referral has, so that a rendering in any whole-hour time zone still shows it.
     */
    public static final Instant OCCURRED_AT = Instant.parse("2026-11-20T23:47:13Z");

    /** The reporter's role: a made-up word inside a plausible role, short enough for any layout (Florida: 30). */
    public static final String REPORTER_ROLE = "Wexcombe physician";

    /** The evidence every allegation of the kit points back to: a record id and a code in the hospital's record. */
    public static final EvidenceReference EVIDENCE =
            new EvidenceReference("Condition/zq-evidence-17", "http://hl7.org/fhir/sid/icd-10-cm", "T76.52XA");

    /** field -> the distinctive values that would show it was disclosed. */
    public static final Map<ReferralField, List<String>> TELLTALES = telltales();

    private ConformanceReferrals() {
    }

    /** A referral for the jurisdiction (both residence and place of care in it) with these allegations. */
    public static Referral referral(Jurisdiction jurisdiction, Allegation... allegations) {
        String state = jurisdiction.code().substring(jurisdiction.code().indexOf('-') + 1);
        Address home = new Address(List.of("4242 Qwertzwick Lane"), "Xylobridge", state, "98765", "US");
        Organization hospital = new Organization("9876543210", "Vexmoor Zenith Hospital",
                new Address(List.of("77 Jumbuckle Road"), "Quillhaven", state, "97531", "US"));
        Child child = new Child(new PersonName("Zyxquor", List.of("Ambrosine")), LocalDate.of(2011, 7, 29), Sex.FEMALE, home);
        Reporter reporter = new Reporter(new PersonName("Plimsollworth", List.of("Dr Ottoline")), REPORTER_ROLE,
                "+1-555-0199", hospital);
        return new Referral(new ReferralId("6f0c8d1e-tck-0001"), child, hospital, reporter, RECEIVED_AT,
                OCCURRED_AT, List.of(allegations));
    }

    /** One allegation with evidence. */
    public static Allegation allegation(AllegationType type, Certainty certainty, PerpetratorRelation perpetrator,
                                        CaregiverRole role) {
        return new Allegation(type, certainty, perpetrator, role, List.of(EVIDENCE));
    }

    private static Map<ReferralField, List<String>> telltales() {
        Map<ReferralField, List<String>> m = new EnumMap<>(ReferralField.class);
        m.put(ReferralField.CHILD_NAME, List.of("Zyxquor", "Ambrosine"));
        m.put(ReferralField.CHILD_BIRTH_DATE, List.of("2011-07-29", "20110729", "07/29/2011", "07292011"));
        m.put(ReferralField.CHILD_STREET_ADDRESS, List.of("Qwertzwick", "98765"));
        m.put(ReferralField.CHILD_CITY, List.of("Xylobridge"));
        m.put(ReferralField.PLACE_OF_CARE_NAME, List.of("Vexmoor"));
        m.put(ReferralField.PLACE_OF_CARE_IDENTIFIER, List.of("9876543210"));
        m.put(ReferralField.PLACE_OF_CARE_ADDRESS, List.of("Jumbuckle", "Quillhaven", "97531"));
        m.put(ReferralField.REPORTER_NAME, List.of("Plimsollworth", "Ottoline"));
        m.put(ReferralField.REPORTER_PHONE, List.of("555-0199", "5550199"));
        m.put(ReferralField.EVIDENCE, List.of("zq-evidence-17", "T76.52XA", "T76.52", "icd-10-cm"));
        // 2026-11-20T23:47:13Z: the UTC date, and the minute and second as any whole-hour zone writes them;
        // epoch seconds and milliseconds
        m.put(ReferralField.OCCURRED_AT, List.of("2026-11-20", "20261120", "11/20/2026", ":47:13", "4713Z",
                String.valueOf(OCCURRED_AT.getEpochSecond()), String.valueOf(OCCURRED_AT.toEpochMilli())));
        m.put(ReferralField.CHILD_SEX, List.of("female", "Female", "FEMALE"));
        m.put(ReferralField.REPORTER_ROLE, List.of("Wexcombe"));
        return m;
    }
}
