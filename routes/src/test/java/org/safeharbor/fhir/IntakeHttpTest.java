package org.safeharbor.fhir;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.CapturingInterceptor;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.apache.camel.Exchange;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Task.TaskStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.json.v1.ReferralJson;
import org.safeharbor.store.Rejection;

/**
 * The intake over HTTP: the real HAPI RestfulServer on Jetty, the real message store on H2, the real queueing route
 * with the {@code amqp} component stubbed (no broker in unit tests; see {@link IntakeHarness}).
 */
class IntakeHttpTest {

    static final FhirContext FHIR = FhirContext.forR4Cached();
    /** The samples are dated 2026-11-21: the intake reads them as of that day. */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);
    /** Large enough for every sample (about 12 KB as JSON), small enough to send a bigger body cheaply. */
    static final int MAX_PAYLOAD = 64 * 1024;
    static final Set<String> DEFAULT_INSTALLED = Set.of("US-IL", "US-MO", "US-TX", "US-MA");
    static final Pattern QUARANTINE_ID = Pattern.compile("intake rejection ([0-9a-f-]{36})");

    static IntakeHarness intake;
    static IGenericClient client;
    static CapturingInterceptor capture;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        intake = new IntakeHarness(MAX_PAYLOAD, CLOCK);
        FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        client = FHIR.newRestfulGenericClient(intake.base);
        capture = new CapturingInterceptor();
        client.registerInterceptor(capture);
        client.registerInterceptor(new ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor(TestTokens.HOSPITAL_A));
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() throws Exception {
        intake.close();
    }

    @BeforeEach
    void reset() {
        intake.clearQueues();
        intake.installed.clear();
        DEFAULT_INSTALLED.forEach(j -> intake.installed.add(Jurisdiction.of(j)));
        intake.receivingRiskSignals.clear();
        intake.reporterDuties.clear();
    }

    // ------------------------------------------------------------------ helpers

    /** A $process-message answer as the hospital sees it. */
    record Posted(int status, String contentLocation, String taskId, OperationOutcome outcome) {
        List<String> diagnostics() {
            return outcome.getIssue().stream().map(OperationOutcomeIssueComponent::getDiagnostics).toList();
        }

        List<String> warnings() {
            return outcome.getIssue().stream().filter(i -> i.getSeverity() == IssueSeverity.WARNING)
                    .map(OperationOutcomeIssueComponent::getDiagnostics).toList();
        }
    }

    static Posted processMessage(Bundle bundle) {
        OperationOutcome outcome = client.operation().processMessage().setMessageBundle(bundle)
                .synchronous(OperationOutcome.class).execute();
        IHttpResponse response = capture.getLastResponse();
        List<String> location = response.getHeaders("Content-Location");
        assertNotNull(location, "Content-Location header");
        assertEquals(1, location.size());
        String taskId = location.get(0).substring(location.get(0).lastIndexOf('/') + 1);
        return new Posted(response.getStatus(), location.get(0), taskId, outcome);
    }

    static Task task(String id) {
        return client.read().resource(Task.class).withId(id).execute();
    }

    static HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(intake.base + path)).header("Content-Type", contentType)
                .header("Authorization", "Bearer " + TestTokens.HOSPITAL_A)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path, String accept) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(intake.base + path)).header("Accept", accept)
                        .header("Authorization", "Bearer " + TestTokens.HOSPITAL_A).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static IBaseResource parse(HttpResponse<String> response) {
        String type = response.headers().firstValue("Content-Type").orElse("");
        return (type.contains("xml") ? FHIR.newXmlParser() : FHIR.newJsonParser()).parseResource(response.body());
    }

    static List<Referral> queued(String jurisdiction) {
        return intake.queue(jurisdiction).stream()
                .map(e -> intake.queueBody.read(e.getMessage().getBody(String.class),
                        e.getMessage().getHeader(DeliveryContract.REFERRAL_ID, String.class))).toList();
    }

    static Bundle asTransaction(Bundle message) {
        Bundle transaction = message.copy();
        transaction.setType(Bundle.BundleType.TRANSACTION);
        transaction.getEntry().remove(0); // the MessageHeader
        transaction.getEntry().forEach(e -> e.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(e.getResource().fhirType()));
        return transaction;
    }

    static void assertLabelledSensitive(String what, IBaseResource resource) {
        Resource r = (Resource) resource;
        assertAll(what,
                () -> assertNotNull(r.getMeta().getSecurity(FhirSystems.CONFIDENTIALITY, "R"), what + ": v3-Confidentiality R"),
                () -> assertNotNull(r.getMeta().getSecurity(FhirSystems.ACT_CODE, "SDV"), what + ": v3-ActCode SDV"));
    }

    static Patient patient(Bundle bundle) {
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(Patient.class::isInstance)
                .map(Patient.class::cast).findFirst().orElseThrow();
    }

    // ------------------------------------------------------------------ every sample over $process-message

    /** What a sample must yield over HTTP with US-IL, US-MO, US-TX and US-MA installed (US-FL is not). */
    record Expected(String file, TaskStatus taskStatus, String businessStatus, List<String> queuedOn, List<String> onHold) {
        @Override
        public String toString() {
            return file;
        }
    }

    static Stream<Expected> samples() {
        return Stream.of(
                new Expected("cse-it-positive.json", TaskStatus.COMPLETED, "not-sent", List.of(), List.of()),
                new Expected("fl-htst-positive.json", TaskStatus.COMPLETED, "not-sent", List.of(), List.of()),
                new Expected("flag-only.json", TaskStatus.COMPLETED, "not-sent", List.of(), List.of()),
                new Expected("lives-in-one-state-seen-in-another.json", TaskStatus.READY, "queued", List.of("US-IL", "US-MO"), List.of()),
                new Expected("sscst-positive-no-suspicion.json", TaskStatus.COMPLETED, "not-sent", List.of(), List.of()),
                new Expected("t76-52xa-failure-to-protect-illinois.json", TaskStatus.READY, "queued", List.of("US-IL"), List.of()),
                new Expected("survival-sex-shared-code.json", TaskStatus.READY, "queued", List.of("US-IL"), List.of()),
                new Expected("t74-52xa-caregiver-florida.json", TaskStatus.ONHOLD, "on-hold", List.of("US-FL"), List.of("US-FL")),
                new Expected("t74-62xa-confirmed-labor.json", TaskStatus.READY, "queued", List.of("US-MA"), List.of()),
                new Expected("t76-52xa-suspected.json", TaskStatus.READY, "queued", List.of("US-TX"), List.of()),
                new Expected("z04-81-ruled-out.json", TaskStatus.COMPLETED, "not-reportable", List.of(), List.of()));
    }

    @Test
    void everySampleIsPostedOverHttp() {
        assertEquals(Samples.onDisk(), samples().map(Expected::file).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void sampleIsAcceptedWithATaskThatSaysWhereItStands(Expected expected) {
        Posted posted = processMessage(Samples.fresh(expected.file()));

        assertEquals(202, posted.status());
        assertEquals(intake.base + "/Task/" + posted.taskId(), posted.contentLocation());
        assertTrue(posted.diagnostics().get(0).contains("Task/" + posted.taskId()), posted.diagnostics().toString());
        Task task = task(posted.taskId());
        assertEquals(posted.taskId(), task.getIdElement().getIdPart());
        assertEquals(expected.taskStatus(), task.getStatus());
        assertEquals(expected.businessStatus(), task.getBusinessStatus().getCodingFirstRep().getCode());

        List<String> everything = intake.everythingQueued();
        assertEquals(expected.queuedOn().stream().map(j -> j + ": " + posted.taskId()).sorted().toList(),
                everything.stream().sorted().toList(), "one message per jurisdiction, nothing else");
        for (String j : expected.queuedOn()) {
            assertEquals(1, intake.queue(j).size(), "queued on referrals." + j);
        }
        assertEquals(expected.onHold().size(), posted.warnings().size(), posted.warnings().toString());
        for (String j : expected.onHold()) {
            assertTrue(posted.warnings().stream().anyMatch(w -> w.contains(j) && w.contains("hotline")), posted.warnings().toString());
        }
    }

    @Test
    void ruledOutSampleIsRecordedButNotReported() {
        Posted posted = processMessage(Samples.fresh("z04-81-ruled-out.json"));
        assertEquals(202, posted.status());
        Task task = task(posted.taskId());
        assertEquals(TaskStatus.COMPLETED, task.getStatus());
        assertEquals("not-reportable", task.getBusinessStatus().getCodingFirstRep().getCode());
        assertTrue(posted.diagnostics().stream().anyMatch(d -> d.contains("Nothing to report")), posted.diagnostics().toString());
        assertEquals(List.of(), intake.everythingQueued());
    }

    // ------------------------------------------------------------------ a risk signal is not a report

    @Test
    void aRiskSignalForAStateWithoutABundleIsRecordedNotQueuedAndTellsTheClinicianToAssess() {
        Posted posted = processMessage(Samples.fresh("flag-only.json")); // a safety Flag, Florida (no bundle here)
        assertEquals(202, posted.status());
        assertEquals(List.of(), intake.everythingQueued(), "not queued: no bundle declares a rule that receives it");
        assertTrue(posted.warnings().stream().noneMatch(w -> w.contains("hotline now")), "no on-hold prompt: " + posted.warnings());
        assertTrue(posted.diagnostics().stream().anyMatch(d -> d.contains("not a report of abuse") && d.contains("further assessment")
                && d.contains("report it")), posted.diagnostics().toString());
        Task task = task(posted.taskId());
        assertEquals(TaskStatus.COMPLETED, task.getStatus());
        assertEquals("not-sent", task.getBusinessStatus().getCodingFirstRep().getCode());
        assertTrue(task.getBusinessStatus().getText().contains("no clock started"), task.getBusinessStatus().getText());
        assertFalse(task.getCode().getText().contains("Report of suspected"), "an at-risk Task is no report: " + task.getCode().getText());
        assertEquals(org.safeharbor.api.v1.DeliveryStatus.NOT_SENT, intake.store.find(new org.safeharbor.api.v1.ReferralId(posted.taskId()))
                .orElseThrow().deliveries().get(0).status());
    }

    @Test
    void aRiskSignalIsQueuedWhereAnInstalledBundleDeclaresARuleThatReceivesIt() {
        Posted notSent = processMessage(Samples.fresh("sscst-positive-no-suspicion.json")); // Illinois: installed, no rule
        assertEquals(List.of(), intake.everythingQueued());
        assertEquals("not-sent", task(notSent.taskId()).getBusinessStatus().getCodingFirstRep().getCode());

        intake.receivingRiskSignals.add(Jurisdiction.of("US-IL"));
        Posted queued = processMessage(Samples.fresh("sscst-positive-no-suspicion.json"));
        assertEquals(List.of("US-IL: " + queued.taskId()), intake.everythingQueued());
        assertEquals("queued", task(queued.taskId()).getBusinessStatus().getCodingFirstRep().getCode());
    }

    @Test
    void aHistoryOfExploitationIsAnsweredWithAPromptToReportItIfItWasNeverReported() {
        Bundle history = Samples.fresh("z04-81-ruled-out.json");
        history.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(org.hl7.fhir.r4.model.Condition.class::isInstance).map(org.hl7.fhir.r4.model.Condition.class::cast)
                .forEach(c -> c.getCode().getCodingFirstRep().setCode("Z62.813").setDisplay(null));
        Posted posted = processMessage(history);
        assertEquals(202, posted.status());
        assertEquals(List.of(), intake.everythingQueued());
        assertTrue(posted.diagnostics().stream().anyMatch(d -> d.contains("never reported") && d.contains("report it now")),
                posted.diagnostics().toString());
        assertTrue(posted.diagnostics().stream().noneMatch(d -> d.contains("Nothing to report")), posted.diagnostics().toString());
        assertTrue(task(posted.taskId()).getBusinessStatus().getText().contains("never reported"));
    }

    @Test
    void theReportersOwnDutyIsToldWhenItSubmits() {
        intake.reporterDuties.put(Jurisdiction.of("US-MA"), List.of(org.safeharbor.api.v1.DeadlineRule.reporter("us-ma-oral-report",
                "the oral report to DCF is due immediately", java.time.Duration.ZERO, "G.L. c.119 s.51A")));
        Posted posted = processMessage(Samples.fresh("t74-62xa-confirmed-labor.json")); // Massachusetts
        assertTrue(posted.warnings().stream().anyMatch(w -> w.contains("oral report to DCF is due immediately")
                && w.contains("G.L. c.119 s.51A")), posted.warnings().toString());
    }

    @Test
    void livesInIllinoisSeenInMissouriIsQueuedForBothStates() {
        Posted posted = processMessage(Samples.fresh("lives-in-one-state-seen-in-another.json"));
        assertEquals(1, intake.queue("US-IL").size());
        assertEquals(1, intake.queue("US-MO").size());
        assertEquals(posted.taskId(), queued("US-IL").get(0).id().value());
        assertEquals(posted.taskId(), queued("US-MO").get(0).id().value());
        assertEquals(queued("US-IL"), queued("US-MO"), "the same canonical referral for both states");
    }

    @Test
    void stateWithoutABundleIsHeldWithAHotlineWarningAndStillQueued() {
        intake.installed.remove(Jurisdiction.of("US-MO"));
        Posted posted = processMessage(Samples.fresh("lives-in-one-state-seen-in-another.json"));
        assertEquals(202, posted.status());
        assertEquals(1, posted.warnings().size(), posted.warnings().toString());
        assertTrue(posted.warnings().get(0).contains("US-MO") && posted.warnings().get(0).contains("hotline"));
        assertFalse(posted.warnings().get(0).contains("US-IL"));
        assertEquals(TaskStatus.ONHOLD, task(posted.taskId()).getStatus(), "the least advanced jurisdiction");
        assertEquals(1, intake.queue("US-MO").size(), "held safely on its queue until a bundle is installed");
        assertEquals(1, intake.queue("US-IL").size());
    }

    // TaskView once took businessStatus from DeliveryStatus order (QUEUED before ON_HOLD): both must show the laggard
    @Test
    void businessStatusAgreesWithTaskStatusWhenOneStateIsOnHold() {
        intake.installed.remove(Jurisdiction.of("US-MO"));
        Posted posted = processMessage(Samples.fresh("lives-in-one-state-seen-in-another.json"));
        Task task = task(posted.taskId());
        assertEquals(TaskStatus.ONHOLD, task.getStatus());
        assertEquals("on-hold", task.getBusinessStatus().getCodingFirstRep().getCode());
    }

    @Test
    void taskShowsTheLatestStatutoryClockAlertOfEachClock() {
        Posted posted = processMessage(Samples.fresh("t76-52xa-suspected.json"));
        org.safeharbor.api.v1.ReferralId id = new org.safeharbor.api.v1.ReferralId(posted.taskId());
        java.time.Instant due = java.time.Instant.parse("2026-11-22T10:00:00Z");
        intake.store.raiseDeadlineAlert(id, Jurisdiction.of("US-TX"), "us-tx-law-enforcement", "50%", due);
        intake.store.raiseDeadlineAlert(id, Jurisdiction.of("US-TX"), "us-tx-law-enforcement", "90%", due);
        Task task = task(posted.taskId());
        String text = task.getBusinessStatus().getText();
        assertTrue(text.contains("clock us-tx-law-enforcement (US-TX) 90% used, due 2026-11-22T10:00:00Z"), text);
        assertFalse(text.contains("50%"), "only the latest alert of a clock: " + text);
        assertTrue(task.getOutput().stream().anyMatch(o -> o.getType().getText().equals("deadline us-tx-law-enforcement US-TX")
                && o.getValue().primitiveValue().startsWith("90%")));
    }

    // ------------------------------------------------------------------ the queue carries the canonical referral

    @Test
    void queuedReferralIsTheStoredOneWithItsIdHeader() {
        Posted posted = processMessage(Samples.fresh("t74-62xa-confirmed-labor.json"));
        Exchange message = intake.queue("US-MA").peek();
        assertNotNull(message);
        Referral onQueue = intake.queueBody.read(message.getMessage().getBody(String.class), posted.taskId());
        Referral stored = intake.store.find(new ReferralId(posted.taskId())).orElseThrow().referral();
        assertEquals(stored, onQueue);
        assertEquals(posted.taskId(), message.getMessage().getHeader(DeliveryContract.REFERRAL_ID));
        assertEquals("US-MA", message.getMessage().getHeader(DeliveryContract.JURISDICTION));
        assertFalse(message.getMessage().getBody(String.class).contains(stored.child().name().family()), "sealed: no name on the broker");
    }

    // ------------------------------------------------------------------ POST /fhir with a transaction

    @Test
    void transactionBundleIsAcceptedWithTheTaskAsLocation() {
        Bundle response = client.transaction().withBundle(asTransaction(Samples.fresh("t76-52xa-suspected.json"))).execute();
        assertEquals(202, capture.getLastResponse().getStatus());
        assertEquals(Bundle.BundleType.TRANSACTIONRESPONSE, response.getType());
        String location = response.getEntryFirstRep().getResponse().getLocation();
        assertTrue(location.matches("Task/[0-9a-f-]{36}"), location);
        String taskId = location.substring("Task/".length());
        assertEquals(TaskStatus.READY, task(taskId).getStatus());
        assertEquals(1, intake.queue("US-TX").size());
        assertEquals(intake.base + "/" + location, capture.getLastResponse().getHeaders("Content-Location").get(0));
    }

    // ------------------------------------------------------------------ idempotency

    @Test
    void sameBundleTwiceIsOneReferralAndOneMessagePerState() {
        Bundle bundle = Samples.fresh("lives-in-one-state-seen-in-another.json");
        Posted first = processMessage(bundle);
        Posted second = processMessage(bundle);
        assertEquals(202, second.status());
        assertEquals(first.taskId(), second.taskId());
        assertTrue(first.diagnostics().get(0).startsWith("Accepted"), first.diagnostics().toString());
        assertTrue(second.diagnostics().get(0).startsWith("Already accepted"), second.diagnostics().toString());
        assertEquals(1, intake.queue("US-IL").size());
        assertEquals(1, intake.queue("US-MO").size());
    }

    // ------------------------------------------------------------------ sensitivity labels

    @Test
    void everyReturnedResourceIsLabelledRestrictedAndSexualViolence() throws Exception {
        HttpResponse<String> accepted = post("/$process-message", "application/fhir+json",
                Samples.json(Samples.fresh("t76-52xa-suspected.json")));
        assertEquals(202, accepted.statusCode());
        assertLabelledSensitive("accepted OperationOutcome", parse(accepted));
        String taskId = accepted.headers().firstValue("Content-Location").orElseThrow().replaceAll(".*/", "");
        assertLabelledSensitive("Task", parse(get("/Task/" + taskId, "application/fhir+json")));

        HttpResponse<String> transaction = post("", "application/fhir+json",
                Samples.json(asTransaction(Samples.fresh("sscst-positive-no-suspicion.json"))));
        assertEquals(202, transaction.statusCode());
        Bundle response = (Bundle) parse(transaction);
        assertLabelledSensitive("transaction-response Bundle", response);
        assertLabelledSensitive("transaction-response entry outcome", response.getEntryFirstRep().getResponse().getOutcome());

        assertLabelledSensitive("CapabilityStatement", parse(get("/metadata", "application/fhir+json")));
        assertLabelledSensitive("CapabilityStatement as XML", parse(get("/metadata", "application/fhir+xml")));

        assertLabelledSensitive("400 OperationOutcome", parse(post("/$process-message", "application/fhir+json", "{")));
        TestBundles adult = TestBundles.message();
        adult.condition("T76.52XA", null);
        adult.patient.setBirthDateElement(new DateType("1990-01-01"));
        assertLabelledSensitive("422 OperationOutcome", parse(post("/$process-message", "application/fhir+json", Samples.json(adult.build()))));
        assertLabelledSensitive("404 OperationOutcome", parse(get("/Task/unknown", "application/fhir+json")));
    }

    // ------------------------------------------------------------------ capability statement

    @Test
    void metadataOffersTaskReadOnlyAndProcessMessage() {
        CapabilityStatement capability = client.capabilities().ofType(CapabilityStatement.class).execute();
        CapabilityStatementRestResourceComponent task = capability.getRestFirstRep().getResource().stream()
                .filter(r -> r.getType().equals("Task")).findFirst().orElseThrow();
        assertEquals(List.of("read"), task.getInteraction().stream().map(i -> i.getCode().toCode()).toList());
        assertTrue(capability.getRestFirstRep().getOperation().stream().anyMatch(o -> o.getName().equals("process-message")),
                "the $process-message operation");
        assertTrue(capability.getRestFirstRep().getResource().stream().noneMatch(r -> r.getType().equals("Patient")),
                "no personal data is served");
    }

    @Test
    void metadataIsNegotiatedAsJsonOrXml() throws Exception {
        HttpResponse<String> json = get("/metadata", "application/fhir+json");
        assertEquals(200, json.statusCode());
        assertTrue(json.headers().firstValue("Content-Type").orElseThrow().startsWith("application/fhir+json"));
        assertTrue(FHIR.newJsonParser().parseResource(json.body()) instanceof CapabilityStatement);

        HttpResponse<String> xml = get("/metadata", "application/fhir+xml");
        assertEquals(200, xml.statusCode());
        assertTrue(xml.headers().firstValue("Content-Type").orElseThrow().startsWith("application/fhir+xml"));
        assertTrue(xml.body().startsWith("<CapabilityStatement"), xml.body().substring(0, 40));
        CapabilityStatement parsed = FHIR.newXmlParser().parseResource(CapabilityStatement.class, xml.body());
        assertTrue(parsed.getRestFirstRep().getResource().stream().anyMatch(r -> r.getType().equals("Task")));
    }

    // ------------------------------------------------------------------ bad input

    /** A bad submission, what status it must get, and which element its refusal must name. */
    record BadInput(String name, String contentType, Supplier<String> body, int status, Predicate<String> element) {
        @Override
        public String toString() {
            return name;
        }
    }

    static String xxeBundle() {
        String xml = Samples.xml(Samples.fresh("t76-52xa-suspected.json"));
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<!DOCTYPE Bundle [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                + xml.replace("<family value=\"Sampleton\"", "<family value=\"&xxe;\"");
    }

    static String codedBundle(java.util.function.Consumer<TestBundles> change) {
        TestBundles b = TestBundles.message();
        change.accept(b);
        return Samples.json(b.build());
    }

    static Stream<BadInput> badInputs() {
        return Stream.of(
                new BadInput("malformed JSON", "application/fhir+json",
                        () -> "{\"resourceType\": \"Bundle\", \"type\": \"message\", ", 400, "Bundle"::equals),
                new BadInput("malformed XML", "application/fhir+xml",
                        () -> "<Bundle xmlns=\"http://hl7.org/fhir\"><type value=\"message\"></Bundle>", 400, "Bundle"::equals),
                new BadInput("a Patient instead of a Bundle", "application/fhir+json",
                        () -> FHIR.newJsonParser().encodeResourceToString(new Patient().setBirthDateElement(new DateType("2012-01-01"))),
                        400, "Patient"::equals),
                new BadInput("a message Bundle without MessageHeader", "application/fhir+json",
                        () -> codedBundle(b -> b.withoutHeader().condition("T76.52XA", null)), 400, "Bundle.entry[0].resource"::equals),
                new BadInput("a Patient without birthDate", "application/fhir+json",
                        () -> codedBundle(b -> {
                            b.condition("T76.52XA", null);
                            b.patient.setBirthDateElement(null);
                        }), 422, e -> e.endsWith(".birthDate")),
                new BadInput("an adult", "application/fhir+json",
                        () -> codedBundle(b -> {
                            b.condition("T76.52XA", null);
                            b.patient.setBirthDateElement(new DateType("2008-11-21"));
                        }), 422, e -> e.endsWith(".birthDate")),
                new BadInput("no reportable code (a code outside the profile's value set)", "application/fhir+json",
                        () -> codedBundle(b -> b.condition("S52.501A", "confirmed")), 422, e -> e.endsWith(".code.coding[0].code")),
                new BadInput("an unknown code system", "application/fhir+json",
                        () -> codedBundle(b -> b.condition(new org.hl7.fhir.r4.model.CodeableConcept(
                                new org.hl7.fhir.r4.model.Coding("http://example.org/local", "HT", null)), null)),
                        422, e -> e.endsWith(".code.coding[0].system")),
                new BadInput("a screen of an unknown questionnaire", "application/fhir+json",
                        () -> codedBundle(b -> b.add(new org.hl7.fhir.r4.model.QuestionnaireResponse()
                                .setQuestionnaire("https://ehr.test.example.org/fhir/Questionnaire/local-screen")
                                .setStatus(org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED))),
                        422, e -> e.endsWith(".questionnaire")),
                new BadInput("a code the shared CodeSystem does not define", "application/fhir+json",
                        () -> codedBundle(b -> b.condition(new org.hl7.fhir.r4.model.CodeableConcept(
                                new org.hl7.fhir.r4.model.Coding(FhirSystems.HT_ALLEGATION, "sextortion", null)), "provisional")),
                        422, e -> e.endsWith(".code.coding[0].code")),
                new BadInput("an XML external entity", "application/fhir+xml", IntakeHttpTest::xxeBundle, 400, "Bundle"::equals));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputIsRefusedNamingTheElementAndQuarantined(BadInput bad) throws Exception {
        String body = bad.body().get();
        HttpResponse<String> response = post("/$process-message", bad.contentType(), body);

        assertEquals(bad.status(), response.statusCode(), response.body());
        assertFalse(response.body().contains("root:"), "nothing read from the server's files");
        OperationOutcome outcome = (OperationOutcome) parse(response);
        OperationOutcomeIssueComponent first = outcome.getIssueFirstRep();
        assertEquals(IssueSeverity.ERROR, first.getSeverity());
        assertTrue(first.hasExpression(), "the first issue names the failing element");
        String element = first.getExpression().get(0).getValue();
        assertTrue(bad.element().test(element), element);

        Rejection rejection = quarantined(outcome);
        assertEquals(bad.status(), rejection.httpStatus());
        assertEquals(element, rejection.element());
        assertEquals(body, rejection.raw(), "the raw payload is kept for inspection");
        assertFalse(rejection.truncated());
    }

    /** The quarantine row the OperationOutcome names. */
    static Rejection quarantined(OperationOutcome outcome) {
        String id = outcome.getIssue().stream().map(OperationOutcomeIssueComponent::getDiagnostics)
                .map(QUARANTINE_ID::matcher).filter(Matcher::find).map(m -> m.group(1)).findFirst()
                .orElseThrow(() -> new AssertionError("no quarantine id in " + FHIR.newJsonParser().encodeResourceToString(outcome)));
        return intake.store.rejections(1000).stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no intake_rejection row " + id));
    }

    @Test
    void oversizedPayloadIs413AndKeptTruncated() throws Exception {
        String sample = Samples.json(Samples.fresh("t76-52xa-suspected.json"));
        String body = sample.substring(0, sample.length() - 1) + " ".repeat(MAX_PAYLOAD) + "}";
        HttpResponse<String> response = post("/$process-message", "application/fhir+json", body);

        assertEquals(413, response.statusCode());
        OperationOutcome outcome = (OperationOutcome) parse(response);
        assertLabelledSensitive("413 OperationOutcome", outcome);
        Rejection rejection = quarantined(outcome);
        assertEquals(413, rejection.httpStatus());
        assertTrue(rejection.truncated());
        assertEquals(body.substring(0, MAX_PAYLOAD), rejection.raw(), "cut at the size limit");
        assertEquals(List.of(), intake.everythingQueued());
    }

    @Test
    void bodyWithoutContentLengthIs411() throws Exception {
        byte[] sample = Samples.json(Samples.fresh("t76-52xa-suspected.json")).getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(intake.base + "/$process-message"))
                .header("Content-Type", "application/fhir+json").header("Authorization", "Bearer " + TestTokens.HOSPITAL_A)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(sample))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(411, response.statusCode());
        assertNotNull(quarantined((OperationOutcome) parse(response)));
    }

    @Test
    void xmlExternalEntityInATransactionIsRefusedWithoutReadingTheFile() throws Exception {
        String xml = Samples.xml(asTransaction(Samples.fresh("t76-52xa-suspected.json")));
        String body = "<!DOCTYPE Bundle [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                + xml.replace("<family value=\"Sampleton\"", "<family value=\"&xxe;\"");
        HttpResponse<String> response = post("", "application/fhir+xml", body);
        assertEquals(400, response.statusCode(), response.body());
        assertFalse(response.body().contains("root:"));
        assertNotNull(quarantined((OperationOutcome) parse(response)));
        assertEquals(List.of(), intake.everythingQueued());
    }

    @Test
    void malformedTransactionNamesTheFailingElement() throws Exception {
        HttpResponse<String> response = post("", "application/fhir+json", "{\"resourceType\": \"Bundle\", \"type\": \"transaction\", ");
        assertEquals(400, response.statusCode());
        OperationOutcome outcome = (OperationOutcome) parse(response);
        assertTrue(outcome.getIssueFirstRep().hasExpression(), "the first issue names the failing element");
        assertEquals("Bundle", outcome.getIssueFirstRep().getExpression().get(0).getValue());
    }

    @Test
    void refusalWithALongContentTypeIsStillA400AndQuarantined() throws Exception {
        String contentType = "application/fhir+json; charset=UTF-8; profile=\"http://example.org/" + "x".repeat(120) + "\"";
        HttpResponse<String> response = post("/$process-message", contentType, "{");
        assertEquals(400, response.statusCode());
        assertFalse(response.body().contains("SQL"), "no internals in the answer");
        OperationOutcome outcome = (OperationOutcome) parse(response);
        assertLabelledSensitive("400 OperationOutcome", outcome);
        assertEquals("{", quarantined(outcome).raw());
    }

    // ------------------------------------------------------------------ errors echo no input

    /** What the seeds of the fuzz test use too: a value that must never come back in an answer or a stored reason. */
    static final String MARKER = IntakeFuzzTest.MARKER;

    static Stream<BadInput> echoedNowhere() {
        String sample = Samples.json(Samples.fresh("t76-52xa-suspected.json"));
        return Stream.of(
                new BadInput("an invalid birth date (HAPI would quote it)", "application/fhir+json",
                        () -> sample.replace("\"birthDate\":\"", "\"birthDate\":\"" + MARKER + "-"), 400, "birthDate"::equals),
                new BadInput("an invalid birth date in XML", "application/fhir+xml",
                        () -> Samples.xml(Samples.fresh("t76-52xa-suspected.json")).replaceFirst("<birthDate value=\"", "<birthDate value=\"" + MARKER),
                        400, "birthDate"::equals),
                new BadInput("an unknown resource type", "application/fhir+json",
                        () -> "{\"resourceType\":\"" + MARKER + "Bundle\",\"type\":\"message\"}", 400, "Bundle"::equals),
                new BadInput("a JSON syntax error next to a name", "application/fhir+json",
                        () -> sample.replaceFirst("\"family\":\"([^\"]*)\"", "\"family\":\"" + MARKER + "\" x"), 400, "Bundle"::equals),
                new BadInput("the same key twice", "application/fhir+json",
                        () -> sample.replaceFirst("\"birthDate\":", "\"birthDate\":\"" + MARKER + "\",\"birthDate\":"), 400, "Bundle"::equals),
                new BadInput("nesting deeper than the limit", "application/fhir+json",
                        () -> "{\"resourceType\":\"Bundle\",\"x\":" + "[".repeat(BundleParser.MAX_DEPTH + 1) + "\"" + MARKER + "\""
                                + "]".repeat(BundleParser.MAX_DEPTH + 1) + "}", 400, "Bundle"::equals),
                new BadInput("an array longer than the limit", "application/fhir+json",
                        () -> sample.replaceFirst("\"given\":\\[", "\"given\":[" + ("\"" + MARKER + "\",").repeat(BundleParser.MAX_ARRAY_ENTRIES)),
                        400, e -> e.startsWith("Bundle.entry[") && e.contains(".given")),
                new BadInput("an unknown code system", "application/fhir+json",
                        () -> sample.replace("http://hl7.org/fhir/sid/icd-10-cm", "urn:" + MARKER), 422, e -> e.endsWith(".system")),
                new BadInput("an unknown shared code", "application/fhir+json",
                        () -> codedBundle(b -> b.condition(new org.hl7.fhir.r4.model.CodeableConcept(
                                new org.hl7.fhir.r4.model.Coding(FhirSystems.HT_ALLEGATION, MARKER, null)), "provisional")),
                        422, e -> e.endsWith(".code")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("echoedNowhere")
    void aRefusalNamesTheElementAndTheRuleButNeverAValue(BadInput bad) throws Exception {
        HttpResponse<String> response = post("/$process-message", bad.contentType(), bad.body().get());

        assertEquals(bad.status(), response.statusCode(), response.body());
        assertFalse(response.body().contains(MARKER), "the answer quotes the input: " + response.body());
        OperationOutcome outcome = (OperationOutcome) parse(response);
        String element = outcome.getIssueFirstRep().getExpression().get(0).getValue();
        assertTrue(bad.element().test(element), element);
        Rejection rejection = quarantined(outcome);
        assertFalse(String.valueOf(rejection.reason()).contains(MARKER), "the stored reason quotes the input: " + rejection.reason());
        assertEquals(element, rejection.element());
    }

    @Test
    void aTransactionWithAnInvalidValueIsRefusedWithoutQuotingIt() throws Exception {
        String json = Samples.json(asTransaction(Samples.fresh("t76-52xa-suspected.json")))
                .replace("\"birthDate\":\"", "\"birthDate\":\"" + MARKER);
        HttpResponse<String> response = post("", "application/fhir+json", json);
        assertEquals(400, response.statusCode(), response.body());
        assertFalse(response.body().contains(MARKER), response.body());
        assertFalse(String.valueOf(quarantined((OperationOutcome) parse(response)).reason()).contains(MARKER));
    }

    /** HAPI's own refusals (an unknown resource type, a content type it does not take) quote the request: ours do not. */
    @Test
    void hapisOwnRefusalsAreAnsweredWithTheirCodeOnly() throws Exception {
        HttpResponse<String> unknownType = get("/" + MARKER + "Resource/1", "application/fhir+json");
        assertEquals(404, unknownType.statusCode(), unknownType.body());
        assertFalse(unknownType.body().contains(MARKER), unknownType.body());
        assertTrue(unknownType.body().contains("HAPI-"), "the HAPI message code stays, for the operator: " + unknownType.body());

        HttpResponse<String> wrongType = post("", "text/" + MARKER.toLowerCase(java.util.Locale.ROOT),
                Samples.json(asTransaction(Samples.fresh("t76-52xa-suspected.json"))));
        assertTrue(wrongType.statusCode() >= 400 && wrongType.statusCode() < 500, wrongType.statusCode() + " " + wrongType.body());
        assertFalse(wrongType.body().toLowerCase(java.util.Locale.ROOT).contains(MARKER.toLowerCase(java.util.Locale.ROOT)), wrongType.body());
    }

    // ------------------------------------------------------------------ no personal data in logs

    static final List<String> PERSONAL = List.of("Quillbramble", "Ottoline", "2011-02-03", "4471 Wrenfeather Close",
            "Pemberlyn", "77991", "Vantablackwood", "Ermintrude", "1987-04-29", "9 Obsidian Quay", "Harrowgate Flats", "60998");

    static Bundle withPersonalData(String file, String family, String given, String birthDate, String line, String city, String zip) {
        Bundle bundle = Samples.fresh(file);
        Patient patient = patient(bundle);
        patient.getName().clear();
        patient.addName(new HumanName().setFamily(family).addGiven(given));
        patient.setBirthDateElement(new DateType(birthDate));
        patient.getAddressFirstRep().getLine().clear();
        patient.getAddressFirstRep().addLine(line).setCity(city).setPostalCode(zip);
        return bundle;
    }

    @Test
    void logsNameNoPersonalData() throws Exception {
        Bundle child = withPersonalData("t76-52xa-suspected.json", "Quillbramble", "Ottoline", "2011-02-03",
                "4471 Wrenfeather Close", "Pemberlyn", "77991");
        Bundle adult = withPersonalData("t76-52xa-suspected.json", "Vantablackwood", "Ermintrude", "1987-04-29",
                "9 Obsidian Quay", "Harrowgate Flats", "60998");
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<Integer> statuses = new ArrayList<>();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            statuses.add(post("/$process-message", "application/fhir+json", Samples.json(child)).statusCode());
            statuses.add(post("/$process-message", "application/fhir+json", Samples.json(adult)).statusCode());
            statuses.add(post("/$process-message", "application/fhir+xml", Samples.xml(adult)).statusCode());
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertEquals(List.of(202, 422, 422), statuses);
        for (String personal : PERSONAL) {
            assertFalse(log.contains(personal), "the log contains '" + personal + "':\n" + log);
        }
        assertTrue(log.contains("accepted"), log);
        assertTrue(log.contains("intake rejection"), log);
    }

    // POST /fhir is parsed by HAPI itself: an invalid value must be refused, not logged with its content
    @Test
    void transactionWithAnInvalidValueLogsNoPersonalData() throws Exception {
        String json = Samples.json(asTransaction(withPersonalData("t76-52xa-suspected.json", "Vantablackwood", "Ermintrude",
                "2011-02-03", "9 Obsidian Quay", "Harrowgate Flats", "60998")))
                .replace("\"2011-02-03\"", "\"Vantablackwood-1987-04-29\"");
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int status;
        try {
            status = post("", "application/fhir+json", json).statusCode();
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertEquals(400, status);
        assertTrue(log.contains("intake rejection"), log);
        for (String personal : PERSONAL) {
            assertFalse(log.contains(personal), "the log contains '" + personal + "':\n" + log);
        }
    }

    // ------------------------------------------------------------------ Task read

    @Test
    void unknownTaskIs404WithAnOperationOutcome() throws Exception {
        HttpResponse<String> response = get("/Task/unknown", "application/fhir+json");
        assertEquals(404, response.statusCode());
        assertTrue(parse(response) instanceof OperationOutcome);
        assertThrows(ResourceNotFoundException.class, () -> task("unknown"));
    }
}
