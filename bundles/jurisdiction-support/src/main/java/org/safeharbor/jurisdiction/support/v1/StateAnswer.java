package org.safeharbor.jurisdiction.support.v1;

import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Processor;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Referral;

/** What a state's delivery route says the state answered; the core's pipeline reports it (see {@link StateTransport}). */
public final class StateAnswer {

    private StateAnswer() {
    }

    /** The state acknowledged the report, with its own number for it ({@code intakeNumber} may be null). */
    public static Processor acknowledged(Expression intakeNumber) {
        return answer(DeliveryStatus.ACKNOWLEDGED, intakeNumber, null);
    }

    /** As {@link #acknowledged(Expression)}, with a reason shown on the status (no personal data in it). */
    public static Processor acknowledged(Expression intakeNumber, String reason) {
        return answer(DeliveryStatus.ACKNOWLEDGED, intakeNumber, reason);
    }

    /** The state has the report (e.g. a file on its server) but has not acknowledged it. */
    public static Processor delivered() {
        return answer(DeliveryStatus.DELIVERED, null, null);
    }

    private static Processor answer(DeliveryStatus status, Expression intakeNumber, String reason) {
        return exchange -> {
            exchange.getMessage().setHeader(DeliveryContract.ANSWER, status.name());
            exchange.getMessage().setHeader(DeliveryContract.ANSWER_REASON, reason);
            if (intakeNumber != null) {
                exchange.getMessage().setHeader(DeliveryContract.ANSWER_INTAKE_NUMBER, intakeNumber.evaluate(exchange, String.class));
            }
        };
    }

    /** The canonical referral of the attempt the exchange carries. */
    public static Referral referral(Exchange exchange) {
        return exchange.getProperty(DeliveryContract.REFERRAL_PROPERTY, Referral.class);
    }
}
