package org.safeharbor.coordination;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CareStatus;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.Organization;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.PersonName;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.ReportSource;
import org.safeharbor.api.v1.Reporter;
import org.safeharbor.api.v1.Sex;

/** A Massachusetts referral for the tests: Jane Doe, born 2010-05-06, in Boston, a suspected sex-trafficking allegation. */
final class TestReferral {

    private TestReferral() {
    }

    static Referral of(String id) {
        Child child = new Child(new PersonName("Doe", List.of("Jane")), LocalDate.of(2010, 5, 6), Sex.FEMALE,
                new Address(List.of("1 Secret Lane"), "Boston", "MA", "02118", "US"));
        Organization hospital = new Organization("1234567893", "Boston General", new Address(List.of("2 Main St"), "Boston", "MA", "02118", "US"));
        Reporter reporter = new Reporter(new PersonName("Nurse", List.of("Nora")), "nurse", "617-555-0100", hospital);
        Allegation allegation = new Allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.UNKNOWN,
                CaregiverRole.NOT_APPLICABLE, List.of());
        return new Referral(new ReferralId(id), child, hospital, reporter, Instant.now(), Instant.now(), List.of(allegation),
                ReportSource.HEALTH_CARE, CareStatus.UNKNOWN, false);
    }
}
