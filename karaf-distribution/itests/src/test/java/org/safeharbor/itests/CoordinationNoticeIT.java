package org.safeharbor.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;

import ca.uhn.fhir.context.FhirContext;
import org.apache.karaf.features.FeaturesService;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Patient;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.store.AuditQuery;
import org.safeharbor.store.AuditRecord;
import org.safeharbor.store.MessageStore;
import org.safeharbor.store.Notice;

/**
 * Coordination notices (issue 15) in the packed distribution with the sandbox: a hospital's Massachusetts sample
 * (t74-62xa-confirmed-labor.json) goes to the US-MA sandbox, which answers its intake number; the shipped
 * etc/org.safeharbor.coordination.team-ma-seen.cfg (turned on by the sandbox) then tells the sandbox's SEEN coordinator:
 * one Communication with the referral id, the intake number and the site's contact, and no name or birth date of the
 * child; the store records the notice SENT and the audit trail has its NOTICE entry.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CoordinationNoticeIT {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String SAMPLE = "t74-62xa-confirmed-labor.json";
    private static final String RECIPIENT = "coordination-ma-seen--team";

    @Inject
    private org.osgi.framework.BundleContext bundleContext;

    @Inject
    private FeaturesService features;

    @Inject
    private MessageStore store;

    @Configuration
    public Option[] config() {
        return SafeHarborKaraf.distribution();
    }

    @Before
    public void up() throws Exception {
        SafeHarborKaraf.withSandbox(features, bundleContext);
    }

    @Test
    public void theSeenCoordinatorHearsOfTheIntakeNumberWithoutTheChildsData() throws Exception {
        Bundle submission = SafeHarborKaraf.freshSample(SAMPLE);
        Patient child = submission.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(Patient.class::isInstance)
                .map(Patient.class::cast).findFirst().orElseThrow();
        String referralId = SafeHarborKaraf.submitAsHospital(submission);

        // the report reaches the MA sandbox, which numbers it; then the SEEN coordinator's notice arrives
        JurisdictionsIT.await(() -> JurisdictionsIT.delivered("US-MA", referralId, null));
        String received = JurisdictionsIT.await(() -> seen(referralId));
        Communication notice = FHIR.newJsonParser().parseResource(Communication.class, received);
        assertEquals(referralId, notice.getIdentifierFirstRep().getValue());
        List<String> strings = notice.getPayload().stream().map(p -> p.getContentStringType().getValue()).toList();
        String intakeNumber = store.find(new ReferralId(referralId)).orElseThrow().deliveries().stream()
                .filter(d -> d.jurisdiction().code().equals("US-MA")).findFirst().orElseThrow().stateIntakeNumber();
        assertTrue(intakeNumber, intakeNumber.startsWith("MA-"));
        assertEquals(List.of("State intake number: " + intakeNumber, "Contact: Sandbox hospital social work on call, 555-0100"), strings);
        assertFalse(notice.hasSubject());
        assertTrue(notice.getContained().isEmpty());
        assertFalse("no family name: " + received, received.contains(child.getNameFirstRep().getFamily()));
        for (var given : child.getNameFirstRep().getGiven()) {
            assertFalse("no given name: " + received, received.contains(given.getValue()));
        }
        assertFalse("no birth date: " + received, received.contains(child.getBirthDateElement().getValueAsString()));

        // recorded and audited: the notice SENT, one NOTICE entry per attempt naming the team
        assertEquals(RECIPIENT, JurisdictionsIT.await(() -> store.notices(new ReferralId(referralId)).stream()
                .filter(n -> n.recipient().equals(RECIPIENT) && n.status() == Notice.Status.SENT).findFirst().map(Notice::recipient)));
        List<AuditRecord> audited = store.auditRecords(AuditQuery.ALL, 0, 10_000).stream()
                .filter(r -> r.json().contains(referralId) && r.json().contains(RECIPIENT)).toList();
        assertFalse("a NOTICE audit entry for the team", audited.isEmpty());
        assertTrue(audited.get(0).json(), audited.get(0).json().contains("\"code\":\"notice\""));
        assertTrue(audited.get(0).json(), audited.get(0).json().contains("payload[].contentString"));
        assertFalse(audited.get(0).json(), audited.get(0).json().contains("contained"));
    }

    /** The SEEN coordinator's file for the referral, if it arrived. */
    private static Optional<String> seen(String referralId) throws Exception {
        Path file = Path.of(System.getProperty("karaf.data"), "sandbox", "US-MA", referralId + ".seen.json");
        return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
    }
}
