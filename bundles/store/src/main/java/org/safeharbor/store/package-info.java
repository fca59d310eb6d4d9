/**
 * The message store: every accepted referral with its raw submission and canonical form, its
 * status per jurisdiction, the stages it went through, every rejected submission, and the audit trail
 * (1.1: {@link org.safeharbor.store.AuditLog}, {@link org.safeharbor.store.AuditEntry}, chained and verified).
 */
@Version("1.1.0")
@Export
package org.safeharbor.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
