/**
 * SMART Backend Services as the rest of the adapter sees it: who is calling ({@link org.safeharbor.auth.Caller}),
 * verification of the access tokens the adapter's token endpoint issued ({@link org.safeharbor.auth.AccessTokens}),
 * the scopes it knows ({@link org.safeharbor.auth.Scopes}) and the registered clients
 * ({@link org.safeharbor.auth.RegisteredClients}), and the per-client request limit both the token endpoint and the
 * intake apply ({@link org.safeharbor.auth.RateLimiter}). 1.2: the auditor's scope {@link org.safeharbor.auth.Scopes#READ_AUDIT}.
 * 1.3: law-enforcement clients ({@link org.safeharbor.auth.Caller#LAW_ENFORCEMENT}) and their scope
 * {@link org.safeharbor.auth.Scopes#SUBMIT_CUSTODY_NOTICE}.
 */
@Version("1.3.0")
@Export
package org.safeharbor.auth;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
