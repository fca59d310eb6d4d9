/**
 * The message store: every accepted referral with its raw submission and canonical form, its
 * status per jurisdiction, the stages it went through, every rejected submission, and the audit trail
 * (1.1: {@link org.safeharbor.store.AuditLog}, {@link org.safeharbor.store.AuditEntry}, chained and verified). The
 * personal data is encrypted at rest (1.2: {@link org.safeharbor.store.StoreKeys}, {@code MessageStore.rotateKey},
 * {@link org.safeharbor.store.UnreadableValue}).
 */
@Version("1.2.0")
@Export
package org.safeharbor.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
