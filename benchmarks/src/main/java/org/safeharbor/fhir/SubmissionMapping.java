package org.safeharbor.fhir;

import java.time.Clock;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Bundle;
import org.safeharbor.api.v1.Referral;

/**
 * The intake's own parse and map, exactly as {@code IntakeProvider.processMessage} runs them before
 * storing: {@link BundleParser#parse} (HAPI JSON parse with the intake's strict error handler) then
 * {@link SubmissionReader#read} (the ConceptMaps, the rules, the canonical {@link Referral}). Lives in
 * the intake's package only because those classes are package-private; it copies nothing.
 */
public final class SubmissionMapping {

    private final BundleParser parser;
    private final SubmissionReader reader;

    /** As {@code FhirEndpoint} builds them: the cached R4 context and the packaged ConceptMaps. */
    public SubmissionMapping(Clock clock) {
        FhirContext fhir = FhirContext.forR4Cached();
        this.parser = new BundleParser(fhir);
        this.reader = new SubmissionReader(AllegationMaps.load(fhir), clock);
    }

    /** {@code POST /fhir/$process-message} with {@code application/fhir+json}, up to the canonical referral. */
    public Referral map(byte[] raw) {
        Bundle bundle = parser.parse(raw, "application/fhir+json");
        return reader.read(bundle, true, raw).referral();
    }

    /** Only the intake's parse (no mapping), to split the cost of {@link #map}. */
    public Bundle parse(byte[] raw) {
        return parser.parse(raw, "application/fhir+json");
    }
}
