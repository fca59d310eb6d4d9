/**
 * What every jurisdiction bundle builds on: {@link org.safeharbor.jurisdiction.support.v1.JurisdictionRoutes}, and
 * {@link org.safeharbor.jurisdiction.support.v1.SandboxPeer}, the service by which a sandbox bundle's simulated state
 * hands the adapter its endpoints and credentials (1.1).
 */
@Version("1.3.0")
@Export
package org.safeharbor.jurisdiction.support.v1;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
