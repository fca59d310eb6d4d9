package org.safeharbor.jurisdiction.us.il;

import java.net.URL;
import java.time.Instant;
import java.time.LocalDate;
import java.util.GregorianCalendar;
import java.util.List;
import java.util.TimeZone;

import javax.xml.datatype.DatatypeConstants;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.datatype.XMLGregorianCalendar;
import javax.xml.namespace.QName;
import javax.xml.transform.Source;

import org.safeharbor.jurisdiction.support.v1.SchemaXml;
import org.safeharbor.jurisdiction.us.il.wire.ObjectFactory;

/**
 * The reference contract as the bundle ships it ({@code wsdl/us-il-intake.wsdl}, {@code xsd/us-il-intake.xsd}), and
 * JAXB reading (validated against the schema) and writing of its messages (the xjc classes of package {@code wire}),
 * through the kit's {@link SchemaXml}. A refusal names the schema rule broken, never the offending value, which may be
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
    /** Messages written without declaration, indented: the body of a SOAP request. */
    private static final SchemaXml XML = new SchemaXml("us-il-intake.xsd", ObjectFactory.class,
            List.of(IntakeXml.class.getResource("/xsd/us-il-intake.xsd")), true);
    private static final DatatypeFactory DATATYPES = DatatypeFactory.newDefaultInstance();

    private IntakeXml() {
    }

    /** The WSDL in this bundle's resources (a {@code bundle:} URL in OSGi): CXF resolves the XSD import relative to it. */
    public static URL wsdl() {
        return IntakeXml.class.getResource("/wsdl/us-il-intake.wsdl");
    }

    /** One of the schema's global elements (e.g. {@code IntakeReport}) as XML, without declaration. */
    public static String write(Object element) {
        return XML.write(element);
    }

    /** Parses and validates a message; a DOCTYPE (and with it any entity) is refused outright. */
    public static <T> T read(String xml, Class<T> type) {
        return XML.read(xml, type);
    }

    /** Validates and reads a message already parsed, e.g. the body of a SOAP response. */
    public static <T> T read(Source source, Class<T> type) {
        return XML.read(source, type);
    }

    public static XMLGregorianCalendar dateTime(Instant instant) {
        GregorianCalendar calendar = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
        calendar.setTimeInMillis(instant.toEpochMilli());
        return DATATYPES.newXMLGregorianCalendar(calendar);
    }

    public static Instant instant(XMLGregorianCalendar value) {
        return value == null ? null : value.toGregorianCalendar().toInstant();
    }

    public static XMLGregorianCalendar date(LocalDate day) {
        return DATATYPES.newXMLGregorianCalendarDate(day.getYear(), day.getMonthValue(), day.getDayOfMonth(),
                DatatypeConstants.FIELD_UNDEFINED);
    }

    public static LocalDate localDate(XMLGregorianCalendar value) {
        return value == null ? null : LocalDate.of(value.getYear(), value.getMonth(), value.getDay());
    }
}
