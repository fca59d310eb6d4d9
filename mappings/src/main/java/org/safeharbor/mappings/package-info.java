/**
 * FHIR R4 terminology resources of SafeHarbor Bridge, and {@link org.safeharbor.mappings.MappingResources}
 * to read them.
 *
 * <p>The bundle carries the shared human-trafficking allegation CodeSystem and the ConceptMaps from ICD-10-CM to
 * it, as JSON. The code in this package has no dependency: parsing is left to the caller (HAPI FHIR in the routes).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.safeharbor.mappings;
