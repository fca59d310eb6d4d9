package org.safeharbor.fhir;

import java.util.Date;
import java.util.List;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.InstantType;
import org.safeharbor.store.AuditQuery;
import org.safeharbor.store.AuditRecord;
import org.safeharbor.store.MessageStore;

/**
 * {@code GET /fhir/AuditEvent?entity=...&date=...&agent=...}: the audit trail, for a client holding the auditor's
 * scope {@code system/AuditEvent.rs} ({@link IntakeAuthorization}); oldest first, paged by the server's paging
 * provider ({@code _count}, then the Bundle's {@code next} links). {@code entity} is the referral id (or
 * {@code Task/<id>}, or a configuration PID or client id), {@code agent} who did it (a client id, a Karaf user, a
 * jurisdiction code, {@code safeharbor-bridge}), {@code date} the time recorded (ge/gt/le/lt, or a day). Each
 * AuditEvent is returned as it is stored, its id the record's number in the chain.
 */
public class AuditEventProvider implements IResourceProvider {

    private final FhirContext fhir;
    private final MessageStore store;

    AuditEventProvider(FhirContext fhir, MessageStore store) {
        this.fhir = fhir;
        this.store = store;
    }

    /** The store the trail is read from; the auditor's other operation ({@link AggregateCountsOperation}) reads it too. */
    MessageStore store() {
        return store;
    }

    @Override
    public Class<? extends IBaseResource> getResourceType() {
        return AuditEvent.class;
    }

    @Search
    public IBundleProvider search(@OptionalParam(name = AuditEvent.SP_ENTITY) ReferenceParam entity,
                                  @OptionalParam(name = AuditEvent.SP_DATE) DateRangeParam date,
                                  @OptionalParam(name = AuditEvent.SP_AGENT) ReferenceParam agent) {
        Date lower = date == null ? null : date.getLowerBoundAsInstant();
        Date upper = date == null ? null : date.getUpperBoundAsInstant();
        AuditQuery query = new AuditQuery(id(entity), id(agent), lower == null ? null : lower.toInstant(),
                // the upper bound is inclusive (the last millisecond of a day): the store's is exclusive
                upper == null ? null : upper.toInstant().plusMillis(1));
        int size = store.countAudit(query);
        InstantType searched = InstantType.now();
        return new IBundleProvider() {
            @Override
            public IPrimitiveType<Date> getPublished() {
                return searched;
            }

            @Override
            public List<IBaseResource> getResources(int from, int to) {
                return store.auditRecords(query, from, Math.max(0, to - from)).stream().map(AuditEventProvider.this::resource).toList();
            }

            @Override
            public String getUuid() {
                return null;
            }

            @Override
            public Integer preferredPageSize() {
                return null;
            }

            @Override
            public Integer size() {
                return size;
            }
        };
    }

    /** The AuditEvent as stored, its id the record's number. */
    private IBaseResource resource(AuditRecord record) {
        AuditEvent event = fhir.newJsonParser().parseResource(AuditEvent.class, record.json());
        event.setId(Long.toString(record.seq()));
        return event;
    }

    /** {@code Task/r-1} and {@code r-1} both name r-1; a client id or PID is taken as given. */
    private static String id(ReferenceParam param) {
        if (param == null || param.getValue() == null || param.getValue().isBlank()) {
            return null;
        }
        return param.getResourceType() != null ? param.getIdPart() : param.getValue();
    }
}
