package org.safeharbor.fhir;

import java.util.List;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.FifoMemoryPagingProvider;
import ca.uhn.fhir.rest.server.RestfulServer;

/**
 * The FHIR R4 server at {@code /fhir}: HAPI's RestfulServer with the intake, Task and AuditEvent providers and the FHIR
 * package's conformance resources (StructureDefinition, ValueSet with $validate-code, CodeSystem, ConceptMap with
 * $translate, Questionnaire: public, {@link PublicConformance}); searches
 * are paged by HAPI's paging provider (50 a page by default, at most 500 with {@code _count}).
 * HAPI generates the CapabilityStatement ({@code GET /fhir/metadata}) from exactly these providers,
 * and negotiates JSON or XML.
 */
final class IntakeServer extends RestfulServer {

    private final transient IntakeProvider intake;
    private final transient TaskProvider tasks;
    private final transient AuditEventProvider auditEvents;
    private final transient List<Object> interceptors;

    IntakeServer(FhirContext fhir, IntakeProvider intake, TaskProvider tasks, AuditEventProvider auditEvents, List<Object> interceptors) {
        super(fhir);
        this.intake = intake;
        this.tasks = tasks;
        this.auditEvents = auditEvents;
        this.interceptors = interceptors;
    }

    @Override
    protected void initialize() {
        setServerName("SafeHarbor Bridge FHIR intake");
        setImplementationDescription("Accepts hospital reports of suspected child trafficking and tracks them as Tasks");
        setDefaultResponseEncoding(EncodingEnum.JSON);
        setDefaultPrettyPrint(false);
        registerProvider(intake);
        registerProvider(new AggregateCountsOperation(auditEvents.store()));
        // the FHIR package's conformance resources, read-only and public (PublicConformance), as the validator has them
        ProfileValidation profiles = ProfileValidation.shared();
        setResourceProviders(tasks, auditEvents, new ConformanceProvider<>(org.hl7.fhir.r4.model.StructureDefinition.class, profiles),
                new ValueSetProvider(profiles), new ConformanceProvider<>(org.hl7.fhir.r4.model.CodeSystem.class, profiles),
                new ConceptMapProvider(profiles), new ConformanceProvider<>(org.hl7.fhir.r4.model.Questionnaire.class, profiles));
        registerInterceptor(new CapabilityProfiles(profiles));
        FifoMemoryPagingProvider paging = new FifoMemoryPagingProvider(100);
        paging.setDefaultPageSize(50);
        paging.setMaximumPageSize(500);
        setPagingProvider(paging);
        interceptors.forEach(this::registerInterceptor);
    }
}
