package org.safeharbor.api.v1;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A facility or organization (hospital, clinic).
 *
 * @param identifier a stable identifier, e.g. the NPI or the sender's own id
 * @param name       display name
 * @param address    its address
 */
@ProviderType
public record Organization(String identifier, String name, Address address) {
}
