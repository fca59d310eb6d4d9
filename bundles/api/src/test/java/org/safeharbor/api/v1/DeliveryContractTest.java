package org.safeharbor.api.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The names every bundle and every state system depend on: changing one is an incompatible change. */
class DeliveryContractTest {

    private static final Jurisdiction IL = Jurisdiction.of("US-IL");

    @Test
    void queuesAreNamedAfterTheJurisdiction() {
        assertEquals("referrals.US-IL", DeliveryContract.queue(IL));
        assertEquals(DeliveryContract.queue(IL), IL.queueName());
        assertEquals("referrals.US-IL.DLQ", DeliveryContract.deadLetters(IL));
        assertEquals("referrals.US-IL.quarantine", DeliveryContract.quarantine(IL));
        assertEquals("referrals.US-IL.notices", DeliveryContract.queue(IL, "notices"));
        assertEquals("referrals.US-IL.notices.DLQ", DeliveryContract.deadLetters(IL, "notices"));
        assertThrows(IllegalArgumentException.class, () -> DeliveryContract.queue(IL, "DLQ"), "not a purpose: would shadow a contract queue");
        assertThrows(IllegalArgumentException.class, () -> DeliveryContract.queue(IL, "a.b"));
    }

    @Test
    void theHeadersAreTheWireNames() {
        assertEquals("SafeHarbor-Referral-Id", DeliveryContract.STATE_REFERRAL_ID);
        assertEquals("SafeHarbor-Delivery-Attempt", DeliveryContract.STATE_ATTEMPT);
        assertEquals("referralId", DeliveryContract.REFERRAL_ID);
        assertEquals("jurisdiction", DeliveryContract.JURISDICTION);
    }

    @Test
    void aReplayHasItsOwnDeliveryKeyAndTheSameMessageTwiceTheSame() {
        assertEquals("US-IL:r-1", DeliveryContract.deliveryKey(IL, "r-1", null));
        assertEquals(DeliveryContract.deliveryKey(IL, "r-1", null), DeliveryContract.deliveryKey(IL, "r-1", null));
        assertNotEquals(DeliveryContract.deliveryKey(IL, "r-1", null), DeliveryContract.deliveryKey(IL, "r-1", "rp-1"));
        assertNotEquals(DeliveryContract.deliveryKey(IL, "r-1", null), DeliveryContract.deliveryKey(Jurisdiction.of("US-MO"), "r-1", null));
    }
}
