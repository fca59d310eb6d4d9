package org.safeharbor.store;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Records an {@link AuditEntry} in the audit trail (a service of the message store, for the parts of the adapter
 * that do not otherwise use the store, e.g. the token endpoint). Joins the caller's store transaction if there is one.
 */
@ProviderType
public interface AuditLog {

    void audit(AuditEntry entry);
}
