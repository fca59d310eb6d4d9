/**
 * The message store: every accepted referral with its raw submission and canonical form, its
 * status per jurisdiction, the stages it went through, every rejected submission, and the audit trail
 * (1.1: {@link org.safeharbor.store.AuditLog}, {@link org.safeharbor.store.AuditEntry}, chained and verified). The
 * personal data is encrypted at rest (1.2: {@link org.safeharbor.store.StoreKeys}, {@code MessageStore.rotateKey},
 * {@link org.safeharbor.store.UnreadableValue}); other bundles encrypt what they keep in its database with its keys
 * (1.3: {@link org.safeharbor.store.StoreCipher}) and keep tables of their own there, made by their own Flyway
 * migrations (1.4: {@link org.safeharbor.store.BundleSchema}). The operator console reads it through read-only queries
 * (1.5: {@link org.safeharbor.store.ConsoleQueries}).
 */
@Version("1.6.0")
@Export
package org.safeharbor.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
