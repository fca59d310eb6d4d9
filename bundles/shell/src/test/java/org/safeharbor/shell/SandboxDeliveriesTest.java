package org.safeharbor.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxDeliveriesTest {

    @Test
    void listsEveryDeliveryOldestFirstAndReadsOneByReferralId(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("US-IL"));
        Files.createDirectories(root.resolve("US-TX/law-enforcement"));
        Path il = Files.writeString(root.resolve("US-IL/r-1.xml"), "<report/>");
        Files.createDirectories(root.resolve("US-FL-sftp/processed"));
        Files.writeString(root.resolve("US-FL-sftp/processed/batch.dat"), "a peer's own server file, not a delivery");
        Path tx = Files.writeString(root.resolve("US-TX/law-enforcement/r-2.xml"), "<notice/>");
        Files.setLastModifiedTime(il, FileTime.from(Instant.parse("2026-11-21T10:00:00Z")));
        Files.setLastModifiedTime(tx, FileTime.from(Instant.parse("2026-11-21T09:00:00Z")));

        SandboxDeliveries sandbox = new SandboxDeliveries(root);
        assertEquals(List.of("US-TX", "US-IL"), sandbox.list(null).stream().map(SandboxDeliveries.Delivery::jurisdiction).toList());
        assertEquals(List.of("r-1.xml"), sandbox.list("us-il").stream().map(SandboxDeliveries.Delivery::file).toList());
        assertEquals("<notice/>", sandbox.read("US-TX", "r-2").orElseThrow());
        assertTrue(sandbox.read("US-IL", "r-9").isEmpty());
    }

    @Test
    void noSandboxFolderMeansNoDeliveries(@TempDir Path root) {
        assertTrue(new SandboxDeliveries(root.resolve("missing")).list(null).isEmpty());
    }
}
