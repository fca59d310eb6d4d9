package org.safeharbor.shell;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReportSource;
import org.safeharbor.store.Delivery;
import org.safeharbor.store.StoredReferral;

/**
 * The NCANDS-style export (README "Federal and aggregate data"): one record per report-child pair, a referral's
 * delivery to one state whose status gives an NCANDS disposition, in the Child File subset that applies, with the
 * codes of ConceptMap/ht-allegation-to-ncands (NcandsExportTest checks this class against the map row by row).
 *
 * <p>The form is the delimited one: comma-separated, a header of the codebook's short names, in the record layout's
 * order. Not the fixed-width submission record: the layout's column positions after the report date were not available
 * to the project (docs/domain.md, NCANDS), and named columns cannot be misread by position; the values keep the
 * layout's types and widths (report and child ids alphanumeric, 12 at most; dates mmddyyyy).
 *
 * <p>No personal data: the report and child ids are pseudonyms made for this export only (R/C and a number), never the
 * referral's id, and nothing links them back; the child's age in years, never the birth date.
 */
final class NcandsExport {

    /** The Child File fields written, by their codebook short names, in the record layout's order. */
    static final List<String> FIELDS = List.of("SUBYR", "STATERR", "RPTID", "CHID", "RPTDT", "RPTSRC", "RPTDISP", "CHAGE", "CHSEX",
            "CHMAL1", "MAL1LEV", "CHMAL2", "MAL2LEV", "CHMAL3", "MAL3LEV", "CHMAL4", "MAL4LEV");

    private static final DateTimeFormatter MMDDYYYY = DateTimeFormatter.ofPattern("MMddyyyy", Locale.ROOT);

    private NcandsExport() {
    }

    /** The written file and what it holds. */
    record Result(String text, int records, int referralsRead, Map<String, Integer> byMaltreatmentType) {
    }

    /** NCANDS maltreatment type (ChMal) of an allegation type: sex trafficking and its forms 7, labor trafficking 8 other. */
    static String maltreatmentType(AllegationType type) {
        return type.isSexual() ? "7" : "8";
    }

    /**
     * NCANDS maltreatment disposition level (MalLev, also the report's RptDisp) of a delivery status, where one follows:
     * a report the state took up has a finding the adapter never learns (99 unknown); any other status has none.
     */
    static Optional<String> dispositionLevel(DeliveryStatus status) {
        return status == DeliveryStatus.SCREENED_IN || status == DeliveryStatus.INVESTIGATION_OPENED ? Optional.of("99") : Optional.empty();
    }

    /** RptSrc: medical personnel (2) for a hospital, legal, law enforcement or criminal justice personnel (4) for the police. */
    static String reportSource(ReportSource source) {
        return source == ReportSource.LAW_ENFORCEMENT ? "4" : "2";
    }

    /** ChSex: 1 male, 2 female, 9 unknown. */
    static String sex(org.safeharbor.api.v1.Sex sex) {
        return switch (sex) {
            case MALE -> "1";
            case FEMALE -> "2";
            default -> "9";
        };
    }

    /** The federal fiscal year (October to September) a day falls in: SubYr. */
    static int federalFiscalYear(LocalDate day) {
        return day.getMonthValue() >= 10 ? day.getYear() + 1 : day.getYear();
    }

    /** The export of these referrals, for submission year {@code subyr}. */
    static Result write(List<StoredReferral> referrals, int subyr) {
        StringBuilder out = new StringBuilder(String.join(",", FIELDS)).append("\r\n");
        Map<String, Integer> byType = new TreeMap<>();
        int records = 0;
        int children = 0;
        for (StoredReferral stored : referrals) {
            Referral referral = stored.referral();
            Set<String> types = new LinkedHashSet<>();
            referral.allegations().stream().filter(Allegation::isReportable).forEach(a -> types.add(maltreatmentType(a.type())));
            List<Delivery> reports = stored.deliveries().stream().filter(d -> dispositionLevel(d.status()).isPresent()).toList();
            if (types.isEmpty() || reports.isEmpty()) {
                continue;
            }
            String childId = String.format(Locale.ROOT, "C%011d", ++children);
            LocalDate reported = referral.receivedAt().atZone(ZoneOffset.UTC).toLocalDate();
            for (Delivery report : reports) {
                String level = dispositionLevel(report.status()).orElseThrow();
                List<String> row = new ArrayList<>(List.of(Integer.toString(subyr), report.jurisdiction().code().substring(3),
                        String.format(Locale.ROOT, "R%011d", ++records), childId, MMDDYYYY.format(reported), reportSource(referral.source()),
                        level, Integer.toString(referral.child().ageOn(reported)), sex(referral.child().sex())));
                List<String> mals = List.copyOf(types);
                for (int i = 0; i < 4; i++) {
                    row.add(i < mals.size() ? mals.get(i) : "");
                    row.add(i < mals.size() ? level : "");
                }
                types.forEach(t -> byType.merge(t, 1, Integer::sum));
                out.append(String.join(",", row)).append("\r\n");
            }
        }
        return new Result(out.toString(), records, referrals.size(), byType);
    }
}
