package org.safeharbor.api.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class CodesAndDeadlinesTest {

    @Test
    void everyEnumRoundTripsThroughItsSharedCode() {
        for (AllegationType t : AllegationType.values()) {
            assertEquals(t, AllegationType.fromCode(t.code()));
        }
        for (Certainty c : Certainty.values()) {
            assertEquals(c, Certainty.fromCode(c.code()));
        }
        for (PerpetratorRelation p : PerpetratorRelation.values()) {
            assertEquals(p, PerpetratorRelation.fromCode(p.code()));
        }
        for (CaregiverRole r : CaregiverRole.values()) {
            assertEquals(r, CaregiverRole.fromCode(r.code()));
        }
        assertThrows(IllegalArgumentException.class, () -> Certainty.fromCode("offender"));
    }

    @Test
    void jurisdictionCodesAreIso3166Subdivisions() {
        assertEquals("US-IL", Jurisdiction.of(" us-il ").code());
        assertEquals("referrals.US-TX", Jurisdiction.usState("TX").queueName());
        assertThrows(IllegalArgumentException.class, () -> Jurisdiction.of("Illinois"));
        assertEquals(List.of(), new Address(null, null, null, null, "US").jurisdiction().stream().toList());
        assertEquals("US-MA", new Address(null, "Boston", "MA", null, "USA").jurisdiction().orElseThrow().code());
    }

    @Test
    void deadlineRunsFromItsStart() {
        DeadlineRule rule = new DeadlineRule("us-il-investigation", "begin investigation", Duration.ofHours(24), "325 ILCS 5/7.4");
        Instant received = Instant.parse("2026-11-21T10:00:00Z");
        Deadline d = rule.startingAt(received);
        assertEquals(Instant.parse("2026-11-22T10:00:00Z"), d.due());
        assertEquals(0.5, d.fractionElapsed(received.plus(Duration.ofHours(12))), 1e-9);
        assertFalse(d.isBreachedAt(d.due()));
        assertTrue(d.isBreachedAt(d.due().plusSeconds(1)));
        assertEquals(Duration.ofSeconds(5), rule.withLength(Duration.ofSeconds(5)).length());
        assertThrows(IllegalArgumentException.class, () -> rule.withLength(Duration.ZERO));
    }

    @Test
    void adapterTakesReferralsForItsJurisdictionAndStartsItsClocks() {
        JurisdictionAdapter illinois = new JurisdictionAdapter() {
            public Jurisdiction jurisdiction() { return Jurisdiction.of("US-IL"); }
            public String displayName() { return "Illinois"; }
            public StateFormat format() { throw new UnsupportedOperationException("not needed here"); }
            public List<DeadlineRule> deadlineRules() {
                return List.of(new DeadlineRule("us-il-investigation", "begin investigation", Duration.ofHours(24), "325 ILCS 5/7.4"));
            }
        };
        Address il = new Address(null, "Chicago", "IL", null, "US");
        Address mo = new Address(null, "St. Louis", "MO", null, "US");
        assertTrue(illinois.takes(ReferralTest.referral(il, mo)));
        assertTrue(illinois.takes(ReferralTest.referral(mo, il)));
        assertFalse(illinois.takes(ReferralTest.referral(mo, mo)));
        Referral r = ReferralTest.referral(il, il);
        assertEquals(r.receivedAt().plus(Duration.ofHours(24)), illinois.deadlinesFor(r).get(0).due());
    }
}
