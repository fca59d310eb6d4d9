package org.safeharbor.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.PrivilegedAction;
import java.util.Optional;

import javax.security.auth.Subject;

import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.junit.jupiter.api.Test;
import org.safeharbor.store.AuditEntry;
import org.safeharbor.store.AuditVerification;

/** Who the shell says is at the console, and what harbor:audit-verify says. */
class ShellTest {

    @Test
    @SuppressWarnings("removal") // Subject.doAs: how Karaf runs a command as the user who logged in
    void theOperatorIsTheAuthenticatedJaasUserNotAVariable() {
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal("alice"));
        subject.getPrincipals().add(new RolePrincipal("operator"));
        Optional<String> user = Subject.doAs(subject, (PrivilegedAction<Optional<String>>) Shell::user);
        assertEquals(Optional.of("alice"), user);
        AuditEntry.Actor actor = Subject.doAs(subject, (PrivilegedAction<AuditEntry.Actor>) Shell::operator);
        assertEquals(AuditEntry.Actor.Type.OPERATOR, actor.type());
        assertEquals("alice", actor.id());

        assertEquals(Optional.empty(), Shell.user(), "no subject: no user, whatever USER says");
        assertEquals("unauthenticated", Shell.operator().id());
    }

    @Test
    void theVerificationReportNamesTheFirstBrokenRecord() {
        String broken = AuditVerifyCommand.report(new AuditVerification(false, 2, 1, 5, "ab", 3L, "row 3's content does not match its hash (edited)"));
        assertTrue(broken.startsWith("AUDIT TRAIL BROKEN at record 3: row 3's content"), broken);
        String intact = AuditVerifyCommand.report(new AuditVerification(true, 5, 1, 5, "ab12", null, null));
        assertEquals("Audit trail intact: 5 record(s), 1 to 5; newest hash ab12", intact);
    }

    @Test
    void theRotationReportGivesTheKeysAndCountsAndWhatIsLeft() {
        java.util.Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        counts.put("referral", 3);
        counts.put("delivery_attempt", 4);
        String done = RotateKeyCommand.report(new org.safeharbor.store.MessageStore.KeyRotated("k2", "k1", counts, 0, 2, 0));
        assertTrue(done.startsWith("Key k2 is current (was k1): 7 stored row(s) encrypted again in 2 batch(es)"), done);
        assertTrue(done.contains("delivery_attempt  4"), done);
        assertTrue(done.contains("Back up the key store"), done);
        String partial = RotateKeyCommand.report(new org.safeharbor.store.MessageStore.KeyRotated("k2", "k2", counts, 1, 1, 2));
        assertTrue(partial.startsWith("Key k2 stays current"), partial);
        assertTrue(partial.contains("1 value(s) do not decrypt"), partial);
        assertTrue(partial.contains("2 row(s) written during the rotation are still under an older key: run harbor:rotate-key --resume"), partial);
    }
}
