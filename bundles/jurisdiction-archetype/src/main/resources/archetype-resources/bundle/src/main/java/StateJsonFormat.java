package ${package};

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Organization;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.PersonName;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralField;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.Sex;
import org.safeharbor.api.v1.StateFormat;
import org.safeharbor.jurisdiction.support.v1.StateConceptMap;

/**
 * The ${jurisdiction} report: one JSON document per referral. A REFERENCE DESIGN, like every state format here: no state
 * publishes its intake interface, so replace this with what the state's system takes. Each allegation carries the
 * state's code, read from the bundle's ConceptMap ({@value #CONCEPT_MAP}), next to the shared code's dimensions (type,
 * certainty, perpetrator relation, caregiver role), so nothing of the allegation is lost.
 * <pre>
 * {"referralId": "...", "receivedAt": "2026-11-21T10:15:30Z",
 *  "child": {"family": "...", "given": ["..."], "birthDate": "2011-07-29", "state": "${jurisdiction}"},
 *  "placeOfCare": "...",
 *  "allegations": [{"code": "ht-sex", "type": "sex-trafficking", "certainty": "suspected",
 *                   "perpetrator": "parent", "caregiverRole": "act"}]}
 * </pre>
 * Only suspected and confirmed allegations are sent; at-risk signals, ruled-out and historical findings never are (no
 * rule to receive at-risk signals: {@code atRiskRule()} keeps the SPI's default, empty). Every type has a code in the
 * ConceptMap: {@code unsupportedTypes()} keeps the default, none; a state that cannot receive one overrides it with the
 * reason.
 * The state's acknowledgement: {@code {"referralId": "...", "intakeNumber": "..."}}.
 */
public final class StateJsonFormat implements StateFormat {

    public static final String MEDIA_TYPE = "application/json";
    /** The ConceptMap from the shared allegation code to the state's codes, in this bundle. */
    public static final String CONCEPT_MAP = "fhir/ConceptMap-ht-allegation-to-${jurisdictionLower}.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The minimum the state needs: no address, sex, reporter, evidence or time of the finding. */
    private static final Set<ReferralField> DISCLOSED = Set.copyOf(EnumSet.of(ReferralField.REFERRAL_ID, ReferralField.RECEIVED_AT,
            ReferralField.CHILD_NAME, ReferralField.CHILD_BIRTH_DATE, ReferralField.CHILD_STATE, ReferralField.PLACE_OF_CARE_NAME,
            ReferralField.ALLEGATIONS));

    /** The bundle's ConceptMap, applied to every allegation; a gap in it fails the bundle's start. */
    private final StateConceptMap codes = StateConceptMap.load(StateJsonFormat.class, CONCEPT_MAP, unsupportedTypes().keySet());

    @Override
    public String mediaType() {
        return MEDIA_TYPE;
    }

    @Override
    public Set<ReferralField> disclosedFields() {
        return DISCLOSED;
    }

    @Override
    public Optional<String> write(Referral referral) {
        List<Allegation> sent = referral.allegations().stream().filter(Allegation::isReportable)
                // the caregiver role follows the perpetrator as the shared code reads it: a stranger is never a caregiver
                .map(a -> a.withCaregiverStatus(a.perpetrator().defaultCaregiverStatus())).toList();
        if (sent.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode report = JSON.createObjectNode();
        report.put("referralId", referral.id().value());
        report.put("receivedAt", referral.receivedAt().toString());
        ObjectNode child = report.putObject("child");
        PersonName name = referral.child().name();
        if (name != null) {
            child.put("family", name.family());
            ArrayNode given = child.putArray("given");
            name.given().forEach(given::add);
        }
        if (referral.child().birthDate() != null) {
            child.put("birthDate", referral.child().birthDate().toString());
        }
        referral.residenceJurisdiction().ifPresent(state -> child.put("state", state.code()));
        if (referral.placeOfCare() != null && referral.placeOfCare().name() != null) {
            report.put("placeOfCare", referral.placeOfCare().name());
        }
        ArrayNode allegations = report.putArray("allegations");
        for (Allegation a : sent) {
            allegations.addObject().put("code", code(a)).put("type", a.type().code())
                    .put("certainty", a.certainty().code()).put("perpetrator", a.perpetrator().code())
                    .put("caregiverRole", a.caregiverRole().code());
        }
        return Optional.of(report.toString());
    }

    @Override
    public Referral read(String payload) {
        JsonNode report = parse(payload);
        JsonNode child = report.path("child");
        List<String> given = new ArrayList<>();
        child.path("given").forEach(g -> given.add(g.asText()));
        Address residence = null;
        if (child.hasNonNull("state")) {
            Jurisdiction state = Jurisdiction.of(child.get("state").asText());
            residence = new Address(List.of(), null, state.code().substring(3), null, state.code().substring(0, 2));
        }
        Child read = new Child(child.hasNonNull("family") ? new PersonName(child.get("family").asText(), given) : null,
                child.hasNonNull("birthDate") ? LocalDate.parse(child.get("birthDate").asText()) : null, Sex.UNKNOWN, residence);
        List<Allegation> allegations = new ArrayList<>();
        for (JsonNode a : report.path("allegations")) {
            Allegation allegation = new Allegation(AllegationType.fromCode(a.path("type").asText()), Certainty.fromCode(a.path("certainty").asText()),
                    PerpetratorRelation.fromCode(a.path("perpetrator").asText()), CaregiverRole.fromCode(a.path("caregiverRole").asText()),
                    List.of());
            if (!a.path("code").asText().equals(code(allegation))) {
                throw new IllegalArgumentException("allegation code " + a.path("code").asText() + " is not the ConceptMap's for "
                        + allegation.type().code());
            }
            allegations.add(allegation);
        }
        return new Referral(new ReferralId(required(report, "referralId")), read,
                report.hasNonNull("placeOfCare") ? new Organization(null, report.get("placeOfCare").asText(), null) : null,
                null, Instant.parse(required(report, "receivedAt")), null, allegations);
    }

    /** The state's acknowledgement of a report. */
    public static String acknowledgement(String referralId, String intakeNumber) {
        return JSON.createObjectNode().put("referralId", referralId).put("intakeNumber", intakeNumber).toString();
    }

    /** The intake number of an acknowledgement, checked to be for this referral. */
    public static String intakeNumber(String acknowledgement, String referralId) {
        JsonNode ack = parse(acknowledgement);
        if (!referralId.equals(ack.path("referralId").asText())) {
            throw new IllegalStateException("the ${jurisdiction} intake acknowledged another referral");
        }
        return required(ack, "intakeNumber");
    }

    /** The state's code of an allegation: the ConceptMap's (the kit's StateConceptMap applies its rows and dependsOn). */
    private String code(Allegation allegation) {
        return codes.translate(allegation).orElseThrow(() -> new IllegalArgumentException(allegation.certainty().code()
                + " is not sent to ${jurisdiction}")).of(AllegationType.class);
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the document: name the format only
            throw new IllegalArgumentException("not a ${jurisdiction} JSON document");
        }
    }

    private static String required(JsonNode node, String field) {
        if (!node.hasNonNull(field) || node.get(field).asText().isBlank()) {
            throw new IllegalArgumentException("missing " + field);
        }
        return node.get(field).asText();
    }
}
