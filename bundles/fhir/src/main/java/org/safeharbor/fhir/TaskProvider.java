package org.safeharbor.fhir;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Task;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.store.MessageStore;

/** {@code GET /fhir/Task/{id}}: where a referral stands, and the notices made of it, read from the message store. */
public class TaskProvider implements IResourceProvider {

    private final MessageStore store;

    TaskProvider(MessageStore store) {
        this.store = store;
    }

    @Override
    public Class<? extends IBaseResource> getResourceType() {
        return Task.class;
    }

    @Read
    public Task read(@IdParam IdType id) {
        ReferralId referralId = new ReferralId(id.getIdPart());
        return store.find(referralId).map(stored -> TaskView.withNotices(TaskView.of(stored, store.deadlineAlerts(referralId)),
                        store.notices(referralId)))
                .orElseThrow(() -> new ResourceNotFoundException(id));
    }
}
