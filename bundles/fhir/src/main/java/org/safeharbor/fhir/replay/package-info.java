/** Replaying referrals to a jurisdiction: the service behind the operators' shell commands. */
@Version("1.0.0")
@Export
package org.safeharbor.fhir.replay;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
