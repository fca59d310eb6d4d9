package org.safeharbor.jurisdiction.us.tx;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import javax.xml.datatype.DatatypeFactory;
import javax.xml.datatype.XMLGregorianCalendar;

import jakarta.xml.bind.JAXBElement;

import org.safeharbor.jurisdiction.support.v1.SchemaXml;
import org.safeharbor.jurisdiction.support.v1.SchemaXml.InvalidDocumentException;
import org.safeharbor.jurisdiction.us.tx.wire.ObjectFactory;

/**
 * The Texas reference wire format: its namespaces, its schema (the bundle's own hand-written NIEM subset,
 * {@code iepd/us-tx/}) and JAXB reading and writing of its messages with the classes xjc generates from it
 * ({@code wire}), through the kit's {@link SchemaXml}: a DOCTYPE and nesting deeper than {@value #MAX_DEPTH} are refused,
 * a document is validated while it is unmarshalled, and a refusal names the rule and position, never the content.
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
    static final int MAX_DEPTH = SchemaXml.MAX_DEPTH;
    private static final SchemaXml XML = new SchemaXml("US-TX", ObjectFactory.class, SCHEMA_FILES.stream()
            .map(file -> TexasXml.class.getClassLoader().getResource("iepd/us-tx/" + file)).toList(), false);
    private static final DatatypeFactory DATATYPES = DatatypeFactory.newDefaultInstance();

    private TexasXml() {
    }

    /** A message as XML. */
    public static String write(JAXBElement<?> message) {
        return XML.write(message);
    }

    /**
     * Reads a message whose root element is of {@code type}, validated against the schema.
     *
     * @throws InvalidDocumentException when it is not well-formed, has a DOCTYPE, is not valid or is another message
     */
    public static <T> T read(String xml, Class<T> type) {
        return XML.read(xml, type);
    }

    /** An instant as xs:dateTime, in UTC with its fraction of a second. */
    public static XMLGregorianCalendar dateTime(Instant instant) {
        return DATATYPES.newXMLGregorianCalendar(instant.toString());
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
        return DATATYPES.newXMLGregorianCalendar(day.toString());
    }

    static LocalDate localDate(XMLGregorianCalendar value) {
        return LocalDate.of(value.getYear(), value.getMonth(), value.getDay());
    }
}
