/**
 * FHIR R4 terminology resources of SafeHarbor Bridge, and {@link org.safeharbor.mappings.MappingResources}
 * to read them.
 *
 * <p>The bundle carries, as JSON, the shared human-trafficking allegation CodeSystem and the ConceptMaps from
 * ICD-10-CM, SNOMED CT and the screening results to it, and the terminology of the FHIR intake: the message-event,
 * screening and delivery-status CodeSystems, the screening Questionnaires (SSCST, CSE-IT, Florida HTST) and their
 * scoring rules; and the FHIR package of the adapter's contract (profiles, ValueSets, examples). The code in this
 * package has no dependency: parsing is left to the caller (HAPI FHIR in the routes).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package org.safeharbor.mappings;
