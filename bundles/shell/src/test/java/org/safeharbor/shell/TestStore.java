package org.safeharbor.shell;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.h2.jdbcx.JdbcDataSource;
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
import org.safeharbor.store.MessageStore;

/** A message store on a fresh in-memory H2 database, and referrals to put in it. */
final class TestStore {

    private TestStore() {
    }

    static MessageStore fresh() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return new MessageStore(h2);
    }

    /** Accepts a referral received at {@code receivedAt} with these first statuses. */
    static ReferralId accept(MessageStore store, String id, Instant receivedAt, Map<Jurisdiction, DeliveryStatus> statuses) {
        Child child = new Child(null, LocalDate.of(2012, 1, 1), Sex.FEMALE, new Address(null, null, "ZZ", null, "US"));
        Referral referral = new Referral(new ReferralId(id), child, null, null, receivedAt, null,
                List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED)));
        store.accept("ehr|" + id, referral, true, "{\"resourceType\":\"Bundle\"}", "application/fhir+json", statuses);
        return referral.id();
    }
}
