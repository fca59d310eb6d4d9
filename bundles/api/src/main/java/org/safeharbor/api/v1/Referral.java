package org.safeharbor.api.v1;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The canonical referral: what a hospital reported about one child, in the shared allegation code,
 * independent of any FHIR or state format.
 *
 * <p>{@link #toString()} shows only the id, the jurisdictions and the allegation codes, never
 * personal data, so a referral can be named in a log line.
 *
 * @param id           stable id, carried on every delivery
 * @param child        the child (the alleged victim)
 * @param placeOfCare  where the child was seen
 * @param reporter     the mandated reporter and facility
 * @param receivedAt   when the adapter accepted the report: statutory clocks start here
 * @param occurredAt   when the screening or finding was recorded at the hospital, if known
 * @param allegations  what was found, in the shared code
 * @param source       who reported: a hospital's screening report or a law-enforcement custody notice (1.6);
 *                     {@link ReportSource#HEALTH_CARE} when not given
 * @param careStatus   whether the child is known to be in the agency's care (1.6); {@link CareStatus#UNKNOWN}
 *                     when not given
 * @param servicesConsent whether the submission records consent to a referral to services (1.6): the trigger for
 *                     a services referral where the law requires consent; never sent to a state
 */
@ProviderType
public record Referral(ReferralId id, Child child, Organization placeOfCare, Reporter reporter,
                       Instant receivedAt, Instant occurredAt, List<Allegation> allegations,
                       ReportSource source, CareStatus careStatus, boolean servicesConsent) {

    public Referral {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(child, "child");
        Objects.requireNonNull(receivedAt, "receivedAt");
        allegations = allegations == null ? List.of() : List.copyOf(allegations);
        source = source == null ? ReportSource.HEALTH_CARE : source;
        careStatus = careStatus == null ? CareStatus.UNKNOWN : careStatus;
    }

    /** A hospital's report with the child's care status unknown and no consent to services recorded (1.0). */
    public Referral(ReferralId id, Child child, Organization placeOfCare, Reporter reporter,
                    Instant receivedAt, Instant occurredAt, List<Allegation> allegations) {
        this(id, child, placeOfCare, reporter, receivedAt, occurredAt, allegations,
                ReportSource.HEALTH_CARE, CareStatus.UNKNOWN, false);
    }

    /**
     * This referral with another id, child, place of care, reporter, finding time and allegations, keeping its
     * receipt time, source, care status and consent: what a replay through today's mappings produces (1.6).
     */
    public Referral readAgainAs(Referral fresh) {
        return new Referral(id, fresh.child, fresh.placeOfCare, fresh.reporter, receivedAt, fresh.occurredAt,
                fresh.allegations, fresh.source, fresh.careStatus, fresh.servicesConsent);
    }

    /** The original records every allegation was derived from. */
    public List<EvidenceReference> evidence() {
        return allegations.stream().flatMap(a -> a.evidence().stream()).distinct().toList();
    }

    /** The child's state of residence, if known. */
    public java.util.Optional<Jurisdiction> residenceJurisdiction() {
        return child.residence() == null ? java.util.Optional.empty() : child.residence().jurisdiction();
    }

    /** The state the child was seen in, if known. */
    public java.util.Optional<Jurisdiction> placeOfCareJurisdiction() {
        return placeOfCare == null || placeOfCare.address() == null
                ? java.util.Optional.empty() : placeOfCare.address().jurisdiction();
    }

    /** Both the residence and the place-of-care jurisdiction, residence first, without repeats. */
    public Set<Jurisdiction> jurisdictions() {
        Set<Jurisdiction> result = new LinkedHashSet<>();
        residenceJurisdiction().ifPresent(result::add);
        placeOfCareJurisdiction().ifPresent(result::add);
        return result;
    }

    /** True when at least one allegation is suspected or confirmed. */
    public boolean hasReportableAllegation() {
        return allegations.stream().anyMatch(Allegation::isReportable);
    }

    @Override
    public String toString() {
        return "Referral[id=" + id + ", source=" + source.code() + ", jurisdictions=" + jurisdictions() + ", allegations="
                + allegations.stream().map(a -> a.type().code() + "/" + a.certainty().code()).toList() + "]";
    }
}
