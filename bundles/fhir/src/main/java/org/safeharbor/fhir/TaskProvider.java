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

/**
 * {@code GET /fhir/Task/{id}}: where a referral stands, and the notices made of it, read from the message store; with the
 * services-referral bundle installed, its services referrals and the providers' statuses, and the Task of a young
 * adult's refused report that was referred to services instead.
 */
public class TaskProvider implements IResourceProvider {

    private final MessageStore store;
    private final java.util.function.Supplier<org.safeharbor.fhir.services.ServicesReferrals> services;

    TaskProvider(MessageStore store) {
        this(store, () -> null);
    }

    /** @param services the services-referral bundle's service while one is installed, else null */
    TaskProvider(MessageStore store, java.util.function.Supplier<org.safeharbor.fhir.services.ServicesReferrals> services) {
        this.store = store;
        this.services = services;
    }

    @Override
    public Class<? extends IBaseResource> getResourceType() {
        return Task.class;
    }

    @Read
    public Task read(@IdParam IdType id) {
        ReferralId referralId = new ReferralId(id.getIdPart());
        org.safeharbor.fhir.services.ServicesReferrals referrals = services.get();
        return store.find(referralId).map(stored -> TaskView.withServices(TaskView.withNotices(TaskView.of(stored,
                        store.deadlineAlerts(referralId)), store.notices(referralId)),
                        referrals == null ? java.util.List.of() : referrals.statuses(referralId)))
                // a young adult's report was refused and not stored; its services referrals have a Task all the same
                .or(() -> referrals == null ? java.util.Optional.empty() : referrals.youngAdult(referralId)
                        .map(adult -> TaskView.youngAdult(referralId, adult, referrals.statuses(referralId))))
                .orElseThrow(() -> new ResourceNotFoundException(id));
    }
}
