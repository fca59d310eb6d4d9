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
 */
@ProviderType
public record Referral(ReferralId id, Child child, Organization placeOfCare, Reporter reporter,
                       Instant receivedAt, Instant occurredAt, List<Allegation> allegations) {

    public Referral {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(child, "child");
        Objects.requireNonNull(receivedAt, "receivedAt");
        allegations = allegations == null ? List.of() : List.copyOf(allegations);
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
        return "Referral[id=" + id + ", jurisdictions=" + jurisdictions() + ", allegations="
                + allegations.stream().map(a -> a.type().code() + "/" + a.certainty().code()).toList() + "]";
    }
}
