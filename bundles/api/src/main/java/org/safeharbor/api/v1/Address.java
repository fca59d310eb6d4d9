package org.safeharbor.api.v1;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A postal address. {@link #toString()} shows only the state, so an address logged by mistake
 * discloses no more than the routing decision needs.
 *
 * @param lines      street lines
 * @param city       city
 * @param state      state or province (USPS abbreviation for the US)
 * @param postalCode postal code
 * @param country    ISO 3166-1 alpha-2 country, e.g. {@code US}
 */
@ProviderType
public record Address(List<String> lines, String city, String state, String postalCode, String country) {

    public Address {
        lines = lines == null ? List.of() : List.copyOf(lines);
    }

    /** The jurisdiction this address lies in, when its country and state are known. */
    public Optional<Jurisdiction> jurisdiction() {
        if (state == null || state.isBlank()) {
            return Optional.empty();
        }
        String c = country == null || country.isBlank() ? "US" : country.trim().toUpperCase(java.util.Locale.ROOT);
        if (c.equals("USA")) {
            c = "US";
        }
        try {
            return Optional.of(Jurisdiction.of(c + "-" + state.trim()));
        } catch (IllegalArgumentException notAState) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "Address[state=" + state + ", redacted]";
    }
}
