/**
 * Replaying referrals to a jurisdiction: the service behind the operators' shell commands and console.
 * 1.1: a bulk replay of dead letters reports its progress ({@link org.safeharbor.fhir.replay.ReferralReplay.Progress}).
 */
@Version("1.1.0")
@Export
package org.safeharbor.fhir.replay;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
