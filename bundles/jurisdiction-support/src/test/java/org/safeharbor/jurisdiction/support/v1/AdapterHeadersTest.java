package org.safeharbor.jurisdiction.support.v1;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.camel.spi.HeaderFilterStrategy;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.DeliveryContract;

class AdapterHeadersTest {

    private final HeaderFilterStrategy filter = AdapterHeaders.only();

    @Test
    void onlyTheDeliveryContractsTwoHeadersGoOutToTheState() {
        assertFalse(filter.applyFilterToCamelHeaders(DeliveryContract.STATE_REFERRAL_ID, "r-1", null));
        assertFalse(filter.applyFilterToCamelHeaders(DeliveryContract.STATE_ATTEMPT, "2", null));
        for (String other : new String[] {DeliveryContract.REFERRAL_ID, DeliveryContract.JURISDICTION, DeliveryContract.REPLAY_ID,
                DeliveryContract.ANSWER, "JMSMessageID", "CamelHttpUri", "Authorization", "childName"}) {
            assertTrue(filter.applyFilterToCamelHeaders(other, "x", null), other);
        }
    }

    @Test
    void noHeaderOfTheStatesAnswerIsCopiedOntoTheExchange() {
        for (String header : new String[] {"Content-Type", "Set-Cookie", DeliveryContract.STATE_REFERRAL_ID, DeliveryContract.ANSWER}) {
            assertTrue(filter.applyFilterToExternalHeaders(header, "x", null), header);
        }
    }
}
