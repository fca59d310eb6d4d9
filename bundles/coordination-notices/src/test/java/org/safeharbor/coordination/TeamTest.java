package org.safeharbor.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.ReferralField;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.tck.ConfigProxies;

/** A team's file: what is refused (naming the key, never a value), and what the Communication carries by default and with a basis. */
class TeamTest {

    static final FhirContext FHIR = FhirContext.forR4();
    static final String CONTACT = "Boston General social work on call, 617-555-0100";

    /** A team's configuration: the shipped keys, then {@code more}. */
    static CoordinationTeam.Config config(Map<String, Object> more) {
        Map<String, Object> values = new HashMap<>(Map.of("enabled", true, "name", "ma-seen", "jurisdiction", "US-MA",
                "kind", "case-coordinator", "display", "SEEN coordinator", "url", "https://seen.example.org/fhir", "contact", CONTACT));
        values.putAll(more);
        return ConfigProxies.of(CoordinationTeam.Config.class, values);
    }

    @Test
    void fieldsWithoutALawfulBasisAreRefusedNamingTheKeysNeverAValue() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> Team.of(config(Map.of("fields", new String[] {"CHILD_NAME,CHILD_BIRTH_DATE"})), false));
        assertEquals("org.safeharbor.coordination.team-ma-seen: fields may be set only with a lawfulBasis (the law or agreement that allows them)",
                refused.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Team.of(config(Map.of("fields", new String[] {"jane-doe"}, "lawfulBasis", "MOU")), false));
        assertFalse(unknown.getMessage().toLowerCase().contains("jane"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains(": fields "), unknown.getMessage());
        IllegalArgumentException report = assertThrows(IllegalArgumentException.class,
                () -> Team.of(config(Map.of("fields", new String[] {"ALLEGATIONS"}, "lawfulBasis", "MOU")), false));
        assertTrue(report.getMessage().contains("fields may name only"), "nothing of the report itself: " + report.getMessage());
    }

    @Test
    void onlyHttpsAndAUrlOnThisMachineOnlyWhileTheSandboxRuns() {
        IllegalArgumentException http = assertThrows(IllegalArgumentException.class,
                () -> Team.of(config(Map.of("url", "http://seen.example.org/fhir")), false));
        assertTrue(http.getMessage().startsWith("org.safeharbor.coordination.team-ma-seen: url must be an https:// URL"), http.getMessage());
        IllegalArgumentException local = assertThrows(IllegalArgumentException.class,
                () -> Team.of(config(Map.of("url", "https://localhost:9443/seen/fhir")), false));
        assertTrue(local.getMessage().contains("url is on this machine, which only the sandbox uses"), local.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Team.of(config(Map.of("url", "https://127.0.0.1:9443/seen/fhir")), false));
        assertEquals("https://localhost:9443/seen/fhir/Communication",
                Team.of(config(Map.of("url", "https://localhost:9443/seen/fhir/")), true).communicationUrl());
        assertThrows(IllegalArgumentException.class, () -> Team.of(config(Map.of("kind", "police")), false));
        assertThrows(IllegalArgumentException.class, () -> Team.of(config(Map.of("contact", " ")), false));
        assertThrows(IllegalArgumentException.class, () -> Team.of(config(Map.of("url", "")), false));
        Team team = Team.of(config(Map.of()), false);
        assertEquals("coordination-ma-seen--team", team.recipient());
        assertEquals("coordination-ma-seen", team.purpose());
    }

    @Test
    void byDefaultTheNoticeCarriesTheReferralIdTheIntakeNumberAndTheContactOnly() {
        Team team = Team.of(config(Map.of()), false);
        String json = new CoordinationPayload(FHIR).write(team, new ReferralId("r-1"), "MA-2026-000001",
                TestReferral.of("r-1"), Instant.parse("2026-12-05T12:00:00Z"));
        Communication notice = FHIR.newJsonParser().parseResource(Communication.class, json);
        assertEquals(Communication.CommunicationStatus.COMPLETED, notice.getStatus());
        assertEquals(CoordinationPayload.CATEGORY, notice.getCategoryFirstRep().getCodingFirstRep().getCode());
        assertEquals("r-1", notice.getIdentifierFirstRep().getValue());
        assertEquals("ma-seen", notice.getRecipientFirstRep().getIdentifier().getValue());
        assertEquals(List.of("State intake number: MA-2026-000001", "Contact: " + CONTACT),
                notice.getPayload().stream().map(p -> p.getContentStringType().getValue()).toList());
        assertFalse(notice.hasSubject());
        assertTrue(notice.getContained().isEmpty());
        assertFalse(notice.hasReasonCode());
        for (String personal : List.of("Jane", "Doe", "2010", "Secret", "Boston\"", "sex-trafficking")) {
            assertFalse(json.contains(personal), personal);
        }
    }

    @Test
    void withABasisAndFieldsExactlyThoseFieldsInAContainedPatientAndTheBasisRecorded() {
        Team team = Team.of(config(Map.of("lawfulBasis", "M.G.L. c.119 s.51B MOU with the SEEN team", "fields",
                new String[] {"child-name, CHILD_BIRTH_DATE"})), false);
        assertEquals(Set.of(ReferralField.CHILD_NAME, ReferralField.CHILD_BIRTH_DATE), team.fields());
        String json = new CoordinationPayload(FHIR).write(team, new ReferralId("r-1"), "MA-2026-000001",
                TestReferral.of("r-1"), Instant.parse("2026-12-05T12:00:00Z"));
        Communication notice = FHIR.newJsonParser().parseResource(Communication.class, json);
        assertEquals("M.G.L. c.119 s.51B MOU with the SEEN team", notice.getReasonCodeFirstRep().getText());
        assertEquals("#child", notice.getSubject().getReference());
        Patient child = (Patient) notice.getContained().get(0);
        assertEquals("Doe", child.getNameFirstRep().getFamily());
        assertEquals("2010-05-06", child.getBirthDateElement().getValueAsString());
        assertFalse(child.hasGender());
        assertFalse(child.hasAddress());
        assertFalse(json.contains("Secret Lane"));
        assertFalse(json.contains("Boston\""));
    }
}
