package org.safeharbor.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.safeharbor.jurisdiction.us.il.sandbox.IllinoisIntakePeer.Delivery;

/**
 * The exactly-once-in-effect check shared by the crash and production-profile tests, over what the
 * hospital was answered and what the state peer received.
 */
final class DeliveryCheck {

    /** What a run counted. */
    record Counts(int submitted, int accepted, int resentSubmissions, int resends, int deliveredUnique,
                  int deliveries, int duplicateDeliveries, int announcedDuplicates, String answers) {

        String line(String label) {
            return label + ": submitted=" + submitted + " accepted(202)=" + accepted + " resent=" + resentSubmissions
                    + " (resends=" + resends + ") delivered-unique=" + deliveredUnique + " deliveries=" + deliveries
                    + " duplicate-deliveries=" + duplicateDeliveries + " announced-duplicates=" + announcedDuplicates
                    + " | answers " + answers;
        }
    }

    private DeliveryCheck() {
    }

    /** Problems by kind: each kind once, with its count and a few examples. */
    private static final class Problems {
        private final Map<String, List<String>> byKind = new java.util.LinkedHashMap<>();

        void add(String kind, String example) {
            byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(example);
        }

        boolean isEmpty() {
            return byKind.isEmpty();
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder();
            byKind.forEach((kind, examples) -> text.append("  ").append(examples.size()).append(" x ").append(kind)
                    .append(", e.g. ").append(examples.subList(0, Math.min(5, examples.size()))).append('\n'));
            return text.toString();
        }
    }

    /**
     * Asserts: every submission was answered 202 (no refusal); one referral per submission (every resend
     * named the same Task, and no two submissions share one); every accepted referral was delivered to the
     * state; the state saw no referral we did not accept; and every second or later delivery of a referral
     * was announced as a redelivery (its attempt number greater than the first delivery's).
     */
    static Counts verify(Hospital hospital, StatePeer peer, Set<String> missingAfterWait) {
        List<Hospital.Submission> submissions = hospital.submissions();
        Problems problems = new Problems();

        Map<String, Integer> taskOwner = new HashMap<>();
        int accepted = 0;
        for (Hospital.Submission s : submissions) {
            if (s.refusal != null) {
                problems.add("refused", "submission " + s.messageId + ": " + s.refusal);
            } else if (!s.accepted()) {
                problems.add("never answered 202", "submission " + s.messageId + " after " + s.sends.get() + " sends");
            } else {
                accepted++;
            }
            if (s.taskIds.size() > 1) {
                problems.add("one submission, several referrals", "submission " + s.messageId + ": " + s.taskIds);
            }
            for (String id : s.taskIds) {
                Integer other = taskOwner.put(id, s.sequence);
                if (other != null && other != s.sequence) {
                    problems.add("two submissions, one referral", "submissions " + other + " and " + s.sequence + " share Task " + id);
                }
            }
        }
        Set<String> acceptedIds = hospital.acceptedIds();

        Map<String, List<Delivery>> byReferral = peer.byReferral();
        for (String id : missingAfterWait) {
            problems.add("accepted (202) but never delivered to the state", id);
        }
        for (String id : byReferral.keySet()) {
            if (!acceptedIds.contains(id)) {
                problems.add("delivered to the state but named by no 202", id);
            }
        }
        int duplicates = 0;
        int announced = 0;
        for (Map.Entry<String, List<Delivery>> group : byReferral.entrySet()) {
            List<Delivery> deliveries = group.getValue();
            int first = StatePeer.attempt(deliveries.get(0));
            Set<String> intakeNumbers = new HashSet<>();
            for (Delivery d : deliveries) {
                intakeNumbers.add(d.intakeNumber());
            }
            for (Delivery later : deliveries.subList(1, deliveries.size())) {
                duplicates++;
                if (StatePeer.attempt(later) > first) {
                    announced++;
                } else {
                    problems.add("duplicate delivery not announced (attempt not above the first delivery's)",
                            group.getKey() + " attempts " + deliveries.stream().map(StatePeer::attempt).toList());
                }
            }
            if (intakeNumbers.size() != 1) {
                problems.add("several intake numbers for one referral", group.getKey() + ": " + intakeNumbers);
            }
        }
        Counts counts = new Counts(submissions.size(), accepted, hospital.resentSubmissions(), hospital.resends(),
                byReferral.size(), peer.deliveries().size(), duplicates, announced, hospital.answers());
        if (!problems.isEmpty()) {
            throw new AssertionError(counts.line("counts") + "\n" + problems);
        }
        assertTrue(accepted > 0, "nothing was accepted");
        assertEquals(accepted, byReferral.size(), "referrals delivered");
        return counts;
    }
}
