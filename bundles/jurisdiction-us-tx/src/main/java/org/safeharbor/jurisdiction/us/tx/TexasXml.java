package org.safeharbor.jurisdiction.us.tx;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * The Texas reference wire format's namespaces, its schema (the bundle's own hand-written NIEM subset,
 * {@code iepd/us-tx/}) and safe parsing: every document the adapter or the sandbox peer reads is parsed
 * without DOCTYPE (no external entities) and validated against that schema with javax.xml.validation.
 *
 * <p>The JDK's built-in factories are used on purpose ({@code newDefaultInstance}): inside Karaf the
 * pluggable lookup could pick whatever StAX or JAXP provider another bundle brings.
 */
public final class TexasXml {

    /** NIEM Core, as NIEM 5.x releases use it (hand-written subset). */
    public static final String NC = "http://release.niem.gov/niem/niem-core/5.0/";
    /** NIEM Human Services domain 5.2 (docs/domain.md; hand-written subset). */
    public static final String HS = "http://release.niem.gov/niem/domains/humanServices/5.2/";
    /** This reference design's extension namespace (NIEM convention: an {@code ext:} namespace of one's own). */
    public static final String EXT = "https://safeharbor-bridge.org/iepd/us-tx/extension/1.0/";

    /** The deepest nesting of elements read. */
    static final int MAX_DEPTH = 64;

    /** The media type of every message of the format. */
    public static final String MEDIA_TYPE = "application/xml";

    /** Where the schemas sit in the bundle; the extension schema imports the two NIEM subsets. */
    static final String SCHEMA_DIR = "iepd/us-tx/";
    /** The schema files; the last one (the extension) imports the others. */
    public static final List<String> SCHEMA_FILES = List.of("niem/niem-core-subset.xsd", "niem/hs-subset.xsd",
            "extension/us-tx-ext.xsd");

    private static final Schema SCHEMA = loadSchema();

    private TexasXml() {
    }

    /** The compiled schema of all three namespaces (thread-safe; a {@link Validator} is not). */
    public static Schema schema() {
        return SCHEMA;
    }

    /**
     * Parses a document without DOCTYPE and validates it against the schema.
     *
     * @throws InvalidDocumentException when it is not well-formed, has a DOCTYPE or is not valid; the message
     *                                  names the schema rule and the position, never the document's content (the
     *                                  parser's and the validator's own messages quote it)
     */
    public static Document parseValid(String xml) {
        if (xml == null || xml.isBlank()) {
            throw new InvalidDocumentException("empty document");
        }
        Document document;
        try {
            DocumentBuilder builder = secureDocumentBuilderFactory().newDocumentBuilder();
            builder.setErrorHandler(null);
            document = builder.parse(new InputSource(new StringReader(xml)));
        } catch (SAXException e) {
            throw new InvalidDocumentException("not well-formed XML (or a DOCTYPE)" + location(e));
        } catch (IOException | ParserConfigurationException e) {
            throw new IllegalStateException("cannot parse XML", e);
        }
        try {
            Validator validator = SCHEMA.newValidator();
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            validator.validate(new DOMSource(document));
        } catch (SAXException e) {
            throw new InvalidDocumentException("not valid against the US-TX schema: " + rule(e.getMessage()) + location(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return document;
    }

    /** Parses and validates, and checks that the root element is {@code ext:<rootName>}. */
    public static Element parseValid(String xml, String rootName) {
        Element root = parseValid(xml).getDocumentElement();
        if (!EXT.equals(root.getNamespaceURI()) || !rootName.equals(root.getLocalName())) {
            throw new InvalidDocumentException("the root element is not ext:" + rootName);
        }
        return root;
    }

    /** The rule id of a Xerces message such as {@code cvc-pattern-valid: Value '...' is not ...}, without the rest. */
    private static String rule(String message) {
        if (message != null && message.startsWith("cvc-") && message.indexOf(':') > 0) {
            return message.substring(0, message.indexOf(':'));
        }
        return "schema violation";
    }

    private static String location(SAXException e) {
        return e instanceof org.xml.sax.SAXParseException at && at.getLineNumber() >= 0
                ? " at line " + at.getLineNumber() + ", column " + at.getColumnNumber() : "";
    }

    /** A StAX writer to a string buffer with the format's prefixes declared by the caller. */
    static XMLStreamWriter writer(StringWriter out) {
        try {
            return XMLOutputFactory.newDefaultFactory().createXMLStreamWriter(out);
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot create an XML writer", e);
        }
    }

    // ------------------------------------------------------------------ DOM helpers for readers

    /** The child elements of {@code parent} with that namespace and local name, in document order. */
    static List<Element> children(Element parent, String ns, String name) {
        List<Element> result = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && ns.equals(e.getNamespaceURI()) && name.equals(e.getLocalName())) {
                result.add(e);
            }
        }
        return result;
    }

    /** The first child element with that name, if any. */
    static Optional<Element> child(Element parent, String ns, String name) {
        List<Element> all = children(parent, ns, name);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    /** The trimmed text of the first child element with that name, if any. */
    static Optional<String> text(Element parent, String ns, String name) {
        return child(parent, ns, name).map(e -> e.getTextContent().trim());
    }

    /** The text of a child element the schema makes mandatory. */
    static String requiredText(Element parent, String ns, String name) {
        return text(parent, ns, name).orElseThrow(() -> new InvalidDocumentException("missing " + name));
    }

    // ------------------------------------------------------------------ set-up

    private static DocumentBuilderFactory secureDocumentBuilderFactory() throws ParserConfigurationException {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
        factory.setNamespaceAware(true);
        // No DOCTYPE at all: rules out external entities and entity expansion.
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        // a report nests about ten elements deep (the JDK's own limit, jdk.xml.maxElementDepth, is off by default)
        factory.setAttribute("jdk.xml.maxElementDepth", String.valueOf(MAX_DEPTH));
        return factory;
    }

    private static Schema loadSchema() {
        SchemaFactory factory = SchemaFactory.newDefaultInstance();
        String base = resource(SCHEMA_DIR + SCHEMA_FILES.get(SCHEMA_FILES.size() - 1)).toExternalForm();
        String root = base.substring(0, base.length() - SCHEMA_FILES.get(SCHEMA_FILES.size() - 1).length());
        // Imports are resolved from this bundle only (its own class loader), never fetched from elsewhere.
        factory.setResourceResolver((type, namespace, publicId, systemId, baseUri) -> {
            try {
                URL resolved = new URL(new URL(baseUri == null ? base : baseUri), systemId);
                if (!resolved.toExternalForm().startsWith(root)) {
                    throw new IllegalArgumentException("schema import outside the bundle's schema folder refused: " + systemId);
                }
                return new SchemaInput(publicId, resolved.toExternalForm(), resolved.openStream());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try (InputStream in = new URL(base).openStream()) {
            return factory.newSchema(new StreamSource(in, base));
        } catch (SAXException | IOException e) {
            throw new IllegalStateException("cannot load the US-TX schema", e);
        }
    }

    /** A resource of this bundle, found through the bundle's own class loader (not the TCCL). */
    static URL resource(String path) {
        URL url = TexasXml.class.getClassLoader().getResource(path);
        if (url == null) {
            throw new IllegalStateException("missing resource in the US-TX bundle: " + path);
        }
        return url;
    }

    /** An imported schema file, handed to the schema factory as a stream it closes. */
    private record SchemaInput(String publicId, String systemId, InputStream byteStream) implements org.w3c.dom.ls.LSInput {
        @Override public java.io.Reader getCharacterStream() { return null; }
        @Override public void setCharacterStream(java.io.Reader characterStream) { }
        @Override public InputStream getByteStream() { return byteStream; }
        @Override public void setByteStream(InputStream byteStream) { }
        @Override public String getStringData() { return null; }
        @Override public void setStringData(String stringData) { }
        @Override public String getSystemId() { return systemId; }
        @Override public void setSystemId(String systemId) { }
        @Override public String getPublicId() { return publicId; }
        @Override public void setPublicId(String publicId) { }
        @Override public String getBaseURI() { return systemId; }
        @Override public void setBaseURI(String baseURI) { }
        @Override public String getEncoding() { return null; }
        @Override public void setEncoding(String encoding) { }
        @Override public boolean getCertifiedText() { return false; }
        @Override public void setCertifiedText(boolean certifiedText) { }
    }
}
