package org.safeharbor.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.h2.jdbcx.JdbcDataSource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.Sex;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.store.MessageStore;

/** The hospital sees each notice a state's law made of its report (s.51B(k)) in its Task, apart from the delivery. */
class TaskNoticesTest {

    private static final Jurisdiction MA = Jurisdiction.of("US-MA");

    @Test
    void eachNoticeIsAnOutputOfTheTaskAndATaskStatusOfItsOwnIsNotMade() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:notices-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        MessageStore store = new MessageStore(h2);
        ReferralId id = new ReferralId("r-notices");
        Child child = new Child(null, LocalDate.of(2012, 1, 1), Sex.FEMALE, new Address(null, null, "MA", null, "US"));
        store.accept("ehr|msg-n", new Referral(id, child, null, null, Instant.now(), null,
                List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED))), true, "{}", "application/fhir+json",
                Map.of(MA, DeliveryStatus.QUEUED));
        store.recordAttempt(id, MA, "{}");
        store.report(new StatusUpdate(id, MA, DeliveryStatus.ACKNOWLEDGED, "MA-2026-000001", Instant.now(), null));
        store.report(new StatusUpdate(id, MA, DeliveryStatus.SCREENED_IN, "MA-2026-000001", Instant.now(), null));
        store.recordNotice(id, MA, "district-attorney", DeliveryStatus.SCREENED_IN, "{}");
        store.recordNotice(id, MA, "law-enforcement", DeliveryStatus.SCREENED_IN, "{}");
        store.noticeSent(id, MA, "district-attorney", store.recordNoticeAttempt(id, MA, "district-attorney", "{}"));
        store.noticeFailed(id, MA, "law-enforcement", "gave up after 7 attempts (HTTP 503)");

        Task task = new TaskProvider(store).read(new IdType("Task", id.value()));

        assertEquals("sent (the state's notice, on its status screened-in)", output(task, "notice district-attorney US-MA"));
        assertEquals("failed (the state's notice, on its status screened-in): gave up after 7 attempts (HTTP 503)",
                output(task, "notice law-enforcement US-MA"));
        assertEquals(Task.TaskStatus.ACCEPTED, task.getStatus(), "a notice's failure is not the hospital's delivery failing");
        assertTrue(output(task, "delivery-status US-MA").contains("screened-in"));
    }

    private static String output(Task task, String type) {
        return task.getOutput().stream().filter(o -> type.equals(o.getType().getText())).findFirst()
                .map(o -> o.getValue() instanceof org.hl7.fhir.r4.model.CodeableConcept c ? c.getText() : o.getValue().primitiveValue())
                .orElseThrow(() -> new AssertionError("no output " + type));
    }
}
