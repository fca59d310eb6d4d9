package org.safeharbor.fhir;

import java.util.ArrayList;
import java.util.List;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * The package's ValueSets ({@code GET /fhir/ValueSet/{id}}) and {@code $validate-code} on them (type level with
 * {@code url}, or {@code ValueSet/{id}/$validate-code}): whether a code is in a ValueSet, answered by the profile
 * validator's own terminology (HAPI's {@code IValidationSupport.validateCode} over the package and R4), so a vendor
 * gets the answer the intake would give. Public: no personal data.
 */
public class ValueSetProvider extends ConformanceProvider<ValueSet> {

    ValueSetProvider(ProfileValidation profiles) {
        super(ValueSet.class, profiles);
    }

    @Operation(name = PublicConformance.VALIDATE_CODE, idempotent = true)
    public Parameters validateCode(@IdParam(optional = true) IdType id,
                                   @OperationParam(name = "url") UriType url,
                                   @OperationParam(name = "system") UriType system,
                                   @OperationParam(name = "code") CodeType code,
                                   @OperationParam(name = "display") StringType display,
                                   @OperationParam(name = "coding") Coding coding,
                                   @OperationParam(name = "codeableConcept") CodeableConcept codeableConcept) {
        String valueSet = named(id, url).map(ValueSet::getUrl).orElseThrow(() ->
                new InvalidRequestException("name the ValueSet: its url parameter, or ValueSet/{id}/$validate-code"));
        List<Coding> codings = new ArrayList<>();
        if (coding != null) {
            codings.add(coding);
        }
        if (codeableConcept != null) {
            codings.addAll(codeableConcept.getCoding());
        }
        if (code != null && code.hasValue()) {
            codings.add(new Coding(system == null ? null : system.getValue(), code.getValue(), display == null ? null : display.getValue()));
        }
        if (codings.isEmpty() || codings.stream().anyMatch(c -> !c.hasSystem() || !c.hasCode())) {
            throw new InvalidRequestException("give a code with its system (system and code, a coding, or a codeableConcept)");
        }
        Parameters out = new Parameters();
        for (Coding c : codings) {
            IValidationSupport.CodeValidationResult result = profiles.validateCode(valueSet, c.getSystem(), c.getCode(), c.getDisplay());
            if (result != null && result.isOk()) {
                out.addParameter().setName("result").setValue(new BooleanType(true));
                out.addParameter().setName("message").setValue(new StringType("the code is in the value set " + valueSet));
                if (result.getDisplay() != null) {
                    out.addParameter().setName("display").setValue(new StringType(result.getDisplay()));
                }
                return out;
            }
        }
        out.addParameter().setName("result").setValue(new BooleanType(false));
        // the validator's own text quotes the code; the answer names the value set only
        out.addParameter().setName("message").setValue(new StringType("the code is not in the value set " + valueSet));
        return out;
    }
}
