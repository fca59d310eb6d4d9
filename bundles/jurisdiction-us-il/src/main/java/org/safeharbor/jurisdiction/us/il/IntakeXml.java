package org.safeharbor.jurisdiction.us.il;

import java.io.StringReader;
import java.io.StringWriter;
import java.net.URL;
import java.time.Instant;
import java.time.LocalDate;
import java.util.GregorianCalendar;
import java.util.TimeZone;
import java.util.concurrent.Callable;

import javax.xml.XMLConstants;
import javax.xml.datatype.DatatypeConstants;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.datatype.XMLGregorianCalendar;
import javax.xml.namespace.QName;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.transform.Source;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;

import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBElement;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Marshaller;
import jakarta.xml.bind.UnmarshalException;
import jakarta.xml.bind.Unmarshaller;

import org.safeharbor.jurisdiction.us.il.wire.ObjectFactory;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The reference wire format's contract as the bundle ships it ({@code wsdl/us-il-intake.wsdl},
 * {@code xsd/us-il-intake.xsd}) and JAXB reading and writing of its messages, validated against that
 * schema. Error messages name the schema rule broken but never the offending value, which may be
 * personal data.
 */
public final class IntakeXml {

    /** Namespace of the WSDL and the XSD (a reference design, not an official Illinois namespace). */
    public static final String NS = "https://safeharbor-bridge.org/reference/us-il/intake/v1";
    public static final QName INTAKE_SERVICE = new QName(NS, "IntakeService");
    public static final QName INTAKE_PORT = new QName(NS, "IntakePort");
    public static final QName STATUS_SERVICE = new QName(NS, "StatusNotificationService");
    public static final QName STATUS_PORT = new QName(NS, "StatusNotificationPort");
    public static final String SUBMIT_REPORT = "SubmitReport";

    private static final String WSDL = "/wsdl/us-il-intake.wsdl";
    private static final String XSD = "/xsd/us-il-intake.xsd";

    private IntakeXml() {
    }

    /**
     * The WSDL as a URL into this bundle's own resources (a {@code bundle:} URL in OSGi, a file or
     * jar URL on a plain class path): CXF resolves the XSD import relative to it in both.
     */
    public static URL wsdl() {
        return IntakeXml.class.getResource(WSDL);
    }

    /** The message schema. */
    public static URL xsd() {
        return IntakeXml.class.getResource(XSD);
    }

    /** The compiled message schema (thread-safe). */
    public static Schema schema() {
        return Holder.SCHEMA;
    }

    /** One of the schema's global elements (e.g. {@code IntakeReport}) as XML, without declaration. */
    public static String write(Object element) {
        try {
            Marshaller marshaller = Holder.CONTEXT.createMarshaller();
            marshaller.setProperty(Marshaller.JAXB_FRAGMENT, Boolean.TRUE);
            marshaller.setProperty(Marshaller.JAXB_FORMATTED_OUTPUT, Boolean.TRUE);
            StringWriter out = new StringWriter();
            marshaller.marshal(element, out);
            return out.toString();
        } catch (JAXBException e) {
            throw new IllegalArgumentException("cannot write " + element.getClass().getSimpleName() + ": " + redacted(e));
        }
    }

    /** Parses and validates a message; DTDs and external entities are refused. */
    public static <T> T read(String xml, Class<T> type) {
        try {
            XMLStreamReader reader = Holder.INPUT.createXMLStreamReader(new StringReader(xml));
            try {
                // up to the root element: a message never has a DOCTYPE, so one is refused outright
                while (reader.getEventType() != XMLStreamConstants.START_ELEMENT) {
                    if (reader.getEventType() == XMLStreamConstants.DTD) {
                        throw new IllegalArgumentException("a DOCTYPE is not allowed in a " + type.getSimpleName());
                    }
                    reader.next();
                }
                return unmarshal(type, unmarshaller -> unmarshaller.unmarshal(reader, type));
            } finally {
                reader.close();
            }
        } catch (XMLStreamException e) {
            throw new IllegalArgumentException("not well-formed XML" + location(e.getLocation() == null ? -1 : e.getLocation().getLineNumber(),
                    e.getLocation() == null ? -1 : e.getLocation().getColumnNumber()));
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            // the JDK's StAX reader can fail on a malformed DOCTYPE with a MissingResourceException of its own
            // (found by IllinoisStatusFuzzTest): still a message that is not well-formed
            throw new IllegalArgumentException("not well-formed XML");
        }
    }

    /** Validates and reads a message already parsed, e.g. the body of a SOAP response. */
    public static <T> T read(Source source, Class<T> type) {
        return unmarshal(type, unmarshaller -> unmarshaller.unmarshal(source, type));
    }

    /** Throws {@link IllegalArgumentException} (naming the rule, not the value) unless the XML is valid. */
    public static void validate(String xml) {
        try {
            Holder.SCHEMA.newValidator().validate(new javax.xml.transform.stream.StreamSource(new StringReader(xml)));
        } catch (SAXParseException e) {
            throw new IllegalArgumentException("invalid against us-il-intake.xsd: " + rule(e.getMessage())
                    + location(e.getLineNumber(), e.getColumnNumber()));
        } catch (SAXException | java.io.IOException e) {
            throw new IllegalArgumentException("invalid against us-il-intake.xsd");
        }
    }

    public static XMLGregorianCalendar dateTime(Instant instant) {
        GregorianCalendar calendar = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
        calendar.setTimeInMillis(instant.toEpochMilli());
        return Holder.DATATYPES.newXMLGregorianCalendar(calendar);
    }

    public static Instant instant(XMLGregorianCalendar value) {
        return value == null ? null : value.toGregorianCalendar().toInstant();
    }

    public static XMLGregorianCalendar date(LocalDate day) {
        return Holder.DATATYPES.newXMLGregorianCalendarDate(day.getYear(), day.getMonthValue(), day.getDayOfMonth(),
                DatatypeConstants.FIELD_UNDEFINED);
    }

    public static LocalDate localDate(XMLGregorianCalendar value) {
        return value == null ? null : LocalDate.of(value.getYear(), value.getMonth(), value.getDay());
    }

    /**
     * Runs code with the JAXB/CXF implementation's class loader as the thread context class loader:
     * JAXB and CXF find their implementations (META-INF/services) through it, and in Karaf those
     * live inside the platform bundle, not in this one.
     */
    public static <T> T withRuntimeClassLoader(Callable<T> work) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(JAXBContext.class.getClassLoader());
        try {
            return work.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static <T> T unmarshal(Class<T> type, Reading reading) {
        try {
            Unmarshaller unmarshaller = Holder.CONTEXT.createUnmarshaller();
            unmarshaller.setSchema(Holder.SCHEMA);
            JAXBElement<?> element = reading.read(unmarshaller);
            return type.cast(element.getValue());
        } catch (UnmarshalException e) {
            throw new IllegalArgumentException("not a valid " + type.getSimpleName() + ": " + redacted(e));
        } catch (JAXBException e) {
            throw new IllegalArgumentException("cannot read " + type.getSimpleName() + ": " + redacted(e));
        }
    }

    /** The schema rule and position of a JAXB failure, without the message text that may quote values. */
    private static String redacted(JAXBException e) {
        Throwable cause = e.getLinkedException() != null ? e.getLinkedException() : e.getCause();
        if (cause instanceof SAXParseException parse) {
            return rule(parse.getMessage()) + location(parse.getLineNumber(), parse.getColumnNumber());
        }
        return e.getClass().getSimpleName();
    }

    /** The rule id of a Xerces message such as {@code cvc-pattern-valid: Value '...' is not ...}. */
    private static String rule(String message) {
        if (message != null && message.startsWith("cvc-") && message.indexOf(':') > 0) {
            return message.substring(0, message.indexOf(':'));
        }
        return "schema violation";
    }

    private static String location(int line, int column) {
        return line < 0 ? "" : " at line " + line + ", column " + column;
    }

    @FunctionalInterface
    private interface Reading {
        JAXBElement<?> read(Unmarshaller unmarshaller) throws JAXBException;
    }

    /** Built on first use: a JAXB context costs a few hundred milliseconds. */
    private static final class Holder {
        static final JAXBContext CONTEXT = withRuntimeClassLoader(() -> JAXBContext.newInstance(ObjectFactory.class));
        static final Schema SCHEMA = newSchema();
        static final DatatypeFactory DATATYPES = DatatypeFactory.newDefaultInstance();
        static final XMLInputFactory INPUT = newInput();

        private static Schema newSchema() {
            try {
                SchemaFactory factory = SchemaFactory.newDefaultInstance();
                factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
                // the schema imports nothing: refuse to fetch anything while compiling it
                factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
                factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
                return factory.newSchema(xsd());
            } catch (SAXException e) {
                throw new IllegalStateException("the bundle's own us-il-intake.xsd does not compile", e);
            }
        }

        private static XMLInputFactory newInput() {
            XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
            factory.setProperty(XMLInputFactory.SUPPORT_DTD, Boolean.FALSE);
            factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, Boolean.FALSE);
            // a message nests a few elements deep (the JDK's own limit, jdk.xml.maxElementDepth, is off by default)
            factory.setProperty("jdk.xml.maxElementDepth", "64");
            return factory;
        }
    }
}
