package org.safeharbor.fhir;

import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.safeharbor.auth.AccessTokens;
import org.safeharbor.auth.Caller;
import org.safeharbor.auth.Scopes;

/**
 * Access tokens for the intake's unit tests: each token stands for a caller the test chose. The
 * intake's own rules (who may submit, read, send as which endpoint) are what these tests check; the
 * real token endpoint and signed assertions are tested in bundles/smart-auth and, end to end over
 * HTTPS, in the Pax Exam tests.
 */
final class TestTokens implements AccessTokens {

    /** The sample hospitals' MessageHeader.source.endpoint values and the test bundles' one. */
    static final Set<String> ALL_TEST_ENDPOINTS = Set.of(TestBundles.SENDER_ENDPOINT, "https://safeharbor.example.org/fhir",
            "https://ehr.backbay.example.org/fhir", "https://ehr.bayoucity.example.org/fhir", "https://ehr.biscayne.example.org/fhir",
            "https://ehr.gateway.example.org/fhir", "https://ehr.lakeeola.example.org/fhir", "https://ehr.lakeshore.example.org/fhir",
            "https://ehr.tampabay.example.org/fhir");
    /** The hospital most tests submit as: the submit and Task scopes (not the auditor's), every test endpoint. */
    static final String HOSPITAL_A = "token-hospital-a";

    private final Map<String, Caller> callers = new ConcurrentHashMap<>();

    TestTokens() {
        add(HOSPITAL_A, new Caller("hospital-a", "hospital", Set.of(Scopes.SUBMIT, Scopes.READ_TASKS), ALL_TEST_ENDPOINTS));
    }

    void add(String token, Caller caller) {
        callers.put(token, caller);
    }

    @Override
    public Caller verify(String token, X509Certificate clientCertificate) throws Refused {
        Caller caller = callers.get(token);
        if (caller == null) {
            throw new Refused("the access token is not valid", null);
        }
        return caller;
    }
}
