/**
 * What every jurisdiction bundle builds on: {@link org.safeharbor.jurisdiction.support.v1.StateTransport}, the part a
 * state supplies to the delivery path the core builds for it, with {@link org.safeharbor.jurisdiction.support.v1.StateAnswer}
 * and {@link org.safeharbor.jurisdiction.support.v1.AdapterHeaders} (2.0: JurisdictionRoutes, the base class a state
 * extended, is gone); {@link org.safeharbor.jurisdiction.support.v1.PlatformClassLoader};
 * {@link org.safeharbor.jurisdiction.support.v1.SandboxPeer}, the service by which a sandbox bundle's simulated state
 * hands the adapter its endpoints and credentials (1.1); {@link org.safeharbor.jurisdiction.support.v1.HttpsClient}, a
 * state's camel-http client from its configuration (trust and key stores, timeouts, the contract's header filter, a 4xx
 * refusal as {@link org.safeharbor.jurisdiction.support.v1.StateRejectedException}), and
 * {@link org.safeharbor.jurisdiction.support.v1.Durations}, ISO-8601 durations from configuration (1.4);
 * {@link org.safeharbor.jurisdiction.support.v1.StatusCallback}, the authenticated, bounded door of a status call-back (2.1);
 * {@link org.safeharbor.jurisdiction.support.v1.StateConceptMap}, a state's ConceptMap applied at run time (2.2);
 * for file and batch states {@link org.safeharbor.jurisdiction.support.v1.FixedWidth} (Bindy records line by line),
 * {@link org.safeharbor.jurisdiction.support.v1.ReferralColumns} (the referral's fields as a record's columns),
 * {@link org.safeharbor.jurisdiction.support.v1.SftpServer} and
 * {@link org.safeharbor.jurisdiction.support.v1.SealedAggregationRepository} (2.3); a state's notices to other recipients
 * ({@link org.safeharbor.jurisdiction.support.v1.NoticeRoutes}), a JSON contract
 * ({@link org.safeharbor.jurisdiction.support.v1.StrictJson}, {@link org.safeharbor.jurisdiction.support.v1.JsonRequired}),
 * {@code StatusCallback.route} and {@code HttpsClient.configuredUrl} (2.3); a child in the agency's care
 * ({@link org.safeharbor.jurisdiction.support.v1.ChildInCare}: its at-risk signal and the agency's law-enforcement clock) (2.4); {@code NoticeRoutes.forPurpose}, a jurisdiction's notices of a purpose besides the
 * state's own (coordination notices) on their own queue, routes and send endpoint, and {@code HttpsClient.of(jurisdiction,
 * purpose, ...)}, a camel-http component of such a purpose's own (2.5).
 */
@Version("2.5.0")
@Export
package org.safeharbor.jurisdiction.support.v1;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
