/**
 * The message store: every accepted referral with its raw submission and canonical form, its
 * status per jurisdiction, the stages it went through, and every rejected submission.
 */
@Version("1.0.0")
@Export
package org.safeharbor.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
