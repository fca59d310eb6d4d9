package org.safeharbor.jurisdiction.us.fl;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralField;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StateFormat;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.jurisdiction.support.v1.ChildInCare;
import org.safeharbor.jurisdiction.support.v1.FixedWidth;
import org.safeharbor.jurisdiction.support.v1.ReferralColumns;
import org.safeharbor.jurisdiction.us.fl.layout.AllegationRecord;
import org.safeharbor.jurisdiction.us.fl.layout.BatchHeaderRecord;
import org.safeharbor.jurisdiction.us.fl.layout.StatusCode;
import org.safeharbor.jurisdiction.us.fl.layout.StatusRecord;

/**
 * Florida's wire format: a referral's detail records ({@link AllegationRecord}, {@code D}, one fixed-width line per
 * allegation, Camel Bindy), and the state's status lines read back ({@link #statuses}). In a batch file they stand between {@link BatchHeaderRecord} and the trailer.
 *
 * <p>REFERENCE DESIGN: Florida DCF publishes no intake interface (docs/domain.md), so the layout is the
 * project's own on a real transport (SFTP). The codes are public: DCF's three trafficking categories (F.S.
 * 409.1754, Rule 65C-43.002; code values unconfirmed, hence configured, see {@link FloridaCategories}) and the
 * shared allegation code's four dimensions, carried as they are so that nothing is lost.
 *
 * <p>Only suspected and confirmed allegations are written (a risk signal is not an allegation of abuse; ruled-out
 * and historical findings are never current allegations: IOM/NRC 2013, ICD-10-CM coding guidelines). Florida has
 * no public rule in docs/domain.md for receiving at-risk signals from a hospital screen, so none are sent, and every type
 * is received (the CSEC forms are DCF's two sexual categories, labor is labor): the SPI's defaults for
 * {@code atRiskRule()} and {@code unsupportedTypes()}. The referral's own fields are the record's columns
 * ({@link ReferralColumns}). A child in DCF's care (foster care or its supervision) is another matter: P.L. 113-183 has
 * DCF identify and document such a child at risk of sex trafficking (42 U.S.C. 671(a)(34)), so that child's at-risk
 * signal is written under {@link #childInCareAtRiskRule()} (the kit's {@link ChildInCare#RULE}) as a risk-signal record
 * {@code R} ({@link AllegationRecord#SIGNAL_TYPE}: the form and the rule, no DCF category, no certainty).
 */
public final class FloridaFormat implements StateFormat, AutoCloseable {

    /** Media type of a batch file and of a referral's records. */
    public static final String MEDIA_TYPE = "text/plain; charset=UTF-8; profile=\"safeharbor-us-fl-batch-"
            + BatchHeaderRecord.LAYOUT_VERSION + "\"";

    /** Referral ids the layout carries: 64 characters that are also safe as a file name. */
    public static final Pattern REFERRAL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** Most allegation and risk-signal records one referral may have (two digits in the layout). */
    public static final int MAX_ALLEGATIONS = 99;

    /**
     * The minimum DCF needs to screen a report, and why each is needed:
     * <ul>
     *   <li>REFERRAL_ID: de-duplicates redeliveries and ties the acknowledgement to the referral;</li>
     *   <li>RECEIVED_AT: the report's date and time, from which the state's screening runs;</li>
     *   <li>CHILD_NAME, CHILD_BIRTH_DATE, CHILD_SEX: to identify the child (the victim) and find prior records;</li>
     *   <li>CHILD_STREET_ADDRESS, CHILD_CITY, CHILD_STATE: where the child lives, for the response and the
     *       jurisdiction (residence is one of the two routing facts);</li>
     *   <li>PLACE_OF_CARE_NAME, PLACE_OF_CARE_ADDRESS: where the child is now, for an immediate response;</li>
     *   <li>REPORTER_NAME, REPORTER_ROLE, REPORTER_PHONE: the mandated reporter the hotline calls back;</li>
     *   <li>ALLEGATIONS: the allegation itself, as DCF category plus the shared dimensions.</li>
     * </ul>
     * Not sent: OCCURRED_AT (the hotline asks the reporter), PLACE_OF_CARE_IDENTIFIER (name and address locate
     * the facility), EVIDENCE (references into the hospital's record are of no use outside it; DCF asks the
     * reporter for records).
     */
    private static final Set<ReferralField> DISCLOSED = EnumSet.of(
            ReferralField.REFERRAL_ID, ReferralField.RECEIVED_AT,
            ReferralField.CHILD_NAME, ReferralField.CHILD_BIRTH_DATE, ReferralField.CHILD_SEX,
            ReferralField.CHILD_STREET_ADDRESS, ReferralField.CHILD_CITY, ReferralField.CHILD_STATE,
            ReferralField.PLACE_OF_CARE_NAME, ReferralField.PLACE_OF_CARE_ADDRESS,
            ReferralField.REPORTER_NAME, ReferralField.REPORTER_ROLE, ReferralField.REPORTER_PHONE,
            ReferralField.ALLEGATIONS);

    private final FloridaCategories categories;
    private final FixedWidth fixedWidth;

    public FloridaFormat(FloridaCategories categories) {
        this.categories = Objects.requireNonNull(categories, "categories");
        this.fixedWidth = new FixedWidth("safeharbor-us-fl-bindy");
    }

    public FloridaCategories categories() {
        return categories;
    }

    /** The Bindy reader/writer this format uses, for the batch envelope. */
    FixedWidth fixedWidth() {
        return fixedWidth;
    }

    @Override
    public String mediaType() {
        return MEDIA_TYPE;
    }

    @Override
    public Set<ReferralField> disclosedFields() {
        return Set.copyOf(DISCLOSED);
    }

    /**
     * The allegations Florida receives from this referral: suspected or confirmed, each distinct one once, with the
     * caregiver role following Florida's reading of the perpetrator ({@link FloridaCategories#caregiverStatus}).
     */
    public List<Allegation> sentAllegations(Referral referral) {
        Set<List<Object>> seen = new LinkedHashSet<>();
        List<Allegation> sent = new ArrayList<>();
        for (Allegation stated : referral.allegations()) {
            Allegation a = stated.withCaregiverStatus(categories.caregiverStatus(stated.perpetrator()));
            if (a.isReportable() && seen.add(List.of(a.type(), a.certainty(), a.perpetrator(), a.caregiverRole()))) {
                sent.add(a);
            }
        }
        return sent;
    }

    /** A child in DCF's care's at-risk signals, each form once: where the child-in-care rule sends them ({@link ChildInCare}). */
    public List<AllegationType> riskSignals(Referral referral) {
        return ChildInCare.allegationsWritten(this, referral).stream().filter(a -> a.certainty() == Certainty.AT_RISK)
                .map(Allegation::type).distinct().toList();
    }

    /** DCF receives a child in its care's at-risk signal (42 U.S.C. 671(a)(34)): an {@code R} record, never an allegation. */
    @Override
    public Optional<String> childInCareAtRiskRule() {
        return Optional.of(ChildInCare.RULE);
    }

    @Override
    public Optional<String> write(Referral referral) {
        List<Allegation> sent = sentAllegations(referral);
        List<AllegationType> signals = riskSignals(referral);
        if (sent.isEmpty() && signals.isEmpty()) {
            return Optional.empty();
        }
        String id = referral.id().value();
        if (!REFERRAL_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("referral id does not fit the Florida layout (64 of A-Z a-z 0-9 . _ -)");
        }
        int count = sent.size() + signals.size();
        if (count > MAX_ALLEGATIONS) {
            throw new IllegalArgumentException("more than " + MAX_ALLEGATIONS + " allegations and risk signals in one referral");
        }
        List<AllegationRecord> records = new ArrayList<>();
        sent.forEach(allegation -> records.add(record(referral, allegation)));
        signals.forEach(form -> records.add(signal(referral, form)));
        for (int i = 0; i < count; i++) {
            records.get(i).setAllegationSeq(i + 1);
            records.get(i).setAllegationCount(count);
        }
        return Optional.of(fixedWidth.write(records));
    }

    private AllegationRecord record(Referral referral, Allegation allegation) {
        AllegationRecord r = ReferralColumns.write(referral, new AllegationRecord());
        r.setDcfCategory(categories.categoryOf(allegation));
        r.setAllegationType(allegation.type().code());
        r.setCertainty(allegation.certainty().code());
        r.setPerpetratorRelation(allegation.perpetrator().code());
        r.setCaregiverRole(allegation.caregiverRole().code());
        return r;
    }

    /** A child in care's at-risk signal: record {@code R}, the rule in the category column, the form; no certainty. */
    private static AllegationRecord signal(Referral referral, AllegationType form) {
        AllegationRecord r = ReferralColumns.write(referral, new AllegationRecord());
        r.setRecordType(AllegationRecord.SIGNAL_TYPE);
        r.setDcfCategory(AllegationRecord.SIGNAL_RULE);
        r.setAllegationType(form.code());
        return r;
    }

    @Override
    public Referral read(String payload) {
        List<AllegationRecord> records = fixedWidth.readLines(AllegationRecord.class, payload);
        if (records.isEmpty()) {
            throw new IllegalArgumentException("no Florida detail record");
        }
        return toReferral(records);
    }

    /** The canonical referral of one referral's detail records (only what they carry). */
    public Referral toReferral(List<AllegationRecord> records) {
        AllegationRecord first = records.get(0);
        for (AllegationRecord r : records) {
            if (!AllegationRecord.TYPE.equals(r.getRecordType()) && !r.isRiskSignal()) {
                throw new IllegalArgumentException("not a detail record: " + r.getRecordType());
            }
            if (!first.getReferralId().equals(r.getReferralId())) {
                throw new IllegalArgumentException("records of more than one referral");
            }
        }
        return ReferralColumns.read(first, records.stream().map(FloridaFormat::allegation).toList());
    }

    /**
     * The shared-code allegation a record carries, or for an {@code R} record the at-risk signal (the rule named, no
     * certainty, perpetrator or caregiver role); throws {@link IllegalArgumentException} for an unknown or missing code.
     */
    public static Allegation allegation(AllegationRecord r) {
        if (r.isRiskSignal()) {
            if (!AllegationRecord.SIGNAL_RULE.equals(r.getDcfCategory())
                    || !blank(r.getCertainty()) || !blank(r.getPerpetratorRelation()) || !blank(r.getCaregiverRole())) {
                throw new IllegalArgumentException("a risk-signal record names the rule " + AllegationRecord.SIGNAL_RULE
                        + " and no certainty, perpetrator or caregiver role");
            }
            return Allegation.of(AllegationType.fromCode(r.getAllegationType()), Certainty.AT_RISK);
        }
        return new Allegation(AllegationType.fromCode(r.getAllegationType()), Certainty.fromCode(r.getCertainty()),
                PerpetratorRelation.fromCode(r.getPerpetratorRelation()), CaregiverRole.fromCode(r.getCaregiverRole()),
                List.of());
    }

    /**
     * The status updates of an acknowledgement or status file the state leaves in the SFTP outbox ({@link StatusRecord}
     * lines), in line order.
     *
     * @throws IllegalArgumentException when a line does not match the layout (the whole file is refused: it stays on
     *                                  the server, and nothing of it is reported)
     */
    public List<StatusUpdate> statuses(String text) {
        List<StatusUpdate> updates = new ArrayList<>();
        for (StatusRecord record : fixedWidth.readLines(StatusRecord.class, text)) {
            StatusCode code = StatusCode.parse(record.getStatusCode());
            if (record.getReferralId() == null || record.getReferralId().isBlank() || record.getStatusAt() == null) {
                throw new IllegalArgumentException("a status line without a referral id or a time");
            }
            updates.add(new StatusUpdate(new ReferralId(record.getReferralId()), FloridaAdapter.FLORIDA, code.status(),
                    blankToNull(record.getIntakeNumber()), record.getStatusAt().toInstant(ZoneOffset.UTC), blankToNull(record.getReason())));
        }
        return updates;
    }

    private static String blankToNull(String s) {
        return blank(s) ? null : s;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    @Override
    public void close() {
        fixedWidth.close();
    }
}
