package org.safeharbor.fhir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ConceptMap.ConceptMapGroupComponent;
import org.hl7.fhir.r4.model.ConceptMap.OtherElementComponent;
import org.hl7.fhir.r4.model.ConceptMap.SourceElementComponent;
import org.hl7.fhir.r4.model.ConceptMap.TargetElementComponent;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.mappings.MappingResources;

/**
 * The health-code translations, loaded from the ConceptMaps in {@code mappings/} (data, not code):
 * ICD-10-CM, SNOMED CT and screening results to the shared allegation code, and ICD-10-CM Y07.-
 * to the perpetrator relation; the shared code's own concepts (a hospital may code a finding with them);
 * and the screening instruments ({@link ScreeningInstruments}). A file copied under
 * {@code etc/safeharbor/mappings/} overrides the packaged one.
 */
final class AllegationMaps {

    static final List<String> FINDING_MAPS = List.of(
            "ConceptMap-icd10cm-to-ht-allegation.json",
            "ConceptMap-snomed-to-ht-allegation.json",
            "ConceptMap-screening-to-ht-allegation.json");
    static final String PERPETRATOR_MAP = "ConceptMap-icd10cm-y07-to-perpetrator.json";

    /** One target of a health code in the shared code. */
    record Target(AllegationType type, Certainty certainty) {
    }

    private final Map<String, List<Target>> findings = new HashMap<>();
    private final Set<String> unmatched = new HashSet<>();
    private final Map<String, PerpetratorRelation> perpetrators = new HashMap<>();
    /** Every concept of the shared CodeSystem, and what it is (an allegation type, a relation, or neither). */
    private final Map<String, SharedConcept> shared = new HashMap<>();
    private ScreeningInstruments instruments;

    /** A concept of the shared CodeSystem: an allegation type, a perpetrator relation, or another dimension (null both). */
    record SharedConcept(String code, AllegationType type, PerpetratorRelation relation) {
    }

    private AllegationMaps() {
    }

    static AllegationMaps load(FhirContext fhir) {
        AllegationMaps maps = new AllegationMaps();
        for (String file : FINDING_MAPS) {
            for (ConceptMapGroupComponent group : read(fhir, file).getGroup()) {
                for (SourceElementComponent element : group.getElement()) {
                    String key = key(group.getSource(), element.getCode());
                    List<Target> targets = element.getTarget().stream()
                            .filter(t -> t.getEquivalence() != ConceptMapEquivalence.UNMATCHED && t.hasCode())
                            .map(t -> new Target(AllegationType.fromCode(t.getCode()), certainty(t, file, element.getCode())))
                            .toList();
                    if (targets.isEmpty()) {
                        maps.unmatched.add(key);
                    } else {
                        maps.findings.put(key, targets);
                    }
                }
            }
        }
        for (ConceptMapGroupComponent group : read(fhir, PERPETRATOR_MAP).getGroup()) {
            for (SourceElementComponent element : group.getElement()) {
                element.getTarget().stream().filter(TargetElementComponent::hasCode).findFirst().ifPresent(t ->
                        maps.perpetrators.put(key(group.getSource(), element.getCode()), PerpetratorRelation.fromCode(t.getCode())));
            }
        }
        CodeSystem sharedCode;
        try (InputStream in = MappingResources.open(MappingResources.CODE_SYSTEM_HT_ALLEGATION)) {
            sharedCode = fhir.newJsonParser().parseResource(CodeSystem.class, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (ConceptDefinitionComponent dimension : sharedCode.getConcept()) {
            // the groupers (type, certainty, ...) are concepts too, never data
            maps.shared.put(dimension.getCode(), new SharedConcept(dimension.getCode(), null, null));
            maps.readShared(dimension.getCode(), dimension.getConcept());
        }
        maps.instruments = ScreeningInstruments.load(fhir);
        return maps;
    }

    /** The concepts under one dimension of the shared CodeSystem (type, perpetrator, ...), CSEC forms under their type. */
    private void readShared(String dimension, List<ConceptDefinitionComponent> concepts) {
        for (ConceptDefinitionComponent c : concepts) {
            AllegationType type = "type".equals(dimension) ? AllegationType.fromCode(c.getCode()) : null;
            PerpetratorRelation relation = "perpetrator".equals(dimension) ? PerpetratorRelation.fromCode(c.getCode()) : null;
            shared.put(c.getCode(), new SharedConcept(c.getCode(), type, relation));
            readShared(dimension, c.getConcept());
        }
    }

    /** A concept of the shared CodeSystem ({@value FhirSystems#HT_ALLEGATION}); empty for a code it does not define. */
    Optional<SharedConcept> shared(String code) {
        return Optional.ofNullable(shared.get(code));
    }

    /** The screening instruments in force. */
    ScreeningInstruments instruments() {
        return instruments;
    }

    /** What a code means in the shared code; empty when the code is not trafficking-related. */
    List<Target> targets(String system, String code) {
        return findings.getOrDefault(key(system, code), List.of());
    }

    /** True when the maps list the code, as a finding or explicitly as not trafficking. */
    boolean lists(String system, String code) {
        String key = key(system, code);
        return findings.containsKey(key) || unmatched.contains(key);
    }

    /** The perpetrator relation an ICD-10-CM Y07.- code, or a perpetrator concept of the shared code, names. */
    Optional<PerpetratorRelation> perpetrator(String system, String code) {
        if (FhirSystems.HT_ALLEGATION.equals(system)) {
            return shared(code).map(SharedConcept::relation);
        }
        return Optional.ofNullable(perpetrators.get(key(system, code)));
    }

    private static Certainty certainty(TargetElementComponent target, String file, String code) {
        for (OtherElementComponent product : target.getProduct()) {
            if (product.getProperty() != null && product.getProperty().endsWith("#certainty")) {
                return Certainty.fromCode(product.getValue());
            }
        }
        throw new IllegalStateException(file + ": no certainty for " + code);
    }

    private static ConceptMap read(FhirContext fhir, String file) {
        try (InputStream in = MappingResources.open(file)) {
            return fhir.newJsonParser().parseResource(ConceptMap.class, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String key(String system, String code) {
        return system + "|" + code;
    }
}
