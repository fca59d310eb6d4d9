/**
 * The canonical referral as JSON, the message body on every jurisdiction queue. Enum values are
 * written as their shared codes (e.g. {@code "sex-trafficking"}), instants as ISO-8601 strings.
 */
@Version("1.0.0")
@Export
package org.safeharbor.json.v1;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
