package org.safeharbor.mappings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A child is the victim of commercial sexual exploitation, never its actor (IOM/NRC 2013, Box 1: "exploiting a
 * minor through prostitution"; docs/domain.md, "Forms of CSEC"). No code, display, schema, document or source
 * shipped in the repository calls the child's exploitation "prostitution" as if the child acted, nor the child a
 * prostitute or sex worker (issue 12).
 *
 * <p>Allowed: the word "prostitution" right after "through" (the code {@code exploitation-through-prostitution},
 * the guide's "exploiting a minor through prostitution"), and on a line that documents the former code, which is
 * still read from stored referrals and never written. Tests and the conformance kit are not scanned: they must
 * name the former code and the forbidden words to prove that they are read, refused or never written.
 */
class VictimWordingTest {

    private static final Pattern ACTOR_WORDS = Pattern.compile("(?i)prostitut\\w*|sex[ -]?workers?");
    private static final Pattern THE_GUIDES_WORDING = Pattern.compile("(?i)through[ _-]prostitution");
    private static final Pattern FORMER_CODE = Pattern.compile("(?i)former[ _]codes?");

    /** What the line says that makes the child the actor of its exploitation; empty if nothing. */
    static List<String> actorWords(String line) {
        List<String> found = new ArrayList<>();
        if (FORMER_CODE.matcher(line).find()) {
            return found;
        }
        Matcher word = ACTOR_WORDS.matcher(line);
        while (word.find()) {
            boolean guide = false;
            Matcher allowed = THE_GUIDES_WORDING.matcher(line);
            while (allowed.find()) {
                guide |= allowed.end() == word.end() && allowed.start() < word.start();
            }
            if (!guide) {
                found.add(word.group());
            }
        }
        return found;
    }

    @Test
    void noShippedTextCallsTheChildsExploitationProstitution() {
        List<String> offending = new ArrayList<>();
        for (RepositoryText.Line line : RepositoryText.lines(path -> !path.contains("/src/test/") && !path.startsWith("bundles/tck/"))) {
            List<String> words = actorWords(line.text());
            if (!words.isEmpty()) {
                offending.add(words + " at " + line);
            }
        }
        assertTrue(offending.isEmpty(), "wording that makes the child the actor:\n" + String.join("\n", offending));
    }

    /** Lines as they stood before the rename: each must be caught. */
    @ParameterizedTest
    @ValueSource(strings = {
        "              \"code\": \"prostitution\",",
        "              \"display\": \"Prostitution of a minor\",",
        "      <xs:enumeration value=\"prostitution\"/>",
        "    PROSTITUTION(\"prostitution\", SEX_TRAFFICKING),",
        "- **type**: `sex-trafficking` with its CSEC forms (`prostitution`, `survival-sex`, `pornography`,",
        "          \"enum\": [\"sex-trafficking\", \"prostitution\", \"survival-sex\"],",
        "a child prostitute", "juvenile prostitution", "a child sex worker",
    })
    void theOldWordsAreCaught(String line) {
        assertFalse(actorWords(line).isEmpty(), line);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "              \"code\": \"exploitation-through-prostitution\",",
        "    EXPLOITATION_THROUGH_PROSTITUTION(\"exploitation-through-prostitution\", SEX_TRAFFICKING),",
        "Commercial sexual exploitation of a minor through prostitution (Box 1: \"exploiting a minor through prostitution\")",
        "    private static final Map<String, AllegationType> FORMER_CODES = Map.of(\"prostitution\", EXPLOITATION_THROUGH_PROSTITUTION);",
    })
    void theGuidesWordingAndTheDocumentedFormerCodePass(String line) {
        assertEquals(List.of(), actorWords(line), line);
    }

    @Test
    void aGoodWordElsewhereOnTheLineDoesNotExcuseABadOne() {
        assertEquals(List.of("prostitution"), actorWords("exploitation-through-prostitution, formerly prostitution"));
    }
}
