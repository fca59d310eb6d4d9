package org.safeharbor.fhir;

import java.util.Optional;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;

/**
 * {@code GET /fhir/metadata}: HAPI generates the CapabilityStatement from the providers (what the server does), and this
 * adds what the FHIR package's CapabilityStatement/intake says of it: the {@code supportedProfile} of the submission
 * Bundle (screening-report, which slices in the profile of each entry) and of the resources served (the Task), the
 * SMART Backend Services security service, and {@code instantiates} naming the package's CapabilityStatement (which
 * lists every profile by resource type), so a vendor's tooling finds the profiles from the server itself.
 */
@Interceptor
final class CapabilityProfiles {

    private final ProfileValidation profiles;

    CapabilityProfiles(ProfileValidation profiles) {
        this.profiles = profiles;
    }

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void addProfiles(IBaseConformance generated) {
        if (!(generated instanceof CapabilityStatement served)) {
            return;
        }
        Optional<CapabilityStatement> declared = profiles.fhirPackage().byId("CapabilityStatement", FhirPackage.CAPABILITY_STATEMENT_ID)
                .map(CapabilityStatement.class::cast);
        if (declared.isEmpty() || !declared.get().hasRest()) {
            return;
        }
        CapabilityStatementRestComponent from = declared.get().getRestFirstRep();
        CapabilityStatementRestComponent into = served.getRestFirstRep().setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
        if (!served.hasInstantiates(declared.get().getUrl())) {
            served.addInstantiates(declared.get().getUrl());
        }
        into.setSecurity(from.getSecurity().copy());
        for (CapabilityStatementRestResourceComponent resource : from.getResource()) {
            // only what this server has an endpoint for, and the submission Bundle (whose profile slices in those of its
            // entries): a Patient, Condition, ... listed here would say the server serves them, and it serves no
            // personal data
            Optional<CapabilityStatementRestResourceComponent> endpoint = into.getResource().stream()
                    .filter(r -> r.getType().equals(resource.getType())).findFirst();
            if (endpoint.isEmpty() && !"Bundle".equals(resource.getType())) {
                continue;
            }
            CapabilityStatementRestResourceComponent target = endpoint
                    .orElseGet(() -> into.addResource().setType(resource.getType()).setDocumentation(resource.getDocumentation()));
            for (CanonicalType profile : resource.getSupportedProfile()) {
                if (target.getSupportedProfile().stream().noneMatch(p -> p.getValue().equals(profile.getValue()))) {
                    target.addSupportedProfile(profile.getValue());
                }
            }
        }
    }
}
