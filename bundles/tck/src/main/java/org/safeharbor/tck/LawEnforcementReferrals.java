package org.safeharbor.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CareStatus;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.EvidenceReference;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Organization;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralField;
import org.safeharbor.api.v1.ReportSource;
import org.safeharbor.api.v1.Reporter;
import org.safeharbor.api.v1.StateFormat;

/**
 * The conformance kit's law-enforcement custody notice (issue 15; docs/domain.md, "Custody notices"): a referral as the
 * intake reads a police or juvenile-detention records system's notice, source {@link ReportSource#LAW_ENFORCEMENT}, the
 * agency as reporter and place, one allegation, sex trafficking, suspected, the child the victim. What every state
 * format must do with it ({@link #check}): write it (sex trafficking is received everywhere or declared unsupported),
 * with no criminal-justice wording and no child as an offender, and read it back with the child still the victim.
 */
public final class LawEnforcementReferrals {

    /**
     * Words of the criminal-justice side: never in a state payload about a law-enforcement referral. ("Custody" alone is
     * not among them: protective custody is child-welfare vocabulary too.)
     */
    public static final List<String> CRIMINAL_JUSTICE_WORDS = List.of("offense", "offence", "offender", "charge", "arrest",
            "booking", "criminal", "crime", "convict", "delinquen", "prostitut", "juvenile justice", "detainee", "suspect ");

    /** The reporter's role as the intake writes it for a custody notice: who reported, in neutral words. */
    public static final String REPORTER_ROLE = "law enforcement";

    /** When the minor was taken into custody: the referral's occurredAt. */
    public static final Instant CUSTODY_AT = Instant.parse("2026-11-21T07:55:00Z");

    /** The circumstance as the intake keeps it as evidence: the project's code, in child-protection words. */
    public static final EvidenceReference CIRCUMSTANCE = new EvidenceReference("Observation/zq-circumstance-17",
            "https://fhir.safeharbor-bridge.org/CodeSystem/custody-circumstance", "commercial-sexual-exploitation");

    private LawEnforcementReferrals() {
    }

    /** A custody notice's referral for the jurisdiction: the kit's child, the agency in the jurisdiction. */
    public static Referral referral(Jurisdiction jurisdiction) {
        Referral health = ConformanceReferrals.referral(jurisdiction);
        String state = jurisdiction.code().substring(jurisdiction.code().indexOf('-') + 1);
        Organization agency = new Organization("ZQ0170000", "Ravensholt County Sheriff's Office",
                new Address(List.of("9 Tumblewick Court"), "Ravensholt", state, "97533", "US"));
        Reporter reporter = new Reporter(null, REPORTER_ROLE, "+1-555-0177", agency);
        Allegation allegation = new Allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.UNKNOWN,
                CaregiverRole.NOT_APPLICABLE, List.of(CIRCUMSTANCE));
        return new Referral(health.id(), health.child(), agency, reporter, ConformanceReferrals.RECEIVED_AT, CUSTODY_AT,
                List.of(allegation), ReportSource.LAW_ENFORCEMENT, CareStatus.UNKNOWN, false);
    }

    /**
     * Writes the jurisdiction's law-enforcement referral through the format and checks the payload and what it reads
     * back; {@code offenderWords} are the kit's words that would label the child a wrongdoer, checked as well.
     */
    public static void check(StateFormat format, Jurisdiction jurisdiction, List<String> offenderWords) {
        Referral referral = referral(jurisdiction);
        Optional<String> written = format.write(referral);
        if (format.unsupportedTypes().containsKey(AllegationType.SEX_TRAFFICKING)) {
            return;
        }
        assertTrue(written.isPresent(), "a law-enforcement referral with a suspected sex-trafficking allegation must be sent");
        String payload = written.get();
        String text = payload.toLowerCase(Locale.ROOT);
        for (String word : CRIMINAL_JUSTICE_WORDS) {
            assertFalse(text.contains(word), "criminal-justice wording '" + word + "' in the payload of a law-enforcement referral: "
                    + payload);
        }
        for (String word : offenderWords) {
            assertFalse(text.contains(word), "the payload calls someone '" + word + "': " + payload);
        }
        Referral back = format.read(payload);
        assertEquals(referral.id(), back.id());
        assertTrue(back.source() == ReportSource.LAW_ENFORCEMENT || back.source() == ReportSource.HEALTH_CARE,
                "the source reads back as a source, never as anything else");
        assertFalse(back.allegations().isEmpty(), "the allegation was lost");
        for (Allegation a : back.allegations()) {
            assertTrue(a.certainty().isAllegation(), "the child is a suspected victim: " + a.certainty().code());
            assertTrue(a.type() == AllegationType.SEX_TRAFFICKING || a.type().isSexual(), "sex trafficking read back as " + a.type().code());
            assertFalse(a.caregiverRole() == CaregiverRole.ACT, "an unknown trafficker is never a caregiver's act");
        }
        if (format.disclosedFields().contains(ReferralField.REPORTER_ROLE) && back.reporter() != null && back.reporter().role() != null) {
            assertEquals(REPORTER_ROLE, back.reporter().role(), "who reported is written as the neutral role, and nothing more");
        }
    }
}
