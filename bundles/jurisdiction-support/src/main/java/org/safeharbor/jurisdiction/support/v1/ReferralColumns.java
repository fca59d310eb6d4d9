package org.safeharbor.jurisdiction.support.v1;

import java.lang.reflect.Field;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.Organization;
import org.safeharbor.api.v1.PersonName;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.Reporter;
import org.safeharbor.api.v1.Sex;

/**
 * The canonical referral's own fields as the flat columns of a state's record (a Bindy {@code @FixedLengthRecord}, or
 * any class with fields), by name: a record carries a column by declaring a field of its name and type, so the state
 * decides what it discloses and at what width, and this class does the copying both ways. Bindy binds fields, not
 * accessors, and reads only the record class's own fields; this class does the same.
 *
 * <table>
 *   <caption>Columns</caption>
 *   <tr><td>{@code referralId} String</td><td>{@code receivedAt} LocalDateTime, UTC, whole seconds</td></tr>
 *   <tr><td>{@code childFamilyName}, {@code childGivenNames} (given names joined by a space)</td>
 *       <td>{@code childBirthDate} LocalDate; {@code childSex} String: F, M, O, U (HL7 v2 table 0001)</td></tr>
 *   <tr><td>{@code childStreet} (address lines joined by ", "), {@code childCity}, {@code childState},
 *       {@code childPostalCode}, {@code childCountry}</td>
 *       <td>{@code placeOfCareName}, then {@code placeOfCareStreet} ... {@code placeOfCareCountry} as the child's</td></tr>
 *   <tr><td>{@code reporterFamilyName}, {@code reporterGivenNames}</td><td>{@code reporterRole}, {@code reporterPhone}</td></tr>
 * </table>
 * Text is written through {@link FixedWidth#text} (a line break cannot split a record); the width, clipping and padding
 * are the record's annotations'. Not carried: occurred-at, the facility identifier, evidence (a state that sends them
 * writes them itself).
 */
public final class ReferralColumns {

    private static final ClassValue<Map<String, Field>> FIELDS = new ClassValue<>() {
        @Override
        protected Map<String, Field> computeValue(Class<?> type) {
            Field[] fields = type.getDeclaredFields();
            Arrays.stream(fields).forEach(f -> f.setAccessible(true)); // as Bindy binds them
            return Arrays.stream(fields).collect(Collectors.toMap(Field::getName, Function.identity()));
        }
    };

    private final Object record;

    private ReferralColumns(Object record) {
        this.record = record;
    }

    /** Writes the referral's columns that {@code record} declares into it; returns it. */
    public static <T> T write(Referral referral, T record) {
        ReferralColumns c = new ReferralColumns(record);
        c.set("referralId", referral.id().value());
        c.set("receivedAt", LocalDateTime.ofInstant(referral.receivedAt().truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC));
        Child child = referral.child();
        c.name("child", child.name());
        c.set("childBirthDate", child.birthDate());
        c.set("childSex", switch (child.sex()) {
            case FEMALE -> "F";
            case MALE -> "M";
            case OTHER -> "O";
            case UNKNOWN -> "U";
        });
        c.address("child", child.residence());
        Organization care = referral.placeOfCare();
        if (care != null) {
            c.set("placeOfCareName", FixedWidth.text(care.name()));
            c.address("placeOfCare", care.address());
        }
        Reporter reporter = referral.reporter();
        if (reporter != null) {
            c.name("reporter", reporter.name());
            c.set("reporterRole", FixedWidth.text(reporter.role()));
            c.set("reporterPhone", FixedWidth.text(reporter.phone()));
        }
        return record;
    }

    /**
     * The canonical referral of a record's columns and the allegations read from it: a column it does not declare, or
     * leaves empty, is absent (a place of care needs a name or a city; an address a street, city, state or postal code).
     */
    public static Referral read(Object record, List<Allegation> allegations) {
        ReferralColumns c = new ReferralColumns(record);
        Child child = new Child(c.name("child"), (LocalDate) c.get("childBirthDate"), sex((String) c.get("childSex")), c.address("child"));
        Organization care = c.get("placeOfCareName") == null && c.get("placeOfCareCity") == null ? null
                : new Organization(null, (String) c.get("placeOfCareName"), c.address("placeOfCare"));
        Reporter reporter = new Reporter(c.name("reporter"), (String) c.get("reporterRole"), (String) c.get("reporterPhone"), null);
        return new Referral(new ReferralId((String) c.get("referralId")), child, care, reporter,
                ((LocalDateTime) c.get("receivedAt")).toInstant(ZoneOffset.UTC), null, allegations);
    }

    private static Sex sex(String code) {
        return switch (code == null ? "U" : code) {
            case "F" -> Sex.FEMALE;
            case "M" -> Sex.MALE;
            case "O" -> Sex.OTHER;
            default -> Sex.UNKNOWN;
        };
    }

    private void name(String prefix, PersonName name) {
        if (name != null) {
            set(prefix + "FamilyName", FixedWidth.text(name.family()));
            set(prefix + "GivenNames", FixedWidth.text(String.join(" ", name.given())));
        }
    }

    private PersonName name(String prefix) {
        String family = (String) get(prefix + "FamilyName");
        String given = (String) get(prefix + "GivenNames");
        return family == null && given == null ? null
                : new PersonName(family, given == null ? List.of() : Arrays.asList(given.split(" +")));
    }

    private void address(String prefix, Address address) {
        if (address != null) {
            set(prefix + "Street", FixedWidth.text(String.join(", ", address.lines())));
            set(prefix + "City", FixedWidth.text(address.city()));
            set(prefix + "State", FixedWidth.text(address.state()));
            set(prefix + "PostalCode", FixedWidth.text(address.postalCode()));
            set(prefix + "Country", FixedWidth.text(address.country()));
        }
    }

    private Address address(String prefix) {
        String street = (String) get(prefix + "Street");
        if (street == null && get(prefix + "City") == null && get(prefix + "State") == null && get(prefix + "PostalCode") == null) {
            return null;
        }
        return new Address(street == null ? List.of() : List.of(street), (String) get(prefix + "City"), (String) get(prefix + "State"),
                (String) get(prefix + "PostalCode"), (String) get(prefix + "Country"));
    }

    private void set(String column, Object value) {
        Field field = FIELDS.get(record.getClass()).get(column);
        if (field != null) {
            try {
                field.set(record, value);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private Object get(String column) {
        Field field = FIELDS.get(record.getClass()).get(column);
        try {
            Object value = field == null ? null : field.get(record);
            return value instanceof String text && text.isBlank() ? null : value; // Bindy reads an empty column as ""
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
