package org.safeharbor.api.v1;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A person's name. {@link #toString()} never prints it.
 *
 * @param family family name
 * @param given  given names
 */
@ProviderType
public record PersonName(String family, List<String> given) {

    public PersonName {
        given = given == null ? List.of() : List.copyOf(given);
    }

    @Override
    public String toString() {
        return "PersonName[redacted]";
    }
}
