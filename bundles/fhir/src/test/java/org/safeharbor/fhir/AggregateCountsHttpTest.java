package org.safeharbor.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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
import org.safeharbor.auth.Caller;
import org.safeharbor.auth.Scopes;
import org.safeharbor.store.AggregateCell;
import org.safeharbor.store.AuditQuery;

/** {@code GET /fhir/$aggregate-counts} over HTTP: an auditor gets the CSV, small cells suppressed; a hospital gets 403. */
class AggregateCountsHttpTest {

    private static final String AUDITOR = "token-auditor";
    private FhirServerHarness server;

    @BeforeEach
    void start() throws Exception {
        server = new FhirServerHarness();
        server.tokens.add(AUDITOR, new Caller("state-auditor", Caller.AUDITOR, Set.of(Scopes.READ_AUDIT, Scopes.READ_TASKS), Set.of()));
        // eleven referrals in one cell, ten in another (received in ISO week 2026-W47)
        for (int i = 0; i < 21; i++) {
            Child child = new Child(null, LocalDate.of(2012, 1, 1), Sex.FEMALE, new Address(null, null, "IL", null, "US"));
            AllegationType type = i < 11 ? AllegationType.SEX_TRAFFICKING : AllegationType.LABOR_TRAFFICKING;
            server.store.accept("ehr|" + i, new Referral(new ReferralId("r-" + i), child, null, null, Instant.parse("2026-11-19T10:00:00Z"),
                    null, List.of(Allegation.of(type, Certainty.SUSPECTED))), true, "{}", "application/fhir+json",
                    Map.of(Jurisdiction.of("US-IL"), DeliveryStatus.QUEUED));
        }
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void anAuditorGetsTheCountsAsCsvWithTheSmallCellSuppressed() throws Exception {
        HttpResponse<String> response = server.get("/$aggregate-counts", AUDITOR);
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"), response.headers().toString());
        assertEquals(AggregateCell.CSV_HEADER + "\r\n"
                + "US-IL,labor-trafficking,unspecified,suspected,health-care,queued,2026-W47,,true\r\n"
                + "US-IL,sex-trafficking,unspecified,suspected,health-care,queued,2026-W47,11,false\r\n", response.body());
        assertEquals(1, server.store.countAudit(new AuditQuery("aggregate-counts", "state-auditor", null, null)), "the read is audited");
    }

    @Test
    void aPeriodOfWeeksOrDaysSelectsTheCellsAndABadOneIsAnOperationOutcome() throws Exception {
        assertEquals(3, server.get("/$aggregate-counts?from=2026-11-16&to=2026-W47", AUDITOR).body().split("\r\n").length,
                "the header and both cells of 2026-W47");
        assertEquals(AggregateCell.CSV_HEADER + "\r\n", server.get("/$aggregate-counts?from=2026-W48", AUDITOR).body(), "none after it");
        HttpResponse<String> bad = server.get("/$aggregate-counts?from=2026-W48&to=2026-W47", AUDITOR);
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("OperationOutcome") && bad.body().contains("the period ends before it begins"), bad.body());
        bad = server.get("/$aggregate-counts?to=yesterday", AUDITOR);
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("to is neither an ISO week") && !bad.body().contains("yesterday"), "no value echoed: " + bad.body());
        assertEquals(2, server.store.countAudit(new AuditQuery("aggregate-counts", "state-auditor", null, null)),
                "each read is audited, a refused one is not a read");
    }

    @Test
    void aHospitalClientIsRefused() throws Exception {
        HttpResponse<String> response = server.get("/$aggregate-counts", TestTokens.HOSPITAL_A);
        assertEquals(403, response.statusCode(), response.body());
        assertTrue(!response.body().contains("sex-trafficking"), response.body());
        assertEquals(401, server.get("/$aggregate-counts", null).statusCode(), "no token");
        // an auditor's scope in a hospital's token is not enough: the client must be an auditor
        server.tokens.add("token-odd", new Caller("hospital-b", "hospital", Set.of(Scopes.READ_AUDIT), Set.of()));
        assertEquals(403, server.get("/$aggregate-counts", "token-odd").statusCode());
        assertEquals(0, server.store.countAudit(new AuditQuery("aggregate-counts", null, null, null)), "nothing disclosed");
    }
}
