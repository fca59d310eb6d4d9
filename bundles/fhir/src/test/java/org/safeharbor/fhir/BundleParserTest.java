package org.safeharbor.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The limits the intake puts on a body before HAPI reads it (HAPI's own JSON parser takes Jackson's defaults: 1,000
 * levels, 20 MB strings), each just inside and just outside, and the refusal naming the rule, never the value.
 */
class BundleParserTest {

    private static final BundleParser PARSER = new BundleParser(Samples.FHIR);
    private static final String SAMPLE = Samples.json(Samples.fresh("t76-52xa-suspected.json"));
    private static final String MARKER = IntakeFuzzTest.MARKER;

    private static InvalidRequestException refused(String body, String contentType) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> PARSER.parse(body.getBytes(StandardCharsets.UTF_8), contentType));
        assertFalse(e.getMessage().contains(MARKER), "quotes the input: " + e.getMessage());
        assertNotNull(Refusals.element(e), "names the element");
        return e;
    }

    private static String nested(int depth) {
        return "{\"resourceType\":\"Bundle\",\"type\":\"message\",\"x\":" + "[".repeat(depth - 1) + "\"" + MARKER + "\""
                + "]".repeat(depth - 1) + "}";
    }

    @Test
    void nestingIsLimited() {
        assertNotNull(PARSER.parse(nested(BundleParser.MAX_DEPTH).getBytes(StandardCharsets.UTF_8), "application/fhir+json"));
        assertTrue(refused(nested(BundleParser.MAX_DEPTH + 1), "application/fhir+json").getMessage().contains("nesting at most"));
        String xml = "<Bundle xmlns=\"http://hl7.org/fhir\">" + "<x>".repeat(BundleParser.MAX_DEPTH) + MARKER
                + "</x>".repeat(BundleParser.MAX_DEPTH) + "</Bundle>";
        assertTrue(refused(xml, "application/fhir+xml").getMessage().contains("nested at most"));
    }

    @Test
    void stringsAreLimited() {
        String atLimit = SAMPLE.replaceFirst("\"family\":\"[^\"]*\"", "\"family\":\"" + "x".repeat(BundleParser.MAX_STRING_LENGTH) + "\"");
        assertNotNull(PARSER.parse(atLimit.getBytes(StandardCharsets.UTF_8), "application/fhir+json"));
        String over = SAMPLE.replaceFirst("\"family\":\"[^\"]*\"", "\"family\":\"" + MARKER + "x".repeat(BundleParser.MAX_STRING_LENGTH) + "\"");
        assertTrue(refused(over, "application/fhir+json").getMessage().contains("strings of at most"));
        String xml = Samples.xml(Samples.bundle("t76-52xa-suspected.json"))
                .replaceFirst("<family value=\"[^\"]*\"", "<family value=\"" + MARKER + "x".repeat(BundleParser.MAX_STRING_LENGTH) + "\"");
        assertTrue(refused(xml, "application/fhir+xml").getMessage().contains("values of at most"));
    }

    @Test
    void numbersAreLimited() {
        String over = "{\"resourceType\":\"Bundle\",\"total\":" + "9".repeat(BundleParser.MAX_NUMBER_LENGTH + 1) + "}";
        assertTrue(refused(over, "application/fhir+json").getMessage().contains("digits"));
    }

    @Test
    void arraysAreLimitedAndTheRefusalNamesTheArray() {
        String over = SAMPLE.replaceFirst("\"given\":\\[", "\"given\":[" + "\"a\",".repeat(BundleParser.MAX_ARRAY_ENTRIES));
        InvalidRequestException e = refused(over, "application/fhir+json");
        assertTrue(Refusals.element(e).matches("Bundle\\.entry\\[\\d+]\\.resource\\.name\\[0]\\.given\\[\\d+]"), Refusals.element(e));
    }

    @Test
    void theSameKeyTwiceIsRefused() {
        String twice = SAMPLE.replaceFirst("\"birthDate\":", "\"birthDate\":\"" + MARKER + "\",\"birthDate\":");
        assertTrue(refused(twice, "application/fhir+json").getMessage().contains("the same key twice"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "\"Bundle\"", "{} {}", "{\"resourceType\":\"Bundle\"} x", "{\"resourceType\":\"Bundle\""})
    void whatIsNotOneJsonObjectIsRefused(String body) {
        assertEquals("Bundle", Refusals.element(refused(body, "application/fhir+json")));
    }

    @Test
    void anInvalidValueIsNamedByItsElementNotQuoted() {
        String bad = SAMPLE.replaceFirst("\"birthDate\":\"", "\"birthDate\":\"" + MARKER);
        assertEquals("birthDate", Refusals.element(refused(bad, "application/fhir+json")));
    }

    @Test
    void aKeyThatIsNoElementNameIsNotNamedBack() {
        String over = "{\"resourceType\":\"Bundle\",\"" + MARKER + "\":[" + "1,".repeat(BundleParser.MAX_ARRAY_ENTRIES) + "1]}";
        assertTrue(Refusals.element(refused(over, "application/fhir+json")).startsWith("Bundle.?["));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\u0000", "\\u001b[31m", "\\u202e", "\\u2066"})
    void controlAndBidirectionalOverrideCharactersInAStringAreRefused(String escaped) {
        String json = SAMPLE.replaceFirst("\"family\":\"", java.util.regex.Matcher.quoteReplacement("\"family\":\"" + MARKER + escaped));
        InvalidRequestException e = refused(json, "application/fhir+json");
        assertTrue(Refusals.element(e).endsWith(".family"), Refusals.element(e));
    }

    @Test
    void tabsLineBreaksAndRightToLeftScriptsAreFine() {
        String json = SAMPLE.replaceFirst("\"family\":\"", java.util.regex.Matcher.quoteReplacement("\"family\":\"\\u05db\\u05d4\\u05df\\t\\r\\n"));
        assertNotNull(PARSER.parse(json.getBytes(StandardCharsets.UTF_8), "application/fhir+json"));
    }

    @Test
    void aBodyDeclaredAsAnythingButFhirJsonOrXmlIs415() {
        var e = assertThrows(ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException.class,
                () -> PARSER.parse(SAMPLE.getBytes(StandardCharsets.UTF_8), "text/plain"));
        assertEquals(415, e.getStatusCode());
        assertNotNull(PARSER.parse(SAMPLE.getBytes(StandardCharsets.UTF_8), "application/json; charset=UTF-8"));
        assertNotNull(PARSER.parse(Samples.xml(Samples.bundle("t76-52xa-suspected.json")).getBytes(StandardCharsets.UTF_8), "text/xml"));
    }

    @Test
    void aBodyThatIsNotUtf8IsRefusedRatherThanReadWithReplacementCharacters() {
        byte[] utf8 = SAMPLE.getBytes(StandardCharsets.UTF_8);
        byte[] broken = java.util.Arrays.copyOf(utf8, utf8.length);
        int family = SAMPLE.indexOf("\"family\":\"") + "\"family\":\"".length();
        broken[family] = (byte) 0xC3;
        broken[family + 1] = (byte) 0x28;
        var e = assertThrows(InvalidRequestException.class, () -> PARSER.parse(broken, "application/fhir+json"));
        assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
    }
}
