package org.safeharbor.fhir;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

import org.safeharbor.api.v1.Jurisdiction;

/**
 * The IANA time zone of each US state, the District of Columbia and the territories, for the date on which a
 * child's age is checked: the date where the child was seen, not the date in UTC.
 *
 * <p>Thirteen states span two zones. Each is given the zone of most of the state (most of its people and its
 * main cities): Alaska {@code America/Anchorage} (not the western Aleutians), Florida {@code America/New_York}
 * (not the western panhandle), Idaho {@code America/Boise} (not the northern panhandle), Indiana
 * {@code America/Indiana/Indianapolis} (not the north-west and south-west corners), Kansas
 * {@code America/Chicago} (not four western counties), Kentucky {@code America/New_York} (not the western half),
 * Michigan {@code America/Detroit} (not four Upper Peninsula counties), Nebraska and North and South Dakota
 * {@code America/Chicago} (not their western parts), Nevada {@code America/Los_Angeles} (not West Wendover),
 * Oregon {@code America/Los_Angeles} (not most of Malheur County), Tennessee {@code America/Chicago} (not East
 * Tennessee), Texas {@code America/Chicago} (not El Paso and Hudspeth counties). Arizona is
 * {@code America/Phoenix} (no daylight saving time; the Navajo Nation observes it).
 *
 * <p>The one-hour error this leaves in a minority area can only matter within an hour of midnight on the eve of
 * an 18th birthday; the check then takes the earlier of the encounter's date and the day of receipt.
 */
final class UsTimeZones {

    /** When no zone is known: the latest zone on earth, whose date is the earliest, so no minor is refused for it. */
    static final ZoneId EARLIEST_DATE = ZoneOffset.ofHours(-12);

    private static final Map<String, String> ZONES = Map.ofEntries(
            Map.entry("AL", "America/Chicago"), Map.entry("AK", "America/Anchorage"),
            Map.entry("AZ", "America/Phoenix"), Map.entry("AR", "America/Chicago"),
            Map.entry("CA", "America/Los_Angeles"), Map.entry("CO", "America/Denver"),
            Map.entry("CT", "America/New_York"), Map.entry("DE", "America/New_York"),
            Map.entry("DC", "America/New_York"), Map.entry("FL", "America/New_York"),
            Map.entry("GA", "America/New_York"), Map.entry("HI", "Pacific/Honolulu"),
            Map.entry("ID", "America/Boise"), Map.entry("IL", "America/Chicago"),
            Map.entry("IN", "America/Indiana/Indianapolis"), Map.entry("IA", "America/Chicago"),
            Map.entry("KS", "America/Chicago"), Map.entry("KY", "America/New_York"),
            Map.entry("LA", "America/Chicago"), Map.entry("ME", "America/New_York"),
            Map.entry("MD", "America/New_York"), Map.entry("MA", "America/New_York"),
            Map.entry("MI", "America/Detroit"), Map.entry("MN", "America/Chicago"),
            Map.entry("MS", "America/Chicago"), Map.entry("MO", "America/Chicago"),
            Map.entry("MT", "America/Denver"), Map.entry("NE", "America/Chicago"),
            Map.entry("NV", "America/Los_Angeles"), Map.entry("NH", "America/New_York"),
            Map.entry("NJ", "America/New_York"), Map.entry("NM", "America/Denver"),
            Map.entry("NY", "America/New_York"), Map.entry("NC", "America/New_York"),
            Map.entry("ND", "America/Chicago"), Map.entry("OH", "America/New_York"),
            Map.entry("OK", "America/Chicago"), Map.entry("OR", "America/Los_Angeles"),
            Map.entry("PA", "America/New_York"), Map.entry("RI", "America/New_York"),
            Map.entry("SC", "America/New_York"), Map.entry("SD", "America/Chicago"),
            Map.entry("TN", "America/Chicago"), Map.entry("TX", "America/Chicago"),
            Map.entry("UT", "America/Denver"), Map.entry("VT", "America/New_York"),
            Map.entry("VA", "America/New_York"), Map.entry("WA", "America/Los_Angeles"),
            Map.entry("WV", "America/New_York"), Map.entry("WI", "America/Chicago"),
            Map.entry("WY", "America/Denver"),
            // territories
            Map.entry("PR", "America/Puerto_Rico"), Map.entry("VI", "America/St_Thomas"),
            Map.entry("GU", "Pacific/Guam"), Map.entry("MP", "Pacific/Saipan"),
            Map.entry("AS", "Pacific/Pago_Pago"));

    private UsTimeZones() {
    }

    /** The zone of a US jurisdiction ({@code US-IL}); empty for any other. */
    static Optional<ZoneId> of(Jurisdiction jurisdiction) {
        String code = jurisdiction.code();
        if (!code.startsWith("US-")) {
            return Optional.empty();
        }
        return Optional.ofNullable(ZONES.get(code.substring(3))).map(ZoneId::of);
    }
}
