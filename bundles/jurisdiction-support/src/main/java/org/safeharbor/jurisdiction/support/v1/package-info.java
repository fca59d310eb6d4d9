/**
 * What every jurisdiction bundle builds on: {@link org.safeharbor.jurisdiction.support.v1.JurisdictionRoutes}.
 */
@Version("1.0.0")
@Export
package org.safeharbor.jurisdiction.support.v1;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
