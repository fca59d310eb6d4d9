package org.safeharbor.coordination;

import java.time.Instant;
import java.util.Date;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralField;
import org.safeharbor.api.v1.ReferralId;

/**
 * What a coordination team receives: one FHIR R4 {@code Communication} (status completed, category
 * {@value #CATEGORY_SYSTEM}|{@value #CATEGORY}), identified by the referral id, addressed to the team, whose payload
 * says the state's intake number and the site's contact line. That is all by default: no subject, no name, no birth
 * date, no allegation. Only when the team's file names a lawful basis and fields does a contained {@code Patient}
 * ({@code subject = #child}) carry exactly those fields, and the basis is written as {@code reasonCode.text}.
 *
 * <p>The audit trail names the payload's JSON key paths (the store's DisclosedFields), so the NOTICE entry of a minimal
 * notice lists no Patient path, and one with a basis lists exactly the contained Patient's paths of its fields.
 */
public final class CoordinationPayload {

    /** The project's systems: the notice's category and the identifiers of a referral and of a team. */
    public static final String CATEGORY_SYSTEM = "https://fhir.safeharbor-bridge.org/CodeSystem/coordination-notice";
    public static final String CATEGORY = "coordination-notice";
    public static final String REFERRAL_SYSTEM = "https://fhir.safeharbor-bridge.org/NamingSystem/referral-id";
    public static final String TEAM_SYSTEM = "https://fhir.safeharbor-bridge.org/NamingSystem/coordination-team";
    /** How the payload's two strings begin. */
    public static final String INTAKE_NUMBER = "State intake number: ";
    public static final String CONTACT = "Contact: ";
    static final String CHILD = "child";

    private final FhirContext fhir;

    public CoordinationPayload(FhirContext fhir) {
        this.fhir = fhir;
    }

    /**
     * The notice to {@code team} about a referral the state numbered {@code intakeNumber}; {@code referral} is read only
     * for the fields the team may receive (may be null when it receives none).
     */
    public String write(Team team, ReferralId referralId, String intakeNumber, Referral referral, Instant sent) {
        Communication notice = new Communication();
        notice.setStatus(Communication.CommunicationStatus.COMPLETED);
        notice.addCategory(new CodeableConcept(new Coding(CATEGORY_SYSTEM, CATEGORY, "Coordination notice")));
        notice.addIdentifier(new Identifier().setSystem(REFERRAL_SYSTEM).setValue(referralId.value()));
        notice.addRecipient(new Reference().setIdentifier(new Identifier().setSystem(TEAM_SYSTEM).setValue(team.name()))
                .setType("Organization").setDisplay(team.display() + " (" + team.kind() + ", " + team.jurisdiction().code() + ")"));
        notice.setSent(Date.from(sent));
        notice.addPayload().setContent(new StringType(INTAKE_NUMBER + intakeNumber));
        notice.addPayload().setContent(new StringType(CONTACT + team.contact()));
        if (team.disclosesPersonalData()) {
            notice.addReasonCode(new CodeableConcept().setText(team.lawfulBasis()));
            notice.addContained(child(team, referral.child()));
            notice.setSubject(new Reference("#" + CHILD));
        }
        return fhir.newJsonParser().encodeResourceToString(notice);
    }

    /** The contained Patient with the team's fields only. */
    private static Patient child(Team team, Child child) {
        Patient patient = new Patient();
        patient.setId(CHILD);
        if (team.fields().contains(ReferralField.CHILD_NAME) && child.name() != null) {
            HumanName name = patient.addName().setFamily(child.name().family());
            child.name().given().forEach(name::addGiven);
        }
        if (team.fields().contains(ReferralField.CHILD_BIRTH_DATE) && child.birthDate() != null) {
            patient.setBirthDateElement(new DateType(child.birthDate().toString()));
        }
        if (team.fields().contains(ReferralField.CHILD_SEX) && child.sex() != null) {
            patient.setGender(switch (child.sex()) {
                case FEMALE -> AdministrativeGender.FEMALE;
                case MALE -> AdministrativeGender.MALE;
                case OTHER -> AdministrativeGender.OTHER;
                case UNKNOWN -> AdministrativeGender.UNKNOWN;
            });
        }
        boolean city = team.fields().contains(ReferralField.CHILD_CITY);
        boolean state = team.fields().contains(ReferralField.CHILD_STATE);
        if ((city || state) && child.residence() != null) {
            var address = patient.addAddress();
            if (city) {
                address.setCity(child.residence().city());
            }
            if (state) {
                address.setState(child.residence().state());
            }
        }
        return patient;
    }
}
