package org.safeharbor.api.v1;

import java.time.LocalDate;
import java.time.Period;
import java.util.Objects;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The child the referral is about: always the alleged victim. {@link #toString()} discloses no
 * personal data.
 *
 * @param name      the child's name
 * @param birthDate date of birth (required: the adapter only handles minors)
 * @param sex       administrative sex
 * @param residence where the child lives
 */
@ProviderType
public record Child(PersonName name, LocalDate birthDate, Sex sex, Address residence) {

    /** Age of majority for the safe-harbor rule. */
    public static final int AGE_OF_MAJORITY = 18;

    public Child {
        Objects.requireNonNull(birthDate, "birthDate");
        sex = sex == null ? Sex.UNKNOWN : sex;
    }

    /** Age in whole years on the given day. */
    public int ageOn(LocalDate day) {
        return Period.between(birthDate, day).getYears();
    }

    /** True while the person is under 18 on the given day. */
    public boolean isMinorOn(LocalDate day) {
        return ageOn(day) < AGE_OF_MAJORITY;
    }

    @Override
    public String toString() {
        return "Child[redacted]";
    }
}
