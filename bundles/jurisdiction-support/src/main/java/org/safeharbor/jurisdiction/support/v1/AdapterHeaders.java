package org.safeharbor.jurisdiction.support.v1;

import java.util.Set;

import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.support.DefaultHeaderFilterStrategy;
import org.safeharbor.api.v1.DeliveryContract;

/**
 * The header filter of every state transport (minimum necessary): out to the state go only the two headers of the
 * delivery contract ({@link DeliveryContract#STATE_REFERRAL_ID}, {@link DeliveryContract#STATE_ATTEMPT}); no queue,
 * Camel or broker header becomes an HTTP or SOAP header. In from the state, no header is copied onto the exchange:
 * the body is the state's whole answer.
 */
public final class AdapterHeaders {

    private AdapterHeaders() {
    }

    /** A new filter (Camel endpoints keep a reference; one per endpoint is cheap). */
    public static HeaderFilterStrategy only() {
        DefaultHeaderFilterStrategy filter = new DefaultHeaderFilterStrategy();
        // filterOnMatch false: the listed headers pass, every other one is filtered out
        filter.setFilterOnMatch(false);
        filter.setOutFilter(Set.of(DeliveryContract.STATE_REFERRAL_ID, DeliveryContract.STATE_ATTEMPT));
        filter.setInFilterPattern("^$");
        return filter;
    }
}
