package org.safeharbor.fhir;

/** The code systems and canonical URLs the intake reads and writes. */
final class FhirSystems {

    static final String ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm";
    static final String SNOMED = "http://snomed.info/sct";
    static final String PROJECT = "https://fhir.safeharbor-bridge.org/";
    static final String SCREENING = PROJECT + "CodeSystem/screening";
    static final String MESSAGE_EVENT = PROJECT + "CodeSystem/message-event";
    static final String DELIVERY_STATUS = PROJECT + "CodeSystem/delivery-status";
    static final String SSCST_QUESTIONNAIRE = PROJECT + "Questionnaire/sscst";
    static final String CSE_IT_QUESTIONNAIRE = PROJECT + "Questionnaire/cse-it";
    /** Florida's Human Trafficking Screening Tool (F.S. 409.1754): the screener's determination, unconfirmed categories. */
    static final String FL_HTST_QUESTIONNAIRE = PROJECT + "Questionnaire/fl-htst";
    static final String STATE_INTAKE_NUMBER = PROJECT + "NamingSystem/state-intake-number/";
    static final String HT_ALLEGATION = PROJECT + "CodeSystem/ht-allegation";
    /** Extension on a finding's Condition: a caregiver (valued with the relation) failed to protect the child. */
    static final String FAILED_TO_PROTECT = PROJECT + "StructureDefinition/caregiver-failed-to-protect";
    /** SNOMED CT "victim of human trafficking": unconfirmed in the project's sources, read only when turned on. */
    static final String SNOMED_VICTIM_OF_HUMAN_TRAFFICKING = "734998001";

    static final String SCREENING_REPORT_EVENT = "screening-report";
    /** A law-enforcement agency's custody notice (issue 15): {@link CustodyNoticeReader}. */
    static final String CUSTODY_NOTICE_EVENT = "custody-notice";
    /** The circumstances of a custody notice, and the code of the Observation that carries one. */
    static final String CUSTODY_CIRCUMSTANCE = PROJECT + "CodeSystem/custody-circumstance";
    static final String CUSTODY_CIRCUMSTANCE_CODE = "custody-circumstance";
    static final java.util.List<String> CUSTODY_CIRCUMSTANCES = java.util.List.of("commercial-sexual-exploitation",
            "identified-trafficking-victim");
    static final String FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category";
    static final String CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    static final String CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
    static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

    /** Systems whose codes the intake understands; a finding coded only in another system is refused. */
    static final java.util.Set<String> KNOWN = java.util.Set.of(ICD10CM, SNOMED, SCREENING, HT_ALLEGATION);

    private FhirSystems() {
    }
}
