package org.safeharbor.store;

/**
 * The code systems and codes of the audit trail's AuditEvents, after IHE Basic Audit Log Patterns (BALP): DICOM's
 * audit codes (DCM, PS3.16 CID 400-403) for the event types and roles, FHIR's own for REST interactions, and this
 * project's CodeSystem for the precise kind of event ({@link AuditEntry.Kind#code()}).
 */
public final class AuditCodes {

    /** A code of a code system, with its display. */
    public record Code(String system, String code, String display) {
    }

    public static final String PROJECT = "https://fhir.safeharbor-bridge.org/";
    /** This project's audit event kinds. */
    public static final String EVENT = PROJECT + "CodeSystem/audit-event";
    public static final String DICOM = "http://dicom.nema.org/resources/ontology/DCM";
    public static final String AUDIT_EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    public static final String RESTFUL_INTERACTION = "http://hl7.org/fhir/restful-interaction";
    public static final String SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type";
    public static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    public static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
    public static final String SECURITY_ROLE_TYPE = "http://terminology.hl7.org/CodeSystem/extra-security-role-type";

    /** Identifier systems of the agents and entities. */
    public static final String CLIENT_ID = PROJECT + "sid/client-id";
    public static final String KARAF_USER = PROJECT + "sid/karaf-user";
    public static final String JURISDICTION = PROJECT + "sid/jurisdiction";
    public static final String SYSTEM = PROJECT + "sid/system";
    public static final String REFERRAL_ID = PROJECT + "sid/referral-id";
    public static final String OBJECT_ID = PROJECT + "sid/audit-object";

    static final Code REST = new Code(AUDIT_EVENT_TYPE, "rest", "Restful Operation");
    static final Code AUDIT_LOG_USED = new Code(DICOM, "110101", "Audit Log Used");
    static final Code USER_AUTHENTICATION = new Code(DICOM, "110114", "User Authentication");
    static final Code EXPORT = new Code(DICOM, "110106", "Export");
    static final Code IMPORT = new Code(DICOM, "110107", "Import");
    static final Code PATIENT_RECORD = new Code(DICOM, "110110", "Patient Record");
    static final Code SOFTWARE_CONFIGURATION = new Code(DICOM, "110131", "Software Configuration");
    static final Code SECURITY_CONFIGURATION = new Code(DICOM, "110129", "Security Configuration");
    static final Code APPLICATION_ACTIVITY = new Code(DICOM, "110100", "Application Activity");

    /** Agent roles: who asked (source), who received (destination), a person at the console, the adapter. */
    static final Code SOURCE_ROLE = new Code(DICOM, "110153", "Source Role ID");
    static final Code DESTINATION_ROLE = new Code(DICOM, "110152", "Destination Role ID");
    static final Code APPLICATION = new Code(DICOM, "110150", "Application");
    static final Code HUMAN_USER = new Code(SECURITY_ROLE_TYPE, "humanuser", "human user");

    private AuditCodes() {
    }
}
