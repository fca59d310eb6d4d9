/**
 * Services referrals (issue 15): the service the intake and the hospital's Task use when a services-referral bundle
 * (safeharbor-services-referral) is installed; without one, nothing changes.
 */
@Version("1.1.0")
@Export
package org.safeharbor.fhir.services;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
