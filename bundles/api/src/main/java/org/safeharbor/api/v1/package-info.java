/**
 * SafeHarbor Bridge API, version 1: the canonical referral model and the jurisdiction SPI.
 *
 * <p>Two kinds of types live here, marked with the OSGi semantic-versioning annotations so that
 * the build computes the right import ranges:
 * <ul>
 *   <li>{@link org.osgi.annotation.versioning.ConsumerType @ConsumerType}: what an integrator
 *       <em>implements</em> in a jurisdiction bundle ({@link org.safeharbor.api.v1.JurisdictionAdapter}).
 *       Adding a method to one of these is a major change.</li>
 *   <li>{@link org.osgi.annotation.versioning.ProviderType @ProviderType}: what integrators only
 *       <em>use</em> (the model records and enums). The core may add to these in a minor release.</li>
 * </ul>
 *
 * <p>The package is plain Java on purpose: no Camel, HAPI FHIR or OSGi runtime types, so the
 * model can be unit-tested anywhere and a jurisdiction's rules stay separate from core code
 * (45 CFR 1355.53).
 */
@Version("1.7.0")
@Export
package org.safeharbor.api.v1;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
