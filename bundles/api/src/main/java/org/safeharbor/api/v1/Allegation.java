package org.safeharbor.api.v1;

import java.util.List;
import java.util.Objects;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One allegation in the shared code: its four dimensions plus the evidence it was derived from.
 * The child is always the victim; the perpetrator dimension describes someone else.
 *
 * @param type          what the child is alleged to be a victim of
 * @param certainty     at-risk, suspected, confirmed, ruled-out or historical
 * @param perpetrator   the alleged perpetrator's relation to the child
 * @param caregiverRole act or failure to protect where the perpetrator is a caregiver, not-applicable otherwise
 *                      (see {@link CaregiverRole#of})
 * @param evidence      the original records this allegation was derived from
 */
@ProviderType
public record Allegation(AllegationType type, Certainty certainty, PerpetratorRelation perpetrator,
                         CaregiverRole caregiverRole, List<EvidenceReference> evidence) {

    public Allegation {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(certainty, "certainty");
        perpetrator = perpetrator == null ? PerpetratorRelation.UNKNOWN : perpetrator;
        caregiverRole = caregiverRole == null ? CaregiverRole.NOT_APPLICABLE : caregiverRole;
        evidence = evidence == null ? List.of() : List.copyOf(evidence);
    }

    /** An allegation of the given type and certainty with unknown perpetrator and no evidence. */
    public static Allegation of(AllegationType type, Certainty certainty) {
        return new Allegation(type, certainty, PerpetratorRelation.UNKNOWN, CaregiverRole.NOT_APPLICABLE, List.of());
    }

    /**
     * This allegation with its caregiver role following the given caregiver status of its perpetrator
     * ({@link CaregiverRole#of}): a jurisdiction passes its own reading of {@link #perpetrator()}.
     */
    public Allegation withCaregiverStatus(CaregiverStatus status) {
        CaregiverRole role = CaregiverRole.of(status, caregiverRole);
        return role == caregiverRole ? this : new Allegation(type, certainty, perpetrator, role, evidence);
    }

    /** True where this is an allegation of abuse a state may be told of (suspected or confirmed). */
    public boolean isReportable() {
        return certainty.isAllegation();
    }
}
