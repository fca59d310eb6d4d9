package org.safeharbor.jurisdiction.us.il;

import java.io.StringReader;
import java.io.StringWriter;
import java.net.URL;
import java.time.Instant;
import java.time.LocalDate;
import java.util.GregorianCalendar;
import java.util.TimeZone;

import javax.xml.XMLConstants;
import javax.xml.datatype.DatatypeConstants;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.datatype.XMLGregorianCalendar;
import javax.xml.namespace.QName;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.transform.Source;
import javax.xml.transform.sax.SAXSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;

import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Marshaller;
import jakarta.xml.bind.Unmarshaller;

import org.safeharbor.jurisdiction.support.v1.PlatformClassLoader;
import org.safeharbor.jurisdiction.us.il.wire.ObjectFactory;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;

/**
 * The reference contract as the bundle ships it ({@code wsdl/us-il-intake.wsdl}, {@code xsd/us-il-intake.xsd}), and
 * JAXB reading (validated against the schema) and writing of its messages (the xjc classes of package {@code wire}).
 * A refusal names the schema rule broken, never the offending value, which may be personal data.
 */
public final class IntakeXml {

    /** Namespace of the WSDL and the XSD (a reference design, not an official Illinois namespace). */
    public static final String NS = "https://safeharbor-bridge.org/reference/us-il/intake/v1";
    public static final QName INTAKE_SERVICE = new QName(NS, "IntakeService");
    public static final QName INTAKE_PORT = new QName(NS, "IntakePort");
    public static final QName STATUS_SERVICE = new QName(NS, "StatusNotificationService");
    public static final QName STATUS_PORT = new QName(NS, "StatusNotificationPort");
    public static final String SUBMIT_REPORT = "SubmitReport";

    private IntakeXml() {
    }

    /** The WSDL in this bundle's resources (a {@code bundle:} URL in OSGi): CXF resolves the XSD import relative to it. */
    public static URL wsdl() {
        return IntakeXml.class.getResource("/wsdl/us-il-intake.wsdl");
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

    /** Parses and validates a message; a DOCTYPE (and with it any entity) is refused outright. */
    public static <T> T read(String xml, Class<T> type) {
        XMLReader reader;
        try {
            reader = Holder.SAX.newSAXParser().getXMLReader();
            // a message nests a few elements deep (the JDK's own limit is off by default)
            reader.setProperty("jdk.xml.maxElementDepth", "64");
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("no XML parser", e);
        }
        return unmarshal(type, new SAXSource(reader, new InputSource(new StringReader(xml))));
    }

    /** Validates and reads a message already parsed, e.g. the body of a SOAP response. */
    public static <T> T read(Source source, Class<T> type) {
        return unmarshal(type, source);
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

    private static <T> T unmarshal(Class<T> type, Source source) {
        try {
            Unmarshaller unmarshaller = Holder.CONTEXT.createUnmarshaller();
            unmarshaller.setSchema(Holder.SCHEMA);
            return unmarshaller.unmarshal(source, type).getValue();
        } catch (JAXBException e) {
            throw new IllegalArgumentException("not a valid " + type.getSimpleName() + ": " + redacted(e));
        }
    }

    /** The schema rule (e.g. {@code cvc-pattern-valid}) and position of a failure, without its text. */
    private static String redacted(JAXBException e) {
        Throwable cause = e.getLinkedException() != null ? e.getLinkedException() : e.getCause();
        if (cause instanceof SAXParseException parse) {
            String message = String.valueOf(parse.getMessage());
            return (message.startsWith("cvc-") && message.indexOf(':') > 0 ? message.substring(0, message.indexOf(':')) : "not well-formed XML")
                    + (parse.getLineNumber() < 0 ? "" : " at line " + parse.getLineNumber() + ", column " + parse.getColumnNumber());
        }
        return e.getClass().getSimpleName();
    }

    /** Built on first use: a JAXB context costs a few hundred milliseconds. */
    private static final class Holder {
        static final JAXBContext CONTEXT = context();
        static final Schema SCHEMA = schema();
        static final DatatypeFactory DATATYPES = DatatypeFactory.newDefaultInstance();
        static final SAXParserFactory SAX = sax();

        private static JAXBContext context() {
            try {
                // JAXB finds its implementation through the context class loader: in Karaf, the platform bundle's
                return PlatformClassLoader.call(() -> JAXBContext.newInstance(ObjectFactory.class));
            } catch (Exception e) {
                throw new IllegalStateException("the bundle's JAXB classes do not load", e);
            }
        }

        private static SAXParserFactory sax() {
            try {
                SAXParserFactory factory = SAXParserFactory.newDefaultInstance();
                factory.setNamespaceAware(true);
                factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
                // a message never has a DOCTYPE: refusing one refuses every entity
                factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                return factory;
            } catch (ParserConfigurationException | SAXException e) {
                throw new IllegalStateException("no secure XML parser", e);
            }
        }

        private static Schema schema() {
            try {
                SchemaFactory factory = SchemaFactory.newDefaultInstance();
                factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
                // the schema imports nothing: fetch nothing while compiling it
                factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
                factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
                return factory.newSchema(IntakeXml.class.getResource("/xsd/us-il-intake.xsd"));
            } catch (SAXException e) {
                throw new IllegalStateException("the bundle's own us-il-intake.xsd does not compile", e);
            }
        }
    }
}
