package org.safeharbor.benchmarks;

import java.util.List;

import org.apache.cxf.Bus;
import org.apache.cxf.message.Message;
import org.apache.cxf.message.MessageUtils;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.safeharbor.jurisdiction.us.il.wire.IntakeAcknowledgement;

/**
 * Times each receipt at the Illinois peer exactly, without changing the peer: a CXF bus extension
 * (listed in {@code META-INF/cxf/bus-extensions.txt} of this jar, so every bus created in the load
 * driver's JVM gets it) whose outbound interceptor sees the peer's {@code IntakeAcknowledgement} as
 * the peer answers, i.e. right after the peer has taken the report, and records the referral id with
 * the time in {@link Receipts}.
 */
public final class ReceiptExtension {

    public ReceiptExtension(Bus bus) {
        bus.getOutInterceptors().add(new AbstractPhaseInterceptor<Message>(Phase.PRE_LOGICAL) {
            @Override
            public void handleMessage(Message message) {
                if (MessageUtils.isRequestor(message)) {
                    return;
                }
                List<?> contents = message.getContent(List.class);
                if (contents == null) {
                    return;
                }
                for (Object content : contents) {
                    if (content instanceof IntakeAcknowledgement ack) {
                        Receipts.record(ack.getReferralId());
                    }
                }
            }
        });
    }
}
