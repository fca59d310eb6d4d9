package org.safeharbor.jurisdiction.support.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.SharedCode;

/**
 * The kit's ConceptMap at run time: dependsOn (the narrowest row applies), several groups, unmatched rows, the reverse
 * lookup, and a map with a gap refused at load, naming the combination.
 */
class StateConceptMapTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLE = SharedCode.SYSTEM + "#caregiver-role";
    private static final String PERPETRATOR = SharedCode.SYSTEM + "#perpetrator";

    @Test
    void aCodeDependsOnTheCaregiverRoleAndTheCertaintiesNeverSentAreUnmatched() throws IOException {
        StateConceptMap map = read(illinoisLike(), Set.of());
        assertEquals("90", code(map, AllegationType.SURVIVAL_SEX, PerpetratorRelation.PARENT, CaregiverRole.FAILURE_TO_PROTECT));
        assertEquals("40", code(map, AllegationType.SURVIVAL_SEX, PerpetratorRelation.PARENT, CaregiverRole.ACT));
        assertEquals("40", code(map, AllegationType.LABOR_TRAFFICKING, PerpetratorRelation.NON_FAMILY, CaregiverRole.NOT_APPLICABLE));
        for (Certainty never : List.of(Certainty.AT_RISK, Certainty.RULED_OUT, Certainty.HISTORICAL)) {
            assertEquals(Optional.empty(), map.translate(Allegation.of(AllegationType.SEX_TRAFFICKING, never)), never.code());
        }
        assertEquals(Set.of("40", "90"), map.codes(AllegationType.class));
        assertEquals(Set.of(), map.codes(Certainty.class));
        // 40 is wider than every type: the state code alone does not say which
        assertEquals(Optional.empty(), map.reverse(AllegationType.class, "40"));
    }

    @Test
    void oneGroupPerDimensionGivesOneCodeEachAndTheNarrowestRowApplies() throws IOException {
        StateConceptMap map = read(texasLike(), Set.of());
        StateConceptMap.Codes codes = map.translate(new Allegation(AllegationType.PORNOGRAPHY, Certainty.CONFIRMED,
                PerpetratorRelation.PARENT, CaregiverRole.FAILURE_TO_PROTECT, List.of())).orElseThrow();
        assertEquals(List.of(AllegationType.class, Certainty.class, PerpetratorRelation.class), List.copyOf(codes.codes().keySet()));
        assertEquals("sexual", codes.of(AllegationType.class));
        assertEquals("confirmed", codes.of(Certainty.class));
        assertEquals("both", codes.of(PerpetratorRelation.class));
        // the row without a condition applies to every role of a parent but failure to protect
        assertEquals("cps", map.translate(new Allegation(AllegationType.LABOR_TRAFFICKING, Certainty.SUSPECTED,
                PerpetratorRelation.PARENT, CaregiverRole.NOT_APPLICABLE, List.of())).orElseThrow().of(PerpetratorRelation.class));
        assertEquals("police", map.translate(new Allegation(AllegationType.LABOR_TRAFFICKING, Certainty.SUSPECTED,
                PerpetratorRelation.NON_FAMILY, CaregiverRole.FAILURE_TO_PROTECT, List.of())).orElseThrow().of(PerpetratorRelation.class));
        assertEquals(Optional.empty(), map.translate(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK)));
        assertThrows(IllegalArgumentException.class, () -> codes.of(CaregiverRole.class));
        assertEquals(Set.of("cps", "both", "police"), map.codes(PerpetratorRelation.class));
    }

    @Test
    void theReverseIsTheOneEquivalentRow() throws IOException {
        StateConceptMap map = read(texasLike(), Set.of());
        assertEquals(Optional.of(AllegationType.SEX_TRAFFICKING), map.reverse(AllegationType.class, "sexual"));
        assertEquals(Optional.of(AllegationType.LABOR_TRAFFICKING), map.reverse(AllegationType.class, "labor"));
        assertEquals(Optional.of(Certainty.SUSPECTED), map.reverse(Certainty.class, "suspected"));
        assertEquals(Optional.empty(), map.reverse(AllegationType.class, "no-such-code"));
        assertEquals(Optional.empty(), map.reverse(CaregiverRole.class, "act"));
    }

    @Test
    void aCombinationTheStateReceivesWithoutARowFailsTheLoadNamingIt() {
        ObjectNode gap = illinoisLike();
        // survival-sex loses its failure-to-protect row
        ((ArrayNode) gap.path("group").get(0).path("element").get(2).path("target")).remove(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> read(gap, Set.of()));
        assertTrue(e.getMessage().contains("no row applies to survival-sex/suspected/parent/failure-to-protect"), e.getMessage());
    }

    @Test
    void aTypeWithoutElementsLoadsOnlyWhereTheStateDeclaresItUnsupported() throws IOException {
        ObjectNode withoutLabor = illinoisLike();
        ((ArrayNode) withoutLabor.path("group").get(0).path("element")).remove(6);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> read(withoutLabor, Set.of()));
        assertTrue(e.getMessage().contains("labor-trafficking/suspected/parent/act is received but not mapped"), e.getMessage());
        StateConceptMap map = read(withoutLabor, Set.of(AllegationType.LABOR_TRAFFICKING));
        assertEquals("40", code(map, AllegationType.SEX_TRAFFICKING, PerpetratorRelation.UNKNOWN, CaregiverRole.NOT_APPLICABLE));
    }

    @Test
    void aSuspectedAllegationLeftUnmatchedFailsTheLoad() {
        ObjectNode map = texasLike();
        ObjectNode suspected = (ObjectNode) map.path("group").get(1).path("element").get(1).path("target").get(0);
        suspected.put("equivalence", "unmatched").remove("code");
        assertThrows(IllegalStateException.class, () -> read(map, Set.of()));
    }

    @Test
    void twoRowsAsNarrowAsEachOtherAreAnErrorNotAGuess() {
        ObjectNode map = texasLike();
        ArrayNode parent = (ArrayNode) map.path("group").get(2).path("element").get(0).path("target");
        parent.add(target("police", "relatedto", ROLE, "failure-to-protect"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> read(map, Set.of()));
        assertTrue(e.getMessage().contains("more than one row applies to"), e.getMessage());
    }

    @Test
    void aConditionOnAPropertyTheKitDoesNotKnowIsRefused() {
        ObjectNode map = illinoisLike();
        ((ObjectNode) map.path("group").get(0).path("element").get(0).path("target").get(0).path("dependsOn").get(0))
                .put("property", SharedCode.SYSTEM + "#county");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> read(map, Set.of()));
        assertTrue(e.getMessage().contains("#county"), e.getMessage());
        ObjectNode wrongValue = illinoisLike();
        ((ObjectNode) wrongValue.path("group").get(0).path("element").get(0).path("target").get(0).path("dependsOn").get(0))
                .put("value", "parent");
        assertThrows(IllegalStateException.class, () -> read(wrongValue, Set.of()));
    }

    @Test
    void aSourceOutsideTheSharedCodeAndAMissingMapAreRefused() {
        ObjectNode map = illinoisLike();
        ((ObjectNode) map.path("group").get(0).path("element").get(0)).put("code", "smuggling");
        assertThrows(IllegalStateException.class, () -> read(map, Set.of()));
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> StateConceptMap.load(StateConceptMapTest.class, "fhir/ConceptMap-none.json"));
        assertTrue(missing.getMessage().contains("fhir/ConceptMap-none.json"), missing.getMessage());
    }

    // ------------------------------------------------------------------ maps

    private static String code(StateConceptMap map, AllegationType type, PerpetratorRelation perpetrator, CaregiverRole role) {
        return map.translate(new Allegation(type, Certainty.SUSPECTED, perpetrator, role, List.of())).orElseThrow()
                .of(AllegationType.class);
    }

    private static StateConceptMap read(ObjectNode map, Collection<AllegationType> unsupported) throws IOException {
        return StateConceptMap.read("test", new ByteArrayInputStream(JSON.writeValueAsBytes(map)), unsupported);
    }

    /** One group: each type 40, or 90 for a caregiver's failure to protect; the certainties never sent unmatched. */
    private static ObjectNode illinoisLike() {
        ArrayNode elements = JSON.createArrayNode();
        for (AllegationType type : AllegationType.values()) {
            elements.add(element(type.code(), target("40", "wider", ROLE, "act"), target("40", "wider", ROLE, "not-applicable"),
                    target("90", "wider", ROLE, "failure-to-protect")));
        }
        for (String never : List.of("at-risk", "ruled-out", "historical")) {
            elements.add(element(never, JSON.createObjectNode().put("equivalence", "unmatched")));
        }
        return conceptMap(elements);
    }

    /** Three groups: the type, the certainty, a route by perpetrator (with the caregiver role where it matters). */
    private static ObjectNode texasLike() {
        ArrayNode types = JSON.createArrayNode();
        for (AllegationType type : AllegationType.values()) {
            boolean broadest = type == AllegationType.SEX_TRAFFICKING || type == AllegationType.LABOR_TRAFFICKING;
            types.add(element(type.code(), target(type.isSexual() ? "sexual" : "labor", broadest ? "equivalent" : "wider", null, null)));
        }
        ArrayNode certainties = JSON.createArrayNode();
        for (Certainty certainty : Certainty.values()) {
            certainties.add(element(certainty.code(), certainty.isAllegation() ? target(certainty.code(), "equal", null, null)
                    : JSON.createObjectNode().put("equivalence", "unmatched")));
        }
        ArrayNode routes = JSON.createArrayNode();
        for (PerpetratorRelation perpetrator : PerpetratorRelation.values()) {
            routes.add(switch (perpetrator) {
                case PARENT, STEP_OR_FOSTER_PARENT, OTHER_CAREGIVER -> element(perpetrator.code(), target("cps", "relatedto", null, null),
                        target("both", "relatedto", ROLE, "failure-to-protect"));
                case NON_FAMILY -> element(perpetrator.code(), target("police", "relatedto", null, null));
                default -> element(perpetrator.code(), target("both", "relatedto", PERPETRATOR, perpetrator.code()));
            });
        }
        ObjectNode map = conceptMap(types);
        ((ArrayNode) map.path("group")).add(group(certainties)).add(group(routes));
        return map;
    }

    private static ObjectNode conceptMap(ArrayNode elements) {
        ObjectNode map = JSON.createObjectNode().put("resourceType", "ConceptMap");
        map.putArray("group").add(group(elements));
        return map;
    }

    private static ObjectNode group(ArrayNode elements) {
        ObjectNode group = JSON.createObjectNode().put("source", SharedCode.SYSTEM).put("target", "https://example.org/state");
        group.set("element", elements);
        return group;
    }

    private static ObjectNode element(String code, ObjectNode... targets) {
        ObjectNode element = JSON.createObjectNode().put("code", code);
        element.putArray("target").addAll(List.of(targets));
        return element;
    }

    private static ObjectNode target(String code, String equivalence, String property, String value) {
        ObjectNode target = JSON.createObjectNode().put("code", code).put("equivalence", equivalence);
        if (property != null) {
            target.putArray("dependsOn").addObject().put("property", property).put("value", value);
        }
        return target;
    }
}
