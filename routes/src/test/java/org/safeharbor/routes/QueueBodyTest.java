package org.safeharbor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.PersonName;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.Sex;
import org.safeharbor.json.v1.ReferralJson;
import org.safeharbor.store.StoreCipher;
import org.safeharbor.store.MessageStore;

/**
 * A jurisdiction queue message's body carries no personal data and opens only as the referral it was sealed for
 * (README "Audit and privacy"); a message queued in clear JSON by an earlier version is still read.
 */
class QueueBodyTest {

    static final String FAMILY = "Sampleton";
    static final String GIVEN = "Avery";
    static final String STREET = "12 Harbor Lane";
    static final String CITY = "Springfield";
    static final LocalDate BIRTH = LocalDate.of(2012, 3, 4);

    private final MessageStore store = store();
    private final QueueBody body = new QueueBody(new StoreCipher(store.keys()));

    private static MessageStore store() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:queue-body-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return new MessageStore(h2);
    }

    static Referral referral(String id) {
        Child child = new Child(new PersonName(FAMILY, List.of(GIVEN)), BIRTH, Sex.FEMALE,
                new Address(List.of(STREET), CITY, "IL", "62701", "US"));
        return new Referral(new ReferralId(id), child, null, null, Instant.parse("2026-11-21T12:00:00Z"), null,
                List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED)));
    }

    /** Whether a queue message body shows any of the sample's personal data, in any of the forms it could take. */
    static boolean showsPersonalData(String text) {
        return List.of(FAMILY, GIVEN, STREET, CITY, BIRTH.toString()).stream().anyMatch(text::contains);
    }

    @Test
    void theBodyShowsNoNameBirthDateOrAddressAndOpensBackToTheReferral() {
        Referral referral = referral("r-1");
        assertTrue(showsPersonalData(ReferralJson.INSTANCE.write(referral)), "the sample has them in clear");

        String sealed = body.write(referral);
        assertFalse(showsPersonalData(sealed), sealed);
        assertFalse(sealed.startsWith("{"));
        assertEquals(referral, body.read(sealed, "r-1"));
    }

    @Test
    void aBodyMovedToAnotherReferralsMessageDoesNotOpen() {
        String sealed = body.write(referral("r-1"));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> body.read(sealed, "r-2"));
        assertFalse(showsPersonalData(refused.getMessage()), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> body.read(sealed, null), "no referral id header: nothing to open it for");
    }

    @Test
    void aMessageQueuedBeforeAKeyRotationStillOpens() {
        String before = body.write(referral("r-1"));
        store.rotateKey("operator");
        String after = body.write(referral("r-1"));
        assertFalse(before.equals(after));
        assertEquals(referral("r-1"), body.read(before, "r-1"));
        assertEquals(referral("r-1"), body.read(after, "r-1"));
    }

    @Test
    void aMessageQueuedInClearJsonByAnEarlierVersionIsRead() {
        String clear = ReferralJson.INSTANCE.write(referral("r-old"));
        assertEquals(referral("r-old"), body.read(clear, "r-old"));
        assertEquals(referral("r-old"), body.read(clear, null), "even without the header");
        assertEquals(referral("r-old"), new QueueBody(null).read(clear, "r-old"), "and without a cipher (a state's in-memory tests)");
    }

    @Test
    void somethingElseIsRefusedWithoutQuotingIt() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> body.read("not base64 " + FAMILY, "r-1"));
        assertFalse(refused.getMessage().contains(FAMILY));
        assertThrows(IllegalArgumentException.class, () -> new QueueBody(null).read(body.write(referral("r-1")), "r-1"),
                "sealed, and nothing here holds the key");
    }
}
