package org.safeharbor.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Jurisdiction;

/**
 * The law-enforcement-only trigger reads the reason a state bundle records (Texas does not know this bundle): the
 * shipped default must be the beginning of the reason Texas writes when it sends the report to law enforcement only,
 * and of no other Texas reason. Read from Texas' source, so a reworded reason fails here, not silently in production.
 */
class LawEnforcementOnlyTest {

    private static final Path TEXAS = Path.of(System.getProperty("basedir", "."))
            .resolve("../jurisdiction-us-tx/src/main/java/org/safeharbor/jurisdiction/us/tx/TexasDelivery.java").normalize();

    @Test
    void theDefaultIsTheBeginningOfTexasLawEnforcementOnlyReasonAndOfNoOther() throws Exception {
        String[] defaults = (String[]) ServicesReferralService.Config.class.getMethod("lawEnforcementOnly").getDefaultValue();
        Map<Jurisdiction, String> parsed = ServicesReferralService.lawEnforcementOnly(defaults);
        String prefix = parsed.get(Jurisdiction.of("US-TX"));
        assertEquals("Texas law enforcement notified:", prefix);

        String texas = Files.readString(TEXAS);
        assertEquals(1, texas.split(java.util.regex.Pattern.quote("\"" + prefix), -1).length - 1,
                "Texas writes the law-enforcement-only reason once, beginning with the default: " + TEXAS);
        assertTrue(texas.contains("\"Texas CPS intake:") && texas.contains("\"Texas law enforcement and CPS intake:"),
                "the other two Texas reasons begin otherwise");
    }
}
