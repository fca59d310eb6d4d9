package org.safeharbor.jurisdiction.support.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Bindy's fixed-length format line by line, outside a route: each line read on its own, a bad one refused alone. */
class FixedWidthTest {

    private static final FixedWidth FIXED_WIDTH = new FixedWidth("kit-test-fixed-width");

    @AfterAll
    static void close() {
        FIXED_WIDTH.close();
    }

    @Test
    void recordsAreWrittenOneLineEachWithTheRecordsLineEnd() {
        String text = FIXED_WIDTH.write(List.of(ColumnsRecord.of("a"), ColumnsRecord.of("b")));
        assertEquals(2 * (168 + 2), text.length());
        assertTrue(text.endsWith("\r\n"));
        String line = FIXED_WIDTH.writeLine(ColumnsRecord.of("a"));
        assertEquals(168, line.length(), "without its line end");
        assertEquals("R" + " ".repeat(19) + "a" + "20260102030405", line.substring(0, 35), "Bindy's padding: text right-aligned");
        assertEquals("", FIXED_WIDTH.write(List.of()));
    }

    @Test
    void eachLineIsReadOnItsOwnSoOneBadLineCanBeRefusedAlone() {
        String good = FIXED_WIDTH.writeLine(ColumnsRecord.of("good"));
        List<String> read = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (String line : FixedWidth.lines(good + "\r\n" + good.substring(0, 100) + "\n\n" + good.replace("20120102", "2012-13-") + "\r\n" + good)) {
            try {
                read.add(FIXED_WIDTH.readLine(ColumnsRecord.class, line).referralId());
            } catch (IllegalArgumentException e) {
                refused.add(line.substring(0, 1));
            }
        }
        assertEquals(List.of("good", "good"), read, "LF or CRLF ends, empty lines skipped");
        assertEquals(2, refused.size(), "a short line and a bad date");
        assertThrows(IllegalArgumentException.class, () -> FIXED_WIDTH.readLines(ColumnsRecord.class, good + "\r\n" + good.substring(1)),
                "readLines: the first bad line throws");
        assertThrows(IllegalArgumentException.class, () -> FIXED_WIDTH.readLine(ColumnsRecord.class, good + "\r\n" + good), "one line only");
        assertThrows(IllegalArgumentException.class, () -> FIXED_WIDTH.readLine(ColumnsRecord.class, ""));
        assertEquals(List.of(), FixedWidth.lines(null));
    }

    @Test
    void textLosesItsControlCharactersAndBlankIsAbsent() {
        assertEquals("a  b\tc".replace('\t', ' '), FixedWidth.text(" a\r\nb\tc "));
        assertNull(FixedWidth.text(" \n "));
        assertNull(FixedWidth.text(null));
    }
}
