package org.safeharbor.jurisdiction.support.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.core.StreamReadConstraints;
import org.junit.jupiter.api.Test;

/** A JSON state's DTOs read strictly, refusals naming the path and never a value. */
class StrictJsonTest {

    record Row(@JsonRequired String code, String note) {
    }

    record Doc(@JsonRequired String id, @JsonRequired Instant at, List<Row> rows) {
    }

    private static final StrictJson JSON = new StrictJson(StreamReadConstraints.builder().maxNestingDepth(8).build());

    @Test
    void writesIsoDatesWithoutNullsAndReadsItBack() {
        Doc doc = new Doc("d-1", Instant.parse("2026-11-21T10:15:30Z"), List.of(new Row("a", null)));
        String json = JSON.write(doc);
        assertEquals("{\"id\":\"d-1\",\"at\":\"2026-11-21T10:15:30Z\",\"rows\":[{\"code\":\"a\"}]}", json);
        assertEquals(doc, JSON.read(json, Doc.class));
    }

    @Test
    void refusesWhatTheSchemaWouldNamingThePathNeverTheValue() {
        for (String bad : List.of("{\"id\":\"Jane Doe\",\"at\":\"2026-11-21T10:15:30Z\",\"rows\":[{\"code\":null}]}",
                "{\"id\":\"Jane Doe\",\"at\":\"2026-11-21T10:15:30Z\",\"rows\":[{\"code\":\"a\",\"extra\":\"Jane Doe\"}]}",
                "{\"id\":\"Jane Doe\",\"id\":\"Jane Doe\",\"at\":\"2026-11-21T10:15:30Z\"}",
                "{\"id\":\"Jane Doe\",\"at\":\"2026-11-21T10:15:30Z\"} {}",
                "{\"at\":\"2026-11-21T10:15:30Z\"}")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JSON.read(bad, Doc.class), bad);
            assertTrue(e.getMessage().startsWith("not a valid Doc: "), e.getMessage());
            assertFalse(e.getMessage().contains("Jane"), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> JSON.read(
                "{\"id\":\"x\",\"at\":\"2026-11-21T10:15:30Z\",\"rows\":[{\"code\":null}]}", Doc.class)).getMessage().endsWith("at $.rows[0].code"));
        assertThrows(IllegalArgumentException.class, () -> JSON.tree("{\"a\":"));
        assertThrows(IllegalArgumentException.class, () -> JSON.tree("[[[[[[[[[[]]]]]]]]]]"), "nesting past the state's bound");
    }
}
