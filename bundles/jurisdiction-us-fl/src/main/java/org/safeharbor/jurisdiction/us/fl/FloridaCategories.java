package org.safeharbor.jurisdiction.us.fl;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.CaregiverStatus;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.jurisdiction.support.v1.StateConceptMap;
import org.safeharbor.jurisdiction.us.fl.layout.AllegationRecord;

/**
 * Florida DCF's three trafficking categories and which one an allegation falls in.
 *
 * <p>Source (docs/domain.md, Florida): "DCF tracks trafficking in three categories: sexual exploitation by a
 * non-caregiver, sexual exploitation by a parent/guardian/caregiver, and labor trafficking. F.S. 409.1754
 * (screening), Rule 65C-43.002. Code values: <em>unconfirmed</em>." The categories are public; their code values
 * are not, so each is configuration. The defaults {@code SXN}, {@code SXC} and {@code LAB} are PLACEHOLDERS of this
 * project, never official DCF values.
 *
 * <p>Which category an allegation falls in is this bundle's ConceptMap ({@value #CONCEPT_MAP}, applied as it is through
 * the kit's {@link StateConceptMap}): its targets are the CodeSystem's placeholders, each replaced by its configured
 * code. Who counts as a caregiver is Florida's call, made there per relation (not by the shared default):
 * <ul>
 *   <li>parent, step-or-foster-parent, other-caregiver: caregiver (DCF's "parent/guardian/caregiver");</li>
 *   <li>non-family: non-caregiver;</li>
 *   <li>other-family-member, multiple, unknown: the hospital's record does not establish that this person is
 *       responsible for the child's care (the shared code's caregiver default for them is "undetermined", and
 *       ICD-10-CM gives a suspected case no perpetrator code at all). By default they go to the NON-CAREGIVER
 *       category: filing them as "by a parent/guardian/caregiver" would assert an unestablished fact about a
 *       family member (do no further harm, IOM/NRC 2013), while the child is reported as a victim of sexual
 *       exploitation either way and the relation travels in its own field, so DCF can re-classify.
 *       {@code undeterminedAsCaregiver} flips this if DCF wants them the other way: the one departure from the map.</li>
 * </ul>
 * A caregiver's failure to protect (role {@code failure-to-protect}) is always the caregiver category: only a
 * person responsible for the child can fail to protect it.
 *
 * @param sexualNonCaregiver      code of "sexual exploitation by a non-caregiver" (placeholder {@code SXN})
 * @param sexualCaregiver         code of "sexual exploitation by a parent/guardian/caregiver" (placeholder {@code SXC})
 * @param labor                   code of "labor trafficking" (placeholder {@code LAB})
 * @param undeterminedAsCaregiver whether other-family-member, multiple and unknown count as caregivers
 */
public record FloridaCategories(String sexualNonCaregiver, String sexualCaregiver, String labor,
                                boolean undeterminedAsCaregiver) {

    private static final Pattern CODE = Pattern.compile("[A-Z0-9]{1,8}");

    /** The project's placeholders: NOT official DCF code values (docs/domain.md marks them unconfirmed). */
    public static final FloridaCategories PLACEHOLDERS = new FloridaCategories("SXN", "SXC", "LAB", false);

    /** The shared code to DCF's categories (the placeholders), published and applied as it is. */
    static final String CONCEPT_MAP = "fhir/ConceptMap-ht-allegation-to-us-fl.json";
    private static final StateConceptMap MAP = StateConceptMap.load(FloridaCategories.class, CONCEPT_MAP);
    /** The relations the hospital's record does not establish as caregivers (see the class comment). */
    private static final Set<PerpetratorRelation> UNDETERMINED = EnumSet.of(PerpetratorRelation.OTHER_FAMILY_MEMBER,
            PerpetratorRelation.MULTIPLE, PerpetratorRelation.UNKNOWN);

    static {
        if (!MAP.codes(AllegationType.class).equals(Set.of(PLACEHOLDERS.sexualNonCaregiver, PLACEHOLDERS.sexualCaregiver, PLACEHOLDERS.labor))) {
            throw new IllegalStateException(CONCEPT_MAP + ": its targets are not DCF's three categories " + PLACEHOLDERS);
        }
    }

    public FloridaCategories {
        for (String code : new String[] {sexualNonCaregiver, sexualCaregiver, labor}) {
            if (code == null || !CODE.matcher(code).matches()) {
                throw new IllegalArgumentException("a Florida category code is 1 to 8 of A-Z, 0-9: " + code);
            }
        }
        if (Set.of(sexualNonCaregiver, sexualCaregiver, labor).size() != 3) {
            throw new IllegalArgumentException("the three Florida category codes must differ");
        }
        if (Set.of(sexualNonCaregiver, sexualCaregiver, labor).contains(AllegationRecord.SIGNAL_RULE)) {
            // a child in care's risk signal is never filed under a DCF category (42 U.S.C. 671(a)(34): not an allegation)
            throw new IllegalArgumentException("a Florida category code may not be the risk-signal record's rule " + AllegationRecord.SIGNAL_RULE);
        }
    }

    /** The three codes (and the undetermined-relation setting) as the configuration gives them. */
    static FloridaCategories of(FloridaConfig config) {
        return new FloridaCategories(config.categorySexualNonCaregiver(), config.categorySexualCaregiver(), config.categoryLabor(),
                config.undeterminedRelationAsCaregiver());
    }

    /**
     * The category code this allegation, as it is sent (its caregiver role after {@link #caregiverStatus}), is filed
     * under.
     *
     * @throws IllegalArgumentException for an allegation the map leaves unmatched (not one Florida receives)
     */
    public String categoryOf(Allegation allegation) {
        String placeholder = MAP.translate(allegation).orElseThrow(() -> new IllegalArgumentException(
                "not an allegation Florida receives: " + allegation.certainty().code())).of(AllegationType.class);
        if (undeterminedAsCaregiver && UNDETERMINED.contains(allegation.perpetrator()) && placeholder.equals(PLACEHOLDERS.sexualNonCaregiver)) {
            placeholder = PLACEHOLDERS.sexualCaregiver;
        }
        return Map.of(PLACEHOLDERS.sexualNonCaregiver, sexualNonCaregiver, PLACEHOLDERS.sexualCaregiver, sexualCaregiver,
                PLACEHOLDERS.labor, labor).get(placeholder);
    }

    /**
     * Florida's reading of a relation as a caregiver status, which the caregiver role written for it follows
     * ({@link CaregiverRole#of}): parent, step-or-foster-parent and other-caregiver are caregivers, non-family is
     * not; other-family-member and multiple are caregivers only with {@code undeterminedAsCaregiver}, undetermined
     * otherwise; an unknown perpetrator stays undetermined even then (the category may be filed as the caregiver
     * one, but nobody known is said to have acted as a caregiver). An undetermined or non-caregiver perpetrator's
     * role is {@code not-applicable} unless the hospital said the person failed to protect the child.
     */
    public CaregiverStatus caregiverStatus(PerpetratorRelation relation) {
        return switch (relation) {
            case PARENT, STEP_OR_FOSTER_PARENT, OTHER_CAREGIVER -> CaregiverStatus.CAREGIVER;
            case NON_FAMILY -> CaregiverStatus.NON_CAREGIVER;
            case OTHER_FAMILY_MEMBER, MULTIPLE -> undeterminedAsCaregiver ? CaregiverStatus.CAREGIVER : CaregiverStatus.UNDETERMINED;
            case UNKNOWN -> CaregiverStatus.UNDETERMINED;
        };
    }

    /** True when the code is one of the three. */
    public boolean isKnown(String code) {
        return sexualNonCaregiver.equals(code) || sexualCaregiver.equals(code) || labor.equals(code);
    }
}
