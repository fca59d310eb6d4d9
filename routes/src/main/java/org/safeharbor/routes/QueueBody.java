package org.safeharbor.routes;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.apache.camel.Exchange;
import org.apache.camel.spi.DataFormat;
import org.apache.camel.support.service.ServiceSupport;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.json.v1.ReferralJson;
import org.safeharbor.store.StoreCipher;

/**
 * The body of a message on a jurisdiction's queue, so the broker's journal holds no personal data: the canonical
 * referral JSON sealed by the message store's cipher ({@link StoreCipher}: AES-256-GCM under the store's keys, the key
 * id inside, so a message queued before {@code harbor:rotate-key} still opens), with the message's referral id
 * ({@link DeliveryContract#REFERRAL_ID}) in the associated data ({@link DeliveryContract#sealedBodyPurpose}), so a body moved to another referral's message does not
 * open; Base64 in a text message. {@code marshal} takes a {@link Referral} (the header set), {@code unmarshal} gives one.
 *
 * <p>A body in clear canonical JSON (queued by a version before this one, or by a state bundle's in-memory tests) is
 * read as it is: a JSON object starts with '{', which Base64 never does.
 */
public final class QueueBody extends ServiceSupport implements DataFormat {

    /** Null: seals nothing and opens only clear JSON (a state bundle's in-memory pipeline). */
    private final StoreCipher cipher;

    public QueueBody(StoreCipher cipher) {
        this.cipher = cipher;
    }

    /** The body for a referral's queue message: sealed, or clear JSON without a cipher. */
    public String write(Referral referral) {
        String json = ReferralJson.INSTANCE.write(referral);
        if (cipher == null) {
            return json;
        }
        byte[] sealed = cipher.seal(json.getBytes(StandardCharsets.UTF_8), DeliveryContract.sealedBodyPurpose(referral.id().value()));
        return Base64.getEncoder().encodeToString(sealed);
    }

    /**
     * The referral of a queue message's body: sealed for {@code referralId} (the message's header), or clear JSON.
     *
     * @throws IllegalArgumentException when it is neither (the message names no value of it)
     */
    public Referral read(String body, String referralId) {
        if (body == null || body.isBlank()) {
            throw new IllegalArgumentException("the queue message has no body");
        }
        if (body.stripLeading().startsWith("{")) {
            return ReferralJson.INSTANCE.read(body);
        }
        if (cipher == null || referralId == null) {
            throw new IllegalArgumentException("a sealed queue message cannot be opened here: "
                    + (cipher == null ? "no message store cipher" : "no " + DeliveryContract.REFERRAL_ID + " header"));
        }
        byte[] sealed;
        try {
            sealed = Base64.getDecoder().decode(body.strip());
        } catch (IllegalArgumentException notBase64) {
            throw new IllegalArgumentException("the queue message is neither canonical JSON nor sealed");
        }
        try {
            return ReferralJson.INSTANCE.read(new String(cipher.open(sealed, DeliveryContract.sealedBodyPurpose(referralId)), StandardCharsets.UTF_8));
        } catch (IllegalStateException unreadable) {
            // another referral's body, altered, or under a key no longer held: never delivered as this referral
            throw new IllegalArgumentException("the queue message of referral " + referralId + " does not open: " + unreadable.getMessage());
        }
    }

    @Override
    public void marshal(Exchange exchange, Object graph, OutputStream stream) throws Exception {
        Referral referral = exchange.getContext().getTypeConverter().mandatoryConvertTo(Referral.class, exchange, graph);
        stream.write(write(referral).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Object unmarshal(Exchange exchange, InputStream stream) throws Exception {
        return read(new String(stream.readAllBytes(), StandardCharsets.UTF_8),
                exchange.getMessage().getHeader(DeliveryContract.REFERRAL_ID, String.class));
    }
}
