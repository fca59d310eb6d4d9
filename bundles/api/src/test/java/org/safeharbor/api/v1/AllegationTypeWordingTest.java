package org.safeharbor.api.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;

import org.junit.jupiter.api.Test;

/**
 * The child is the victim of its exploitation, never the actor (IOM/NRC 2013, Box 1: "exploiting a minor through
 * prostitution"; docs/domain.md, "Forms of CSEC"). Issue 12 renamed the code that said otherwise.
 */
class AllegationTypeWordingTest {

    @Test
    void noCodeOrNameCallsTheChildsExploitationProstitution() {
        for (AllegationType type : AllegationType.values()) {
            for (String word : new String[] {type.code(), type.name().toLowerCase(Locale.ROOT).replace('_', '-')}) {
                assertTrue(!word.contains("prostitut") || word.equals("exploitation-through-prostitution"),
                        type + ": '" + word + "' names the child as the actor");
            }
            assertNotEquals("prostitution", type.code(), "the former code is never written");
        }
        assertEquals("exploitation-through-prostitution", AllegationType.EXPLOITATION_THROUGH_PROSTITUTION.code());
        assertTrue(AllegationType.EXPLOITATION_THROUGH_PROSTITUTION.isSexual());
    }

    /** Referrals stored before the rename hold the former code: they still load, under the new one. */
    @Test
    void theFormerCodeIsReadAsTheNewOneAndOnlyRead() {
        AllegationType read = AllegationType.fromCode("prostitution");
        assertEquals(AllegationType.EXPLOITATION_THROUGH_PROSTITUTION, read);
        assertEquals("exploitation-through-prostitution", read.code(), "what is read is written under the new code");
        assertThrows(IllegalArgumentException.class, () -> AllegationType.fromCode("prostitute"));
        assertThrows(IllegalArgumentException.class, () -> AllegationType.fromCode("Prostitution"), "codes are case-sensitive");
        assertThrows(IllegalArgumentException.class, () -> AllegationType.fromCode(null));
    }
}
