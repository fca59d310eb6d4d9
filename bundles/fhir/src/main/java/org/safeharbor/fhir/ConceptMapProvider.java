package org.safeharbor.fhir;

import java.util.ArrayList;
import java.util.List;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;

/**
 * The package's ConceptMaps ({@code GET /fhir/ConceptMap/{id}}) and {@code $translate} on them (FHIR R4): what the
 * intake reads a code as, e.g. ICD-10-CM T76.52XA to the shared code's sex-trafficking with the certainty suspected as
 * the target's product. Type level with {@code url} (or without: every map of the package whose source is the code's
 * system), or {@code ConceptMap/{id}/$translate}. Public: no personal data.
 *
 * <p>HAPI FHIR 8.2 translates only through a remote terminology server ({@code IValidationSupport.translateConcept} is
 * implemented by RemoteTerminologyServiceValidationSupport alone) and its in-memory {@code ConceptMapEngine} returns one
 * target without its products, so the map is read here, element by element as R4's $translate defines it.
 */
public class ConceptMapProvider extends ConformanceProvider<ConceptMap> {

    ConceptMapProvider(ProfileValidation profiles) {
        super(ConceptMap.class, profiles);
    }

    @Operation(name = PublicConformance.TRANSLATE, idempotent = true)
    public Parameters translate(@IdParam(optional = true) IdType id,
                                @OperationParam(name = "url") UriType url,
                                @OperationParam(name = "system") UriType system,
                                @OperationParam(name = "code") CodeType code,
                                @OperationParam(name = "coding") Coding coding,
                                @OperationParam(name = "targetsystem") UriType targetSystem,
                                @OperationParam(name = "reverse") BooleanType reverse) {
        if (reverse != null && reverse.booleanValue()) {
            throw new InvalidRequestException("reverse is not supported: translate from the map's source system");
        }
        Coding source = coding != null ? coding
                : new Coding(system == null ? null : system.getValue(), code == null ? null : code.getValue(), null);
        if (!source.hasSystem() || !source.hasCode()) {
            throw new InvalidRequestException("give the code with its system (system and code, or a coding)");
        }
        List<ConceptMap> maps = named(id, url).map(List::of).orElseGet(() -> profiles.fhirPackage().resources(ConceptMap.class));
        return translate(maps, source, targetSystem == null ? null : targetSystem.getValue());
    }

    /** R4 $translate's answer: result, message, and one match per target of each element coding the source. */
    static Parameters translate(List<ConceptMap> maps, Coding source, String targetSystem) {
        Parameters out = new Parameters();
        List<Parameters.ParametersParameterComponent> matches = new ArrayList<>();
        boolean translated = false;
        boolean conditional = false;
        for (ConceptMap map : maps) {
            for (ConceptMap.ConceptMapGroupComponent group : map.getGroup()) {
                if (!source.getSystem().equals(group.getSource()) || targetSystem != null && !targetSystem.equals(group.getTarget())) {
                    continue;
                }
                for (ConceptMap.SourceElementComponent element : group.getElement()) {
                    if (!source.getCode().equals(element.getCode())) {
                        continue;
                    }
                    for (ConceptMap.TargetElementComponent target : element.getTarget()) {
                        if (target.hasDependsOn()) {
                            // holds only with other elements' values, which this operation is not given
                            conditional = true;
                            continue;
                        }
                        Parameters.ParametersParameterComponent match = new Parameters.ParametersParameterComponent().setName("match");
                        match.addPart().setName("equivalence").setValue(new CodeType(target.getEquivalence().toCode()));
                        if (target.hasCode()) {
                            match.addPart().setName("concept").setValue(new Coding(group.getTarget(), target.getCode(), target.getDisplay()));
                        }
                        for (ConceptMap.OtherElementComponent product : target.getProduct()) {
                            Parameters.ParametersParameterComponent p = match.addPart().setName("product");
                            p.addPart().setName("element").setValue(new UriType(product.getProperty()));
                            p.addPart().setName("concept").setValue(new Coding(product.getSystem(), product.getValue(), product.getDisplay()));
                        }
                        match.addPart().setName("source").setValue(new UriType(map.getUrl()));
                        matches.add(match);
                        translated |= target.getEquivalence() != org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence.UNMATCHED
                                && target.getEquivalence() != org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence.DISJOINT;
                    }
                }
            }
        }
        out.addParameter().setName("result").setValue(new BooleanType(translated));
        out.addParameter().setName("message").setValue(new StringType(translated ? "translated by the FHIR package's ConceptMaps"
                : conditional ? "the code's translation depends on other elements (dependsOn): see the ConceptMap"
                : "the FHIR package's ConceptMaps have no translation of the code"));
        matches.forEach(out::addParameter);
        return out;
    }
}
