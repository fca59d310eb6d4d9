package org.safeharbor.jurisdiction.us.tx;

import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.builder.RouteBuilder;
import org.safeharbor.jurisdiction.support.v1.HttpsClient;
import org.safeharbor.jurisdiction.support.v1.StateAnswer;
import org.safeharbor.jurisdiction.us.tx.wire.Agency;
import org.safeharbor.jurisdiction.us.tx.wire.IntakeRoute;
import org.safeharbor.jurisdiction.us.tx.wire.ReferralAcknowledgementType;

/**
 * Texas' transport: the report POSTed with the kit's {@link HttpsClient} to the agencies its route names (CPS Handbook
 * §2380, {@link TexasRules}); each agency's acknowledgement is checked and its number kept.
 * <pre>
 * direct:US-TX-deliver ─▶ choice on the report's route (content-based router)
 *     ├─ cps-investigation      ─▶ direct:US-TX-cps-intake      ─▶ HTTPS POST, ack ─▶ ACKNOWLEDGED
 *     ├─ cps-child-in-care      ─▶ direct:US-TX-cps-intake      ─▶ HTTPS POST, ack ─▶ ACKNOWLEDGED (signals only)
 *     ├─ law-enforcement-notice ─▶ direct:US-TX-law-enforcement ─▶ HTTPS POST, ack ─▶ ACKNOWLEDGED
 *     └─ ...-notice-and-cps     ─▶ both, law enforcement first   ─▶ ACKNOWLEDGED with both numbers
 * </pre>
 * A refusal (a 4xx about the report, e.g. 400: not a valid document) throws the kit's StateRejectedException, so the
 * core quarantines the referral; any other failure, an invalid acknowledgement included, is retried. On the "both"
 * route every attempt sends to both again: nothing is acknowledged until both agencies have the report.
 */
final class TexasDelivery {

    private static final String PAYLOAD = "usTxPayload";

    private final HttpsClient https;
    private final TexasNiemFormat format;
    private final String cpsIntakeUrl;
    private final String lawEnforcementUrl;

    /** @throws IllegalArgumentException for a URL that is not https (each report holds personal data) */
    TexasDelivery(HttpsClient https, TexasNiemFormat format, String cpsIntakeUrl, String lawEnforcementUrl) {
        for (String url : new String[] {cpsIntakeUrl, lawEnforcementUrl}) {
            if (!url.isBlank()) {
                https.endpoint(url);
            }
        }
        this.https = https;
        this.format = format;
        this.cpsIntakeUrl = cpsIntakeUrl;
        this.lawEnforcementUrl = lawEnforcementUrl;
    }

    void configure(RouteBuilder routes, String deliverEndpoint) {
        https.install(routes.getContext());
        routes.from(deliverEndpoint).routeId(TexasAdapter.CODE + "-deliver")
                .setProperty(PAYLOAD, routes.body())
                .choice()
                    .when(on(IntakeRoute.CPS_INVESTIGATION))
                        .to(endpoint(Agency.CPS_INTAKE))
                        .process(StateAnswer.acknowledged(routes.exchangeProperty(number(Agency.CPS_INTAKE)),
                                "Texas CPS intake: the alleged trafficker is a person responsible for the child's care (CPS Handbook 2380)"))
                    .when(on(IntakeRoute.CPS_CHILD_IN_CARE))
                        .to(endpoint(Agency.CPS_INTAKE))
                        .process(StateAnswer.acknowledged(routes.exchangeProperty(number(Agency.CPS_INTAKE)),
                                "Texas CPS intake (child in DFPS care): an at-risk signal, not an allegation (42 U.S.C. 671(a)(34))"))
                    .when(on(IntakeRoute.LAW_ENFORCEMENT_NOTICE))
                        .to(endpoint(Agency.LAW_ENFORCEMENT))
                        .process(StateAnswer.acknowledged(routes.exchangeProperty(number(Agency.LAW_ENFORCEMENT)),
                                "Texas law enforcement notified: the alleged trafficker is not a person responsible for the child's care (CPS Handbook 2380)"))
                    .otherwise()
                        // law enforcement first: its clock is the short one
                        .to(endpoint(Agency.LAW_ENFORCEMENT), endpoint(Agency.CPS_INTAKE))
                        .process(StateAnswer.acknowledged(routes.simple("${exchangeProperty." + number(Agency.LAW_ENFORCEMENT)
                                + "}, ${exchangeProperty." + number(Agency.CPS_INTAKE) + "}"),
                                "Texas law enforcement and CPS intake: caregiver status undetermined, a caregiver failed to protect (CPS Handbook 2380)"
                                        + " or a child in DFPS care (42 U.S.C. 671(a)(34))"))
                .end();
        post(routes, Agency.CPS_INTAKE, cpsIntakeUrl);
        post(routes, Agency.LAW_ENFORCEMENT, lawEnforcementUrl);
    }

    /** One HTTPS POST of the report to one agency; its acknowledgement's number goes into an exchange property. */
    private void post(RouteBuilder routes, Agency agency, String url) {
        https.post(routes.from(endpoint(agency)).routeId(TexasAdapter.CODE + "-" + agency.value())
                        .setBody(routes.exchangeProperty(PAYLOAD)), url)
                .process(exchange -> acknowledged(exchange, agency));
    }

    /** The agency's answer: an acknowledgement of this referral by this agency, or a (retried) failure. */
    private static void acknowledged(Exchange exchange, Agency agency) {
        ReferralAcknowledgementType ack = TexasXml.read(exchange.getMessage().getBody(String.class), ReferralAcknowledgementType.class);
        if (!ack.getReferralIdentification().getIdentificationID().equals(StateAnswer.referral(exchange).id().value())
                || ack.getReceivingAgencyCode() != agency) {
            throw new IllegalStateException("the " + TexasRules.displayName(agency) + " acknowledged another referral or agency");
        }
        exchange.setProperty(number(agency), ack.getIntakeNumberIdentification().getIdentificationID());
    }

    /** The route the ConceptMap gives the referral (with a child in care's signals), which the format wrote as its ReportRouteCode. */
    private Predicate on(IntakeRoute route) {
        return exchange -> format.route(StateAnswer.referral(exchange)).orElse(null) == route;
    }

    static String endpoint(Agency agency) {
        return "direct:" + TexasAdapter.CODE + "-" + agency.value();
    }

    private static String number(Agency agency) {
        return "usTxNumber-" + agency.value();
    }
}
