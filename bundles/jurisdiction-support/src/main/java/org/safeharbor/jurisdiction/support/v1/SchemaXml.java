package org.safeharbor.jurisdiction.support.v1;

import java.io.StringReader;
import java.io.StringWriter;
import java.net.URL;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import javax.xml.XMLConstants;
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
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.JAXBIntrospector;
import jakarta.xml.bind.Marshaller;
import jakarta.xml.bind.Unmarshaller;
import jakarta.xml.bind.ValidationEvent;
import jakarta.xml.bind.util.ValidationEventCollector;

/**
 * A state's XML contract: the JAXB classes xjc generated from the bundle's own schema, and reading (validated against
 * that schema) and writing of its messages. A document is read through a StAX reader that refuses a DOCTYPE (no external
 * entities, no entity expansion) and nesting deeper than {@value #MAX_DEPTH}, and validated while it is unmarshalled. A
 * refusal ({@link InvalidDocumentException}) names the schema rule and the position, never the document's content (the
 * parser's and the validator's own messages quote it, and it may be personal data). The JDK's own XML factories on
 * purpose ({@code newDefault...}): inside Karaf the pluggable lookup could pick whatever provider another bundle brings;
 * JAXB's implementation is found through the platform bundle ({@link PlatformClassLoader}). The JAXB context and the
 * schema are built on first use (a context costs a few hundred milliseconds).
 */
public final class SchemaXml {

    /** The deepest nesting of elements read (a state's message nests about ten deep). */
    public static final int MAX_DEPTH = 64;
    private static final String VIOLATION = "schema violation";

    /** A document that is not well-formed, has a DOCTYPE, is not valid against the schema or is another message. */
    public static final class InvalidDocumentException extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        public InvalidDocumentException(String message) {
            super(message);
        }
    }

    private final String name;
    private final Class<?> objectFactory;
    private final List<URL> schemas;
    private final boolean fragments;
    private JAXBContext context;
    private Schema schema;

    /**
     * @param name          names the schema in refusals, e.g. {@code US-TX}
     * @param objectFactory the {@code ObjectFactory} xjc generated
     * @param schemas       the schema files in the bundle, each after those it imports: nothing is fetched while compiling
     * @param fragments     writes each message without an XML declaration, indented (else with a declaration, on one line)
     */
    public SchemaXml(String name, Class<?> objectFactory, List<URL> schemas, boolean fragments) {
        if (schemas.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException(name + ": a schema file is missing from the bundle");
        }
        this.name = name;
        this.objectFactory = objectFactory;
        this.schemas = List.copyOf(schemas);
        this.fragments = fragments;
    }

    /** A message (an element of the schema, or a {@code JAXBElement} of one) as XML. */
    public String write(Object message) {
        try {
            Marshaller marshaller = context().createMarshaller();
            marshaller.setProperty(Marshaller.JAXB_FRAGMENT, fragments);
            marshaller.setProperty(Marshaller.JAXB_FORMATTED_OUTPUT, fragments);
            StringWriter out = new StringWriter();
            marshaller.marshal(message, out);
            return out.toString();
        } catch (JAXBException e) {
            throw new IllegalStateException(name + ": cannot write " + JAXBIntrospector.getValue(message).getClass().getSimpleName(), e);
        }
    }

    /**
     * Reads a message whose root element is of {@code type}, validated against the schema.
     *
     * @throws InvalidDocumentException when it is not well-formed, has a DOCTYPE, is not valid or is another message
     */
    public <T> T read(String xml, Class<T> type) {
        Object value = null;
        ValidationEventCollector events = new ValidationEventCollector();
        try {
            XMLStreamReader reader = Input.FACTORY.createXMLStreamReader(new StringReader(xml == null ? "" : xml));
            try {
                while (reader.getEventType() != XMLStreamConstants.START_ELEMENT) {
                    if (reader.getEventType() == XMLStreamConstants.DTD) {
                        throw new InvalidDocumentException("a DOCTYPE is not allowed");
                    }
                    reader.next();
                }
                value = JAXBIntrospector.getValue(unmarshaller(events).unmarshal(reader));
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
        return checked(value, events, type);
    }

    /**
     * Validates and reads a message already parsed, e.g. the body of a SOAP answer.
     *
     * @throws InvalidDocumentException when it is not valid
     */
    public <T> T read(Source source, Class<T> type) {
        ValidationEventCollector events = new ValidationEventCollector();
        Object value = null;
        try {
            value = unmarshaller(events).unmarshal(source, type).getValue();
        } catch (JAXBException e) {
            // the events say why
        }
        return checked(value, events, type);
    }

    private Unmarshaller unmarshaller(ValidationEventCollector events) throws JAXBException {
        Unmarshaller unmarshaller = context().createUnmarshaller();
        unmarshaller.setSchema(schema());
        // schema errors are collected and the first one reported: one not well-formed is refused as such
        unmarshaller.setEventHandler(events);
        return unmarshaller;
    }

    private <T> T checked(Object value, ValidationEventCollector events, Class<T> type) {
        if (value == null || events.hasEvents()) {
            // the validator's rule (cvc-...) rather than JAXB's own words about the same fault
            ValidationEvent first = Arrays.stream(events.getEvents()).filter(e -> !rule(e.getMessage()).equals(VIOLATION))
                    .findFirst().orElse(events.hasEvents() ? events.getEvents()[0] : null);
            throw new InvalidDocumentException("not valid against the " + name + " schema: " + (first == null ? VIOLATION
                    : rule(first.getMessage()) + (first.getLocator() == null ? ""
                    : at(first.getLocator().getLineNumber(), first.getLocator().getColumnNumber()))));
        }
        if (!type.isInstance(value)) {
            throw new InvalidDocumentException("the root element is not a " + type.getSimpleName().replace("Type", ""));
        }
        return type.cast(value);
    }

    /** The rule id of a Xerces message such as {@code cvc-pattern-valid: Value '...' is not ...}, without the rest. */
    private static String rule(String message) {
        int colon = message == null ? -1 : message.indexOf(':');
        return colon > 0 && message.startsWith("cvc-") ? message.substring(0, colon) : VIOLATION;
    }

    private static String at(int line, int column) {
        return line < 0 ? "" : " at line " + line + ", column " + column;
    }

    private synchronized JAXBContext context() {
        if (context == null) {
            try {
                context = PlatformClassLoader.call(() -> JAXBContext.newInstance(objectFactory));
            } catch (Exception e) {
                throw new IllegalStateException(name + ": the bundle's JAXB classes do not load", e);
            }
        }
        return context;
    }

    private synchronized Schema schema() {
        if (schema == null) {
            try {
                SchemaFactory factory = SchemaFactory.newDefaultInstance();
                factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
                factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
                Source[] sources = new Source[schemas.size()];
                for (int i = 0; i < sources.length; i++) {
                    sources[i] = new StreamSource(schemas.get(i).openStream(), schemas.get(i).toExternalForm());
                }
                schema = factory.newSchema(sources);
            } catch (Exception e) {
                throw new IllegalStateException(name + ": the bundle's schema does not compile", e);
            }
        }
        return schema;
    }

    private static final class Input {
        static final XMLInputFactory FACTORY = XMLInputFactory.newDefaultFactory();

        static {
            FACTORY.setProperty(XMLInputFactory.SUPPORT_DTD, Boolean.FALSE);
            FACTORY.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, Boolean.FALSE);
            FACTORY.setProperty("jdk.xml.maxElementDepth", String.valueOf(MAX_DEPTH)); // the JDK's own limit is off by default
        }
    }
}
