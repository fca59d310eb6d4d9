package org.safeharbor.api.v1;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The mandated reporter and the facility reporting.
 *
 * @param name     the clinician's name
 * @param role     e.g. {@code physician}, {@code social worker}
 * @param phone    a call-back number
 * @param facility the reporting facility
 */
@ProviderType
public record Reporter(PersonName name, String role, String phone, Organization facility) {

    @Override
    public String toString() {
        return "Reporter[role=" + role + ", redacted]";
    }
}
