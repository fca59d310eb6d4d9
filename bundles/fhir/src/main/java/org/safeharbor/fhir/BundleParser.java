package org.safeharbor.fhir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Parses a submission body with HAPI, after a streaming pass of its own that refuses what a screening report never
 * needs and a parser should never be made to hold: nesting deeper than {@value #MAX_DEPTH}, a string longer than
 * {@value #MAX_STRING_LENGTH} characters, a number longer than {@value #MAX_NUMBER_LENGTH} digits, an array of more
 * than {@value #MAX_ARRAY_ENTRIES} entries, a JSON object with the same key twice (which value would count?), a
 * string with a control character or a bidirectional override, and a DOCTYPE in XML (FHIR forbids one; refusing it
 * rules out external entities and entity expansion). HAPI's JSON parser cannot be given these limits: it holds its
 * own Jackson mapper with Jackson's defaults. A body declared as anything but FHIR JSON or XML is refused (415), and
 * one that is not valid UTF-8 (400).
 *
 * <p>Every way a body can be wrong becomes a 400 OperationOutcome that names the element and the rule broken, never
 * a value: HAPI's own messages quote what they could not read ({@code Invalid attribute value "..."}), which may be a
 * child's name or birth date, and the refusal is both answered and kept as the quarantine row's reason.
 */
final class BundleParser {

    /** A screening Bundle nests about 10 levels deep (entry, resource, code, coding...); a QuestionnaireResponse's items a few more. */
    static final int MAX_DEPTH = 64;
    /** The longest string taken (a narrative's XHTML is the longest a report has). */
    static final int MAX_STRING_LENGTH = 64 * 1024;
    /** The longest number taken, in characters: FHIR's decimals have at most 18 significant digits. */
    static final int MAX_NUMBER_LENGTH = 64;
    /** The longest JSON key or XML name taken: FHIR's element names are short. */
    static final int MAX_NAME_LENGTH = 256;
    /** The most entries of one array (or repeats of one XML element): a report has a few dozen resources. */
    static final int MAX_ARRAY_ENTRIES = 1_000;

    private static final JsonFactory LIMITED_JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).maxStringLength(MAX_STRING_LENGTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH).maxNameLength(MAX_NAME_LENGTH).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // Jackson's messages would otherwise quote the body
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private static final XMLInputFactory XML_INPUT = xmlInput();
    /** HAPI's message code, e.g. {@code HAPI-1684}: names the rule, never the value. */
    private static final Pattern HAPI_CODE = Pattern.compile("^(HAPI-\\d{4})");
    /**
     * A FHIR element name as named back ({@code birthDate}, {@code _birthDate}): a lower-case letter, then letters and
     * digits. Anything else a sender put where a name goes is shown as {@code ?}.
     */
    private static final Pattern ELEMENT_NAME = Pattern.compile("_?[a-z][A-Za-z0-9]{0,63}");

    private final FhirContext fhir;

    BundleParser(FhirContext fhir) {
        this.fhir = fhir;
    }

    Bundle parse(byte[] raw, String contentType) {
        String text;
        try {
            // FHIR's JSON and XML are UTF-8: a malformed byte would otherwise silently become U+FFFD in a name
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw Refusals.badRequest("Bundle", "the body is not valid UTF-8");
        }
        EncodingEnum encoding = contentType == null ? null : EncodingEnum.forContentType(contentType.toLowerCase(Locale.ROOT));
        if (contentType != null && encoding == null) {
            // text/plain, a form...: not a FHIR body, whatever it holds
            throw Refusals.unsupportedMediaType("send the submission as application/fhir+json or application/fhir+xml");
        }
        boolean xml = encoding != null ? encoding == EncodingEnum.XML : text.stripLeading().startsWith("<");
        if (xml && text.toUpperCase(Locale.ROOT).contains("<!DOCTYPE")) {
            throw Refusals.badRequest("Bundle", "DOCTYPE declarations are not allowed in FHIR XML");
        }
        if (xml) {
            checkXml(text);
        } else {
            checkJson(text);
        }
        IParser parser = (xml ? fhir.newXmlParser() : fhir.newJsonParser()).setParserErrorHandler(new NamingErrorHandler());
        IBaseResource resource;
        try {
            resource = parser.parseResource(text);
        } catch (DataFormatException e) {
            Matcher code = HAPI_CODE.matcher(String.valueOf(e.getMessage()));
            throw Refusals.badRequest("Bundle", "the body is not valid FHIR R4 " + (xml ? "XML" : "JSON")
                    + (code.find() ? " (" + code.group(1) + ")" : ""));
        } catch (BaseServerResponseException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw Refusals.badRequest("Bundle", "the body is not valid FHIR R4 " + (xml ? "XML" : "JSON"));
        }
        if (!(resource instanceof Bundle bundle)) {
            throw Refusals.badRequest(resource.fhirType(), "expected a Bundle, got a " + resource.fhirType());
        }
        return bundle;
    }

    // ------------------------------------------------------------------ the limits, before HAPI

    private static void checkJson(String text) {
        // per open object or array: {entries so far, 1 for an array}
        Deque<int[]> open = new ArrayDeque<>();
        try (JsonParser json = LIMITED_JSON.createParser(new StringReader(text))) {
            JsonToken token = json.nextToken();
            if (token != JsonToken.START_OBJECT) {
                throw Refusals.badRequest("Bundle", "the body is not a JSON object (a FHIR resource)");
            }
            for (; token != null; token = json.nextToken()) {
                boolean valueStarts = token != JsonToken.FIELD_NAME && token != JsonToken.END_ARRAY && token != JsonToken.END_OBJECT;
                int[] parent = open.peek();
                if (valueStarts && parent != null && parent[1] == 1 && ++parent[0] > MAX_ARRAY_ENTRIES) {
                    throw Refusals.badRequest(path(json), "an array with more than " + MAX_ARRAY_ENTRIES + " entries");
                }
                switch (token) {
                    case START_OBJECT -> open.push(new int[] {0, 0});
                    case START_ARRAY -> open.push(new int[] {0, 1});
                    case END_OBJECT, END_ARRAY -> open.pop();
                    default -> {
                        if (token == JsonToken.VALUE_STRING) {
                            // strings are read lazily: reading one enforces its length limit
                            checkCharacters(json.getText(), path(json));
                        } else if (token.isScalarValue()) {
                            json.getText();
                        }
                    }
                }
                if (open.isEmpty() && json.nextToken() != null) {
                    throw Refusals.badRequest("Bundle", "content after the end of the resource");
                }
            }
        } catch (StreamConstraintsException e) {
            throw Refusals.badRequest("Bundle", "the body exceeds a limit of this intake: nesting at most " + MAX_DEPTH
                    + " levels deep, strings of at most " + MAX_STRING_LENGTH + " characters, numbers of at most "
                    + MAX_NUMBER_LENGTH + " digits, keys of at most " + MAX_NAME_LENGTH + " characters");
        } catch (JsonProcessingException e) {
            throw Refusals.badRequest("Bundle", jsonRule(e) + location(e.getLocation() == null ? -1 : e.getLocation().getLineNr(),
                    e.getLocation() == null ? -1 : e.getLocation().getColumnNr()));
        } catch (IOException e) {
            throw Refusals.badRequest("Bundle", "the body is not well-formed JSON");
        }
    }

    /** What Jackson found wrong, in our words: its own message quotes the characters it met. */
    private static String jsonRule(JsonProcessingException e) {
        String message = String.valueOf(e.getOriginalMessage());
        if (message.startsWith("Duplicate field")) {
            return "the body is not a valid FHIR resource: a JSON object has the same key twice";
        }
        return "the body is not well-formed JSON";
    }

    /** The element being read, as a FHIRPath-like path of names and indexes ({@code Bundle.entry[2].resource}). */
    private static String path(JsonParser json) {
        StringBuilder path = new StringBuilder();
        String pointer = json.getParsingContext().pathAsPointer().toString();
        for (String part : pointer.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.chars().allMatch(Character::isDigit)) {
                path.append('[').append(part).append(']');
            } else {
                path.append('.').append(ELEMENT_NAME.matcher(part).matches() ? part : "?");
            }
        }
        return "Bundle" + path;
    }

    private static void checkXml(String text) {
        XMLStreamReader xml = null;
        try {
            xml = XML_INPUT.createXMLStreamReader(new StringReader(text));
            Deque<int[]> children = new ArrayDeque<>();
            int textLength = 0;
            while (xml.hasNext()) {
                int event = xml.next();
                switch (event) {
                    case XMLStreamConstants.DTD, XMLStreamConstants.ENTITY_REFERENCE ->
                            throw Refusals.badRequest("Bundle", "DOCTYPE declarations are not allowed in FHIR XML");
                    case XMLStreamConstants.START_ELEMENT -> {
                        if (!children.isEmpty() && ++children.peek()[0] > MAX_ARRAY_ENTRIES) {
                            throw Refusals.badRequest("Bundle", "an element with more than " + MAX_ARRAY_ENTRIES + " child elements");
                        }
                        children.push(new int[] {0});
                        if (children.size() > MAX_DEPTH) {
                            throw xmlLimit();
                        }
                        if (xml.getLocalName().length() > MAX_NAME_LENGTH) {
                            throw xmlLimit();
                        }
                        for (int i = 0; i < xml.getAttributeCount(); i++) {
                            if (xml.getAttributeValue(i).length() > MAX_STRING_LENGTH
                                    || xml.getAttributeLocalName(i).length() > MAX_NAME_LENGTH) {
                                throw xmlLimit();
                            }
                            checkCharacters(xml.getAttributeValue(i), ELEMENT_NAME.matcher(xml.getLocalName()).matches() ? xml.getLocalName() : "Bundle");
                        }
                        textLength = 0;
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        children.pop();
                        textLength = 0;
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        textLength += xml.getTextLength();
                        if (textLength > MAX_STRING_LENGTH) {
                            throw xmlLimit();
                        }
                    }
                    default -> { }
                }
            }
        } catch (BaseServerResponseException e) {
            throw e;
        } catch (RuntimeException e) {
            // the JDK's StAX reader can fail with a RuntimeException of its own on a malformed prolog
            throw Refusals.badRequest("Bundle", "the body is not well-formed XML");
        } catch (XMLStreamException e) {
            throw Refusals.badRequest("Bundle", "the body is not well-formed XML" + location(
                    e.getLocation() == null ? -1 : e.getLocation().getLineNumber(),
                    e.getLocation() == null ? -1 : e.getLocation().getColumnNumber()));
        } finally {
            if (xml != null) {
                try {
                    xml.close();
                } catch (XMLStreamException ignored) {
                    // nothing held open: the source is a string
                }
            }
        }
    }

    /**
     * FHIR R4's string rule (datatypes, "string": no character below U+0020 but tab, carriage return and line
     * feed), and no bidirectional embedding, override or isolate control (U+202A-U+202E, U+2066-U+2069): a sender's
     * name or address never needs one, and they can make text read otherwise than it is stored (Unicode UAX #9;
     * CVE-2021-42574), e.g. a child's name in a state's screen.
     */
    private static void checkCharacters(String value, String element) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\r' && c != '\n') {
                throw Refusals.badRequest(element, "a string holds a control character: FHIR strings may not (datatypes, string)");
            }
            if ((c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069')) {
                throw Refusals.badRequest(element, "a string holds a bidirectional override or isolate control character,"
                        + " which can make text read otherwise than it is stored (Unicode UAX #9)");
            }
        }
    }

    private static BaseServerResponseException xmlLimit() {
        return Refusals.badRequest("Bundle", "the body exceeds a limit of this intake: elements nested at most " + MAX_DEPTH
                + " deep, text and attribute values of at most " + MAX_STRING_LENGTH + " characters, names of at most "
                + MAX_NAME_LENGTH + " characters");
    }

    private static String location(int line, int column) {
        return line < 0 ? "" : " (line " + line + ", column " + column + ")";
    }

    /** The JDK's own StAX (not whichever another bundle brings): no DTD, no external entities. */
    private static XMLInputFactory xmlInput() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, Boolean.FALSE);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, Boolean.FALSE);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, Boolean.FALSE);
        return factory;
    }

    /**
     * HAPI's lenient handling (unknown elements are skipped), but an invalid value is refused, naming its element and
     * the rule, not the value HAPI would quote.
     */
    private static final class NamingErrorHandler extends LenientErrorHandler {
        NamingErrorHandler() {
            super(false);
            setErrorOnInvalidValue(true);
        }

        @Override
        public void invalidValue(IParseLocation location, String value, String error) {
            String element = location == null ? null : location.getParentElementName();
            boolean named = element != null && ELEMENT_NAME.matcher(element).matches();
            throw Refusals.badRequest(named ? element : "Bundle", (named ? "the value of '" + element + "'" : "a value")
                    + " is not valid for its FHIR R4 datatype (a date, code, number, boolean, ... written as FHIR does not allow)");
        }
    }
}
