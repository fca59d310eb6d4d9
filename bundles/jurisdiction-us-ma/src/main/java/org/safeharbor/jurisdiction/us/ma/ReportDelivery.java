package org.safeharbor.jurisdiction.us.ma;

import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.builder.Builder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.safeharbor.jurisdiction.support.v1.HttpsClient;
import org.safeharbor.jurisdiction.support.v1.StateAnswer;
import org.safeharbor.jurisdiction.support.v1.StateRejectedException;
import org.safeharbor.jurisdiction.us.ma.wire.IntakeResponse;
import org.safeharbor.jurisdiction.us.ma.wire.WireJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 51A report's delivery route: POST it to DCF's intake, then tell the core what DCF answered. DCF's 400 (the report
 * does not validate: sent again it would be refused again) is a refusal naming at most the fields DCF names; every other
 * answer is sorted by {@link HttpsClient#answer}.
 */
final class ReportDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(ReportDelivery.class);
    /** An intake number is an identifier, never free text: anything else from the state is not passed on. */
    private static final Pattern INTAKE_NUMBER_SHAPE = Pattern.compile("[A-Za-z0-9-]{1,64}");
    /** A field at the head of a schema message ("path: problem"): a JSON Pointer or a JSON path. */
    private static final Pattern FIELD_PATH = Pattern.compile(
            "(?<=^|[\\s;:])(\\$(?:\\.[A-Za-z_][A-Za-z0-9_]{0,63}|\\[[0-9]{1,4}])+|(?:/(?:[A-Za-z_][A-Za-z0-9_]{0,63}|[0-9]{1,4}))+)(?=:)");
    private static final int MAX_FIELDS = 10;

    private ReportDelivery() {
    }

    /** The route from {@code deliverEndpoint}; {@code endpoint} is the camel-http endpoint of {@code reportUrl}. */
    static void configure(RouteBuilder routes, String deliverEndpoint, HttpsClient https, String reportUrl, String endpoint) {
        routes.from(deliverEndpoint).routeId(MassachusettsAdapter.CODE + "-deliver")
                .setHeader(Exchange.HTTP_METHOD, routes.constant("POST"))
                .setHeader(Exchange.CONTENT_TYPE, routes.constant(MassachusettsFormat.MEDIA_TYPE))
                .to(endpoint)
                .process(exchange -> refusedOrAnswered(exchange, https, reportUrl))
                .process(exchange -> {
                    String number = readIntakeAnswer(exchange);
                    (number == null ? StateAnswer.delivered() : StateAnswer.acknowledged(Builder.constant(number))).process(exchange);
                });
    }

    private static void refusedOrAnswered(Exchange exchange, HttpsClient https, String reportUrl) throws HttpOperationFailedException {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status != null && status == 400) {
            String body = exchange.getMessage().getBody(String.class);
            throw new StateRejectedException(refusalReason(status, body), new HttpOperationFailedException(reportUrl, status,
                    exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_TEXT, String.class), null, null, body));
        }
        https.answer(exchange, reportUrl);
    }

    /**
     * "DCF refused the 51A report: HTTP 400", plus the paths of the fields DCF names. Only paths are taken from the
     * answer: its free text may quote a value, and a value may be personal data.
     */
    static String refusalReason(int statusCode, String responseBody) {
        StringBuilder reason = new StringBuilder("DCF refused the 51A report: HTTP ").append(statusCode);
        if (responseBody != null) {
            String error = responseBody;
            try {
                JsonNode node = WireJson.tree(responseBody).get("error");
                error = node != null && node.isTextual() ? node.asText() : error;
            } catch (IllegalArgumentException notJson) {
                // the paths are looked for in the raw body
            }
            List<String> fields = FIELD_PATH.matcher(error).results().map(match -> match.group(1)).distinct().limit(MAX_FIELDS).toList();
            if (!fields.isEmpty()) {
                reason.append(" (").append(fields.size() == 1 ? "field " : "fields ").append(String.join(", ", fields)).append(')');
            }
        }
        return reason.toString();
    }

    /** DCF's number in its answer {"intakeNumber": "..."} (201, or 200 for a report it already had); null: none yet (202) or unusable. */
    static String readIntakeAnswer(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            String number = intakeNumber(body);
            if (number != null && INTAKE_NUMBER_SHAPE.matcher(number).matches()) {
                return number;
            }
            LOG.warn("{}: DCF accepted referral {} without a usable intake number", MassachusettsAdapter.CODE, StateAnswer.referral(exchange).id());
        } catch (IOException e) {
            LOG.warn("{}: DCF accepted referral {}, but its answer is not JSON ({})", MassachusettsAdapter.CODE,
                    StateAnswer.referral(exchange).id(), e.getClass().getSimpleName());
        }
        return null;
    }

    /** The number in DCF's answer; the state may add fields to it, only the intake number matters. */
    static String intakeNumber(String answer) throws IOException {
        return WireJson.STRICT.readerFor(IntakeResponse.class).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .<IntakeResponse>readValue(answer).intakeNumber();
    }
}
