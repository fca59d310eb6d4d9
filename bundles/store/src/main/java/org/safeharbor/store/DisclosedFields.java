package org.safeharbor.store;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.safeharbor.api.v1.ReferralId;

/**
 * The names of the fields a payload discloses, for the audit trail: never their values. A JSON payload's key paths
 * ({@code child.address.state}, {@code allegations[].type}), an XML payload's element paths that carry text or
 * attributes ({@code Envelope/Body/Report/Child/BirthDate}); for any other payload (e.g. Florida's fixed-width
 * record) the key paths of the canonical referral it was made from, marked as such.
 */
final class DisclosedFields {

    /** At most this many names are recorded; the rest is counted. */
    static final int MAX = 200;
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The JDK's own StAX, made once: {@code XMLInputFactory.newFactory()} looks its implementation up through the
     * service loader, which in OSGi scans the bundles' jars on every call (7% of a delivery's CPU, BENCHMARKS.md "A
     * delivery's audit record"). Configured here and never changed after, as SchemaXml's and BundleParser's are.
     */
    private static final XMLInputFactory XML_INPUT = xmlInput();

    private DisclosedFields() {
    }

    /** Adds the fields, the payload's format and size to a disclosure or notice entry. */
    static AuditEntry.Builder describe(AuditEntry.Builder entry, Db db, ReferralId referralId, String payload) {
        String trimmed = payload == null ? "" : payload.stripLeading();
        List<String> fields = null;
        String format = "text";
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            fields = json(trimmed);
            format = "json";
        } else if (trimmed.startsWith("<")) {
            fields = xml(trimmed);
            format = "xml";
        }
        if (fields == null) {
            List<String> canonical = db.jdbc.query("SELECT key_id, canonical_json FROM referral WHERE id = ?",
                    (rs, n) -> db.cipher.open(rs.getString(1), rs.getString(2), FieldCipher.Column.REFERRAL_CANONICAL, referralId.value()),
                    referralId.value());
            fields = canonical.isEmpty() ? List.of() : json(canonical.get(0));
            entry.detail("fields-from", "the canonical referral the payload was made from (the payload is " + format + ")");
        }
        if (fields == null) {
            fields = List.of();
        }
        if (fields.size() > MAX) {
            entry.detail("fields-not-listed", fields.size() - MAX);
            fields = fields.subList(0, MAX);
        }
        return entry.fields(fields).detail("payload-format", format).detail("payload-chars", payload == null ? 0 : payload.length());
    }

    /** The key paths of a JSON document's values (arrays as {@code []}), in document order; null if it is not JSON. */
    static List<String> json(String text) {
        try {
            Set<String> paths = new LinkedHashSet<>();
            walk(JSON.readTree(text), "", paths);
            return new ArrayList<>(paths);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private static void walk(JsonNode node, String path, Set<String> paths) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                walk(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey(), paths);
            }
        } else if (node.isArray()) {
            node.forEach(element -> walk(element, path + "[]", paths));
        } else if (!node.isNull() && !path.isEmpty()) {
            paths.add(path);
        }
    }

    /** The paths of an XML document's elements that carry text, and of their attributes; null if it is not XML. */
    static List<String> xml(String text) {
        Set<String> paths = new LinkedHashSet<>();
        Deque<String> stack = new ArrayDeque<>();
        try {
            XMLStreamReader reader = XML_INPUT.createXMLStreamReader(new StringReader(text));
            try {
                while (reader.hasNext()) {
                    switch (reader.next()) {
                        case XMLStreamConstants.START_ELEMENT -> {
                            stack.addLast(reader.getLocalName());
                            for (int i = 0; i < reader.getAttributeCount(); i++) {
                                paths.add(String.join("/", stack) + "@" + reader.getAttributeLocalName(i));
                            }
                        }
                        case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> {
                            if (!reader.isWhiteSpace() && !reader.getText().isBlank() && !stack.isEmpty()) {
                                paths.add(String.join("/", stack));
                            }
                        }
                        case XMLStreamConstants.END_ELEMENT -> stack.pollLast();
                        default -> {
                        }
                    }
                }
            } finally {
                reader.close();
            }
        } catch (XMLStreamException | RuntimeException e) {
            return null;
        }
        return new ArrayList<>(paths);
    }

    /** No DTD, no external entities: a payload's names are read, nothing it points to. */
    private static XMLInputFactory xmlInput() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        return factory;
    }
}
