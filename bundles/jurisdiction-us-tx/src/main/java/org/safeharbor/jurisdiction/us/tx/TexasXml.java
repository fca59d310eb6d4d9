package org.safeharbor.jurisdiction.us.tx;

import java.io.StringReader;
import java.io.StringWriter;
import java.net.URL;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

import javax.xml.XMLConstants;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.datatype.XMLGregorianCalendar;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.transform.Source;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;

import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBElement;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.JAXBIntrospector;
import jakarta.xml.bind.Unmarshaller;
import jakarta.xml.bind.ValidationEvent;
import jakarta.xml.bind.util.ValidationEventCollector;

import org.safeharbor.jurisdiction.support.v1.PlatformClassLoader;
import org.safeharbor.jurisdiction.us.tx.wire.ObjectFactory;

/**
 * The Texas reference wire format: its namespaces, its schema (the bundle's own hand-written NIEM subset,
 * {@code iepd/us-tx/}) and JAXB reading and writing of its messages with the classes xjc generates from it
 * ({@code wire}). A document is read through a StAX reader that refuses a DOCTYPE (no external entities, no entity
 * expansion) and nesting deeper than {@value #MAX_DEPTH}, and validated against the schema while it is unmarshalled.
 * A refusal names the schema rule and the position, never the document's content (the parser's and the validator's
 * own messages quote it). The JDK's own XML factories on purpose ({@code newDefault...}): inside Karaf the pluggable
 * lookup could pick whatever provider another bundle brings.
 */
public final class TexasXml {

    /** NIEM Core 5.0 and Human Services 5.2 (docs/domain.md; hand-written subsets), and this design's extension. */
    public static final String NC = "http://release.niem.gov/niem/niem-core/5.0/";
    public static final String HS = "http://release.niem.gov/niem/domains/humanServices/5.2/";
    public static final String EXT = "https://safeharbor-bridge.org/iepd/us-tx/extension/1.0/";
    public static final String MEDIA_TYPE = "application/xml";
    /** The schema files in {@code iepd/us-tx/}, each after those it imports: nothing is fetched while compiling them. */
    static final List<String> SCHEMA_FILES = List.of("niem/niem-core-subset.xsd", "niem/hs-subset.xsd", "extension/us-tx-ext.xsd");
    /** The root elements of the generated classes. */
    public static final ObjectFactory WIRE = new ObjectFactory();
    /** The deepest nesting of elements read (a report nests about ten deep). */
    static final int MAX_DEPTH = 64;
    private static final String VIOLATION = "schema violation";

    private TexasXml() {
    }

    /** A message as XML. */
    public static String write(JAXBElement<?> message) {
        try {
            StringWriter out = new StringWriter();
            Holder.CONTEXT.createMarshaller().marshal(message, out);
            return out.toString();
        } catch (JAXBException e) {
            throw new IllegalStateException("cannot write ext:" + message.getName().getLocalPart(), e);
        }
    }

    /**
     * Reads a message whose root element is of {@code type}, validated against the schema.
     *
     * @throws InvalidDocumentException when it is not well-formed, has a DOCTYPE, is not valid or is another message
     */
    public static <T> T read(String xml, Class<T> type) {
        Object value = null;
        ValidationEventCollector events = new ValidationEventCollector();
        try {
            XMLStreamReader reader = Holder.INPUT.createXMLStreamReader(new StringReader(xml == null ? "" : xml));
            try {
                while (reader.getEventType() != XMLStreamConstants.START_ELEMENT) {
                    if (reader.getEventType() == XMLStreamConstants.DTD) {
                        throw new InvalidDocumentException("a DOCTYPE is not allowed");
                    }
                    reader.next();
                }
                Unmarshaller unmarshaller = Holder.CONTEXT.createUnmarshaller();
                unmarshaller.setSchema(Holder.SCHEMA);
                // schema errors are collected and the first one reported below: one not well-formed is refused as such
                unmarshaller.setEventHandler(events);
                value = JAXBIntrospector.getValue(unmarshaller.unmarshal(reader));
            } catch (JAXBException e) {
                if (e.getLinkedException() instanceof XMLStreamException notWellFormed) {
                    throw notWellFormed;
                }
                while (reader.hasNext()) { // JAXB gave up on a schema error: the rest must still be well-formed
                    reader.next();
                }
            } finally {
                reader.close();
            }
        } catch (XMLStreamException e) {
            Location at = e.getLocation();
            throw new InvalidDocumentException("not well-formed XML" + (at == null ? "" : at(at.getLineNumber(), at.getColumnNumber())));
        } catch (InvalidDocumentException e) {
            throw e;
        } catch (RuntimeException e) {
            // the JDK's StAX reader can fail on a malformed DOCTYPE with an exception of its own: still not well-formed
            throw new InvalidDocumentException("not well-formed XML");
        }
        if (value == null || events.hasEvents()) {
            // the validator's rule (cvc-...) rather than JAXB's own words about the same fault
            ValidationEvent first = Arrays.stream(events.getEvents()).filter(e -> !rule(e.getMessage()).equals(VIOLATION))
                    .findFirst().orElse(events.hasEvents() ? events.getEvents()[0] : null);
            throw new InvalidDocumentException("not valid against the US-TX schema: " + (first == null ? VIOLATION : rule(first.getMessage())
                    + (first.getLocator() == null ? "" : at(first.getLocator().getLineNumber(), first.getLocator().getColumnNumber()))));
        }
        if (!type.isInstance(value)) {
            throw new InvalidDocumentException("the root element is not a " + type.getSimpleName().replace("Type", ""));
        }
        return type.cast(value);
    }

    /** An instant as xs:dateTime, in UTC with its fraction of a second. */
    public static XMLGregorianCalendar dateTime(Instant instant) {
        return Holder.DATATYPES.newXMLGregorianCalendar(instant.toString());
    }

    /** The instant of an xs:dateTime; one without its offset from UTC (xs:dateTime allows it) is refused naming the element. */
    public static Instant instant(XMLGregorianCalendar value, String element) {
        try {
            return Instant.parse(value.toXMLFormat());
        } catch (DateTimeException e) {
            throw new InvalidDocumentException(element + " is not a date and time with its offset from UTC (e.g. 2026-11-22T08:30:00Z)");
        }
    }

    static XMLGregorianCalendar date(LocalDate day) {
        return Holder.DATATYPES.newXMLGregorianCalendar(day.toString());
    }

    static LocalDate localDate(XMLGregorianCalendar value) {
        return LocalDate.of(value.getYear(), value.getMonth(), value.getDay());
    }

    /** The rule id of a Xerces message such as {@code cvc-pattern-valid: Value '...' is not ...}, without the rest. */
    private static String rule(String message) {
        int colon = message == null ? -1 : message.indexOf(':');
        return colon > 0 && message.startsWith("cvc-") ? message.substring(0, colon) : VIOLATION;
    }

    private static String at(int line, int column) {
        return line < 0 ? "" : " at line " + line + ", column " + column;
    }

    /** Built on first use: a JAXB context costs a few hundred milliseconds. */
    private static final class Holder {
        static final JAXBContext CONTEXT = context();
        static final Schema SCHEMA = schema();
        static final XMLInputFactory INPUT = XMLInputFactory.newDefaultFactory();
        static final DatatypeFactory DATATYPES = DatatypeFactory.newDefaultInstance();

        static {
            INPUT.setProperty(XMLInputFactory.SUPPORT_DTD, Boolean.FALSE);
            INPUT.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, Boolean.FALSE);
            INPUT.setProperty("jdk.xml.maxElementDepth", String.valueOf(MAX_DEPTH)); // the JDK's own limit is off by default
        }

        /** With the platform bundle's class loader, where JAXB finds its implementation in Karaf. */
        private static JAXBContext context() {
            try {
                return PlatformClassLoader.call(() -> JAXBContext.newInstance(ObjectFactory.class));
            } catch (Exception e) {
                throw new IllegalStateException("cannot build the US-TX JAXB context", e);
            }
        }

        private static Schema schema() {
            try {
                SchemaFactory factory = SchemaFactory.newDefaultInstance();
                factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
                Source[] sources = new Source[SCHEMA_FILES.size()];
                for (int i = 0; i < sources.length; i++) {
                    URL url = TexasXml.class.getClassLoader().getResource("iepd/us-tx/" + SCHEMA_FILES.get(i));
                    sources[i] = new StreamSource(url.openStream(), url.toExternalForm());
                }
                return factory.newSchema(sources);
            } catch (Exception e) {
                throw new IllegalStateException("cannot load the US-TX schema", e);
            }
        }
    }
}
