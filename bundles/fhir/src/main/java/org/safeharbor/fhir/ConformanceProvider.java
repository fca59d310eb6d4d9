package org.safeharbor.fhir;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.MetadataResource;

/**
 * {@code GET /fhir/<Type>/<id>} for one type of the FHIR package's conformance resources (read-only, public: see
 * {@link PublicConformance}), served as the package carries them (mappings/ig, mappings/fhir). The package is read
 * once per bundle start ({@link ProfileValidation#fhirPackage()}); nothing else is served under these types.
 */
public class ConformanceProvider<T extends MetadataResource> implements IResourceProvider {

    private final Class<T> type;
    final ProfileValidation profiles;

    ConformanceProvider(Class<T> type, ProfileValidation profiles) {
        this.type = type;
        this.profiles = profiles;
    }

    @Override
    public Class<? extends IBaseResource> getResourceType() {
        return type;
    }

    @Read
    public MetadataResource read(@IdParam IdType id) {
        return type.cast(find(id).copy());
    }

    /**
     * The resource an operation is asked about: {@code <Type>/{id}/$op}, or {@code <Type>/$op?url=}; empty when neither
     * names one; 404 for an id or url the package does not have.
     */
    java.util.Optional<T> named(IdType id, org.hl7.fhir.r4.model.UriType url) {
        if (id != null && id.hasIdPart()) {
            return java.util.Optional.of(find(id));
        }
        if (url == null || !url.hasValue()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(profiles.fhirPackage().byUrl(type, url.getValue()).orElseThrow(() ->
                new ResourceNotFoundException("the url names no " + type.getSimpleName() + " of the FHIR package")));
    }

    /** The package's resource of this type with this id; 404 otherwise (an id names no one's data here). */
    T find(IdType id) {
        String name = type.getSimpleName();
        return profiles.fhirPackage().byId(name, id.getIdPart()).map(type::cast)
                .orElseThrow(() -> new ResourceNotFoundException("no " + name + " of this id in the FHIR package"));
    }
}
