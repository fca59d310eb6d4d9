package org.safeharbor.services;

import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;

import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CareStatus;
import org.safeharbor.api.v1.CaregiverRole;
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

/** Referrals and providers for the services-referral tests. */
public final class TestReferrals {

    public static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

    private TestReferrals() {
    }

    /** A referral about a person born on {@code birthDate}, in Texas, with one allegation, consent as given. */
    public static Referral referral(String id, LocalDate birthDate, AllegationType type, Certainty certainty, boolean consent, Instant receivedAt) {
        Child child = new Child(new PersonName("Doe", List.of("Jane")), birthDate, Sex.FEMALE,
                new Address(List.of("1 Secret Lane"), "Austin", "TX", "78701", "US"));
        Organization hospital = new Organization("1234567893", "Austin General", new Address(List.of("2 Main St"), "Austin", "TX", "78701", "US"));
        Reporter reporter = new Reporter(new PersonName("Nurse", List.of("Nora")), "nurse", "512-555-0100", hospital);
        Allegation allegation = new Allegation(type, certainty, PerpetratorRelation.UNKNOWN, CaregiverRole.NOT_APPLICABLE,
                List.of(new EvidenceReference("Condition/c-1", "http://hl7.org/fhir/sid/icd-10-cm", "T74.52XA")));
        return new Referral(new ReferralId(id), child, hospital, reporter, receivedAt, receivedAt, List.of(allegation),
                ReportSource.HEALTH_CARE, CareStatus.UNKNOWN, consent);
    }

    /** A provider taking every category and trigger, ages 12-24, consent required. */
    public static Provider provider(String name, String baseUrl, Provider.Auth auth) {
        return new Provider(name, URI.create(baseUrl), Provider.CATEGORIES, 12, 24, Set.of(Trigger.values()), true,
                "Organization/youth-services", "Youth services", auth);
    }
}
