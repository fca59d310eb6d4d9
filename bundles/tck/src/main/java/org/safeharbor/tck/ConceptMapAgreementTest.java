package org.safeharbor.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.safeharbor.tck.ConformanceReferrals.allegation;
import static org.safeharbor.tck.ConformanceReferrals.referral;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.SharedCode;
import org.safeharbor.api.v1.StateFormat;
import org.safeharbor.jurisdiction.support.v1.StateConceptMap;

/**
 * A state's published ConceptMap (from the shared allegation code to the state's codes), as the kit's
 * {@link StateConceptMap} applies it at run time, is complete and is what goes on the wire. A state's test class extends
 * this and gives the map, its code system and format ({@link #mapping()}), and how to read the state's codes out of a
 * payload ({@link #codesWritten}); the kit then checks, for whatever shape the map has (one group keyed by allegation
 * type, or one group per shared dimension: type, perpetrator relation, certainty):
 * <ul>
 *   <li>every group maps {@link SharedCode#SYSTEM} to the state's code system, every row cites its source and targets a
 *       code the state's code system has (its CodeSystem resource where the bundle ships one), and depends only on
 *       dimensions of the shared code;</li>
 *   <li>the map gives a code for every combination the state receives: every type it supports, suspected or confirmed,
 *       every perpetrator relation and caregiver role ({@link StateConceptMap#load} refuses the bundle's start
 *       otherwise; {@code dependsOn} narrows a target, the narrowest applies, and two equally narrow are an error);</li>
 *   <li>the certainties that are never sent (at-risk, ruled-out, historical) are {@code unmatched} and the format sends
 *       nothing for them, and nothing else is unmatched;</li>
 *   <li>for every type, sent certainty, perpetrator relation and caregiver role, the payload carries the codes the map
 *       gives.</li>
 * </ul>
 * State-specific facts (a citation every row must carry, the number of rows, a placeholder warning) stay as the
 * subclass's own tests.
 */
public abstract class ConceptMapAgreementTest {


    /** The shared dimension a map element's source code belongs to. */
    private enum Dimension { TYPE, PERPETRATOR, CERTAINTY }

    private JsonNode map;
    private StateConceptMap conceptMap;

    // ------------------------------------------------------------------ what a subclass provides

    /**
     * What the kit compares.
     *
     * @param conceptMap   the ConceptMap's JSON file, e.g. {@code src/main/resources/fhir/ConceptMap-ht-allegation-to-us-xx.json} (the bundle's own terminology)
     * @param targetSystem the canonical URL of the state's code system, every group's {@code target}
     * @param stateCodes   the codes of that code system ({@link #codeSystemCodes} reads a bundle's CodeSystem resource)
     * @param jurisdiction the jurisdiction whose referrals the format writes
     * @param format       the state's format, as the adapter builds it by default
     */
    public record StateMapping(Path conceptMap, String targetSystem, Set<String> stateCodes, Jurisdiction jurisdiction,
                               StateFormat format) {
    }

    /** The map, code system and format under test; asked once per test. */
    protected abstract StateMapping mapping();

    private StateMapping mapping;

    private StateMapping subject() {
        if (mapping == null) {
            mapping = mapping();
        }
        return mapping;
    }

    private String targetSystem() {
        return subject().targetSystem();
    }

    private StateFormat format() {
        return subject().format();
    }

    private Jurisdiction jurisdiction() {
        return subject().jurisdiction();
    }

    /** The state's codes (of its code system) a payload of the format carries for its allegations. */
    protected abstract Set<String> codesWritten(String payload);

    /**
     * The caregiver role a row's {@code dependsOn} is read with, for an allegation by this perpetrator stated with this
     * role: by default the role as stated. A state whose format first makes the role follow its own reading of the
     * perpetrator, and whose map speaks of that role, returns the role its format writes.
     */
    protected CaregiverRole roleAsMapped(PerpetratorRelation perpetrator, CaregiverRole stated) {
        return stated;
    }

    /** Whether a row's comment cites its source; by default, that it says something. */
    protected boolean citesItsSource(String comment) {
        return comment != null && !comment.isBlank();
    }

    // ------------------------------------------------------------------ the checks

    @Test
    void mapsTheSharedCodeToTheStatesCodeSystem() {
        assertEquals("ConceptMap", map().path("resourceType").asText());
        assertFalse(groups().isEmpty(), "a map without groups");
        for (JsonNode group : groups()) {
            assertEquals(SharedCode.SYSTEM, group.path("source").asText());
            assertEquals(targetSystem(), group.path("target").asText());
        }
    }

    @Test
    void everyRowCitesItsSourceAndTargetsACodeOfTheState() {
        Set<String> codes = subject().stateCodes();
        for (JsonNode group : groups()) {
            for (JsonNode element : group.path("element")) {
                dimension(element.path("code").asText());
                assertFalse(element.path("target").isEmpty(), element.path("code").asText() + " has no target");
                for (JsonNode target : element.path("target")) {
                    String where = element.path("code").asText() + " -> " + target.path("code").asText();
                    assertTrue(citesItsSource(target.path("comment").asText(null)), where + ": does not cite its source");
                    if (!unmatched(target)) {
                        assertTrue(codes.contains(target.path("code").asText()), where + ": not a code of " + targetSystem());
                    }
                }
            }
        }
        conceptMap(); // a dependsOn on anything but a dimension of the shared code is refused
    }

    @Test
    void everyCombinationTheStateReceivesHasOneCodeOfEveryDimensionTheMapCodes() {
        StateConceptMap codes = conceptMap(); // refuses a gap, naming the combination
        Set<String> mappedTypes = new HashSet<>();
        elements(Dimension.TYPE).forEach(e -> mappedTypes.add(e.path("code").asText()));
        Set<String> supported = Arrays.stream(AllegationType.values()).filter(t -> !format().unsupportedTypes().containsKey(t))
                .map(AllegationType::code).collect(Collectors.toSet());
        assertTrue(mappedTypes.containsAll(supported), "a type the state receives has no row: " + supported);
        assertFalse(codes.codes(AllegationType.class).isEmpty(), "no group maps the allegation types");
        assertTrue(subject().stateCodes().containsAll(codes.codes(AllegationType.class)), "a type's code is not the state's");
    }

    @Test
    void theCertaintiesNeverSentAreUnmatchedAndTheFormatSendsNothingForThem() {
        Set<Certainty> unmatched = EnumSet.noneOf(Certainty.class);
        for (JsonNode element : elements(Dimension.CERTAINTY)) {
            Certainty certainty = Certainty.fromCode(element.path("code").asText());
            boolean isUnmatched = element.path("target").size() == 1 && unmatched(element.path("target").get(0));
            assertTrue(isUnmatched || element.path("target").findValues("equivalence").stream().noneMatch(e -> e.asText().equals("unmatched")),
                    certainty.code() + ": unmatched and matched at once");
            if (isUnmatched) {
                unmatched.add(certainty);
            }
        }
        Set<Certainty> neverSent = Arrays.stream(Certainty.values()).filter(c -> !c.isAllegation()).collect(Collectors.toCollection(
                () -> EnumSet.noneOf(Certainty.class)));
        assertEquals(neverSent, unmatched, "the map's unmatched certainties are those never sent as allegations");
        for (Certainty certainty : unmatched) {
            if (certainty == Certainty.AT_RISK && format().atRiskRule().isPresent()) {
                continue; // sent as a risk signal under the rule the format names (the conformance kit checks it)
            }
            for (AllegationType type : AllegationType.values()) {
                assertTrue(format().write(referral(jurisdiction(), Allegation.of(type, certainty))).isEmpty(),
                        certainty.code() + " " + type.code() + " is unmatched in the map but the format sent it");
            }
        }
        for (Dimension dimension : List.of(Dimension.TYPE, Dimension.PERPETRATOR)) {
            for (JsonNode element : elements(dimension)) {
                element.path("target").forEach(target -> assertFalse(unmatched(target),
                        element.path("code").asText() + ": only a certainty never sent is unmatched"));
            }
        }
    }

    @Test
    void theFormatWritesTheCodesTheMapGives() {
        int checked = 0;
        for (AllegationType type : AllegationType.values()) {
            if (format().unsupportedTypes().containsKey(type)) {
                continue;
            }
            for (Certainty certainty : List.of(Certainty.SUSPECTED, Certainty.CONFIRMED)) {
                for (PerpetratorRelation perpetrator : PerpetratorRelation.values()) {
                    for (CaregiverRole role : CaregiverRole.values()) {
                        Allegation allegation = allegation(type, certainty, perpetrator, role);
                        Set<String> expected = mapped(allegation);
                        String payload = format().write(referral(jurisdiction(), allegation)).orElseThrow(
                                () -> new AssertionError(describe(allegation) + " was not sent"));
                        Set<String> written = codesWritten(payload);
                        assertTrue(written.containsAll(expected), describe(allegation) + ": the map gives " + expected
                                + ", the format wrote " + written);
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked > 0, "no allegation type is sent");
    }

    /**
     * A child in the agency's care's at-risk signal (42 U.S.C. 671(a)(34)) is written where the format's child-in-care rule
     * (or its at-risk rule) allows it, and never with one of the map's allegation codes: the map leaves at-risk unmatched,
     * and the signal is not an allegation of abuse.
     */
    @Test
    void aChildInCaresAtRiskSignalCarriesNoAllegationCode() {
        Set<String> allegationCodes = conceptMap().codes(AllegationType.class);
        for (AllegationType type : AllegationType.values()) {
            if (format().unsupportedTypes().containsKey(type)) {
                continue;
            }
            Referral inCare = JurisdictionConformanceTest.withCare(referral(jurisdiction(), Allegation.of(type, Certainty.AT_RISK)),
                    org.safeharbor.api.v1.CareStatus.FOSTER_CARE);
            Optional<String> payload = format().write(inCare);
            assertEquals(format().atRiskRule().isPresent() || format().childInCareAtRiskRule().isPresent(), payload.isPresent(),
                    type.code() + ": a child in care's at-risk signal is written exactly where a rule allows it");
            payload.ifPresent(written -> {
                Set<String> codes = new HashSet<>(codesWritten(written));
                codes.retainAll(allegationCodes);
                assertEquals(Set.of(), codes, type.code() + ": a child in care's at-risk signal carries an allegation code");
            });
        }
    }

    // ------------------------------------------------------------------ reading the map

    /** The codes the kit's {@link StateConceptMap} gives an allegation, with the caregiver role as the state maps it. */
    private Set<String> mapped(Allegation a) {
        Allegation asMapped = new Allegation(a.type(), a.certainty(), a.perpetrator(), roleAsMapped(a.perpetrator(), a.caregiverRole()),
                a.evidence());
        Set<String> codes = new HashSet<>(conceptMap().translate(asMapped).orElseThrow(
                () -> new AssertionError(describe(a) + " is unmatched in the map")).codes().values());
        assertFalse(codes.isEmpty(), describe(a) + ": the map has no row for it");
        return codes;
    }

    /** The map as the kit applies it at run time, checked complete for the types the format supports. */
    private StateConceptMap conceptMap() {
        if (conceptMap == null) {
            try (InputStream in = Files.newInputStream(subject().conceptMap())) {
                conceptMap = StateConceptMap.read(subject().conceptMap().getFileName().toString(), in,
                        format().unsupportedTypes().keySet());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return conceptMap;
    }

    private static boolean unmatched(JsonNode target) {
        return "unmatched".equals(target.path("equivalence").asText());
    }

    private static Dimension dimension(String code) {
        List<Dimension> found = new ArrayList<>();
        if (codes(AllegationType.values()).contains(code)) {
            found.add(Dimension.TYPE);
        }
        if (codes(PerpetratorRelation.values()).contains(code)) {
            found.add(Dimension.PERPETRATOR);
        }
        if (codes(Certainty.values()).contains(code)) {
            found.add(Dimension.CERTAINTY);
        }
        assertEquals(1, found.size(), "source code " + code + " is not one code of one shared dimension: " + found);
        return found.get(0);
    }

    private List<JsonNode> elements(Dimension dimension) {
        List<JsonNode> of = new ArrayList<>();
        groups().forEach(group -> group.path("element").forEach(e -> {
            if (dimension(e.path("code").asText()) == dimension) {
                of.add(e);
            }
        }));
        return of;
    }

    private List<JsonNode> groups() {
        List<JsonNode> groups = new ArrayList<>();
        map().path("group").forEach(groups::add);
        return groups;
    }

    /** The map, read once per test instance. */
    protected final JsonNode map() {
        if (map == null) {
            try {
                map = new ObjectMapper().readTree(subject().conceptMap().toFile());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + subject().conceptMap().toAbsolutePath().normalize(), e);
            }
        }
        return map;
    }

    private static Set<String> codes(SharedCode... values) {
        return Arrays.stream(values).map(SharedCode::code).collect(Collectors.toSet());
    }

    private static String describe(Allegation a) {
        return a.type().code() + "/" + a.certainty().code() + "/" + a.perpetrator().code() + "/" + a.caregiverRole().code();
    }

    /** The codes of a FHIR CodeSystem resource on the class path (a bundle's {@code fhir/CodeSystem-...json}). */
    protected static Set<String> codeSystemCodes(Class<?> loader, String resource, String url) {
        try (var in = loader.getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource + " is not on the class path");
            JsonNode codeSystem = new ObjectMapper().readTree(in);
            assertEquals("CodeSystem", codeSystem.path("resourceType").asText());
            assertEquals(url, codeSystem.path("url").asText(), resource);
            Set<String> codes = new HashSet<>();
            codeSystem.path("concept").forEach(c -> codes.add(c.path("code").asText()));
            return codes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
