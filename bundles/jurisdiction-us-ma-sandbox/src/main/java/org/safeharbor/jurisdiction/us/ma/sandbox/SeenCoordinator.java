package org.safeharbor.jurisdiction.us.ma.sandbox;

import java.util.List;
import java.util.regex.Pattern;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.safeharbor.jurisdiction.support.v1.PlatformClassLoader;

/**
 * The sandbox's stand-in for a Massachusetts SEEN coordinator (the Commonwealth's multidisciplinary response to
 * commercially sexually exploited children, coordinated by the children's advocacy centers): the receiver of the
 * adapter's coordination notices, {@code POST} {@value #PATH}. A notice is read with HAPI's strict parser and must be a
 * {@code Communication} of the project's {@code coordination-notice} category with a referral id, the state's intake
 * number and a contact among its payload strings; it must carry no Patient data (no subject, no contained Patient)
 * unless the sandbox is told to accept it ({@link #acceptPatientData}), as a team whose agreement names a lawful basis would.
 */
final class SeenCoordinator {

    /** Where the coordinator receives notices: the FHIR base {@value #BASE} plus {@code /Communication}. */
    static final String BASE = "/seen/fhir";
    static final String PATH = BASE + "/Communication";
    /** The file suffix of a received notice: {@code <referralId>.seen.json}. */
    static final String SUFFIX = ".seen.json";
    private static final String CATEGORY = "coordination-notice";
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");

    /** A notice the coordinator accepted. */
    record Notice(String referralId, String intakeNumber) {
    }

    private final FhirContext fhir;
    private volatile boolean acceptPatientData;

    SeenCoordinator() {
        try {
            fhir = PlatformClassLoader.call(FhirContext::forR4);
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a FHIR context: " + e.getClass().getSimpleName(), e);
        }
    }

    /** Whether the coordinator accepts a notice with Patient data (default: no). */
    void acceptPatientData(boolean value) {
        acceptPatientData = value;
    }

    /**
     * Reads a notice; refuses it with a reason naming the rule (never a value) when it is not one.
     *
     * @throws IllegalArgumentException with the reason
     */
    Notice read(String body) {
        Communication notice;
        try {
            IParser parser = fhir.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
            notice = parser.parseResource(Communication.class, body);
        } catch (DataFormatException | ClassCastException e) {
            throw new IllegalArgumentException("not a FHIR R4 Communication");
        }
        if (notice.getStatus() != Communication.CommunicationStatus.COMPLETED) {
            throw new IllegalArgumentException("status is not completed");
        }
        if (notice.getCategory().stream().flatMap(c -> c.getCoding().stream()).noneMatch(c -> CATEGORY.equals(c.getCode()))) {
            throw new IllegalArgumentException("category is not " + CATEGORY);
        }
        String referralId = notice.getIdentifierFirstRep().getValue();
        if (referralId == null || !SAFE_ID.matcher(referralId).matches()) {
            throw new IllegalArgumentException("identifier: no referral id");
        }
        List<String> strings = notice.getPayload().stream().filter(p -> p.getContent() instanceof StringType)
                .map(p -> p.getContentStringType().getValue()).toList();
        String intakeNumber = strings.stream().filter(s -> s.startsWith("State intake number: ")).findFirst()
                .map(s -> s.substring("State intake number: ".length())).orElse(null);
        if (intakeNumber == null || intakeNumber.isBlank()) {
            throw new IllegalArgumentException("payload: no state intake number");
        }
        if (strings.stream().noneMatch(s -> s.startsWith("Contact: ") && s.length() > "Contact: ".length())) {
            throw new IllegalArgumentException("payload: no contact");
        }
        boolean patientData = notice.hasSubject() || notice.getContained().stream().anyMatch(Patient.class::isInstance);
        if (patientData && !acceptPatientData) {
            throw new IllegalArgumentException("carries Patient data, which this coordinator's agreement does not allow");
        }
        if (patientData && !notice.hasReasonCode()) {
            throw new IllegalArgumentException("carries Patient data without its lawful basis (reasonCode)");
        }
        return new Notice(referralId, intakeNumber);
    }
}
