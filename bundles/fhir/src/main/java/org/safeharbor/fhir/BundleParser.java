package org.safeharbor.fhir;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Parses a submission body with HAPI, refusing what FHIR does not allow before HAPI sees it: a
 * DOCTYPE in XML (which also rules out XML external entities). Every way a body can be wrong
 * becomes a 400 OperationOutcome naming the element.
 */
final class BundleParser {

    private final FhirContext fhir;

    BundleParser(FhirContext fhir) {
        this.fhir = fhir;
    }

    Bundle parse(byte[] raw, String contentType) {
        String text = new String(raw, StandardCharsets.UTF_8);
        boolean xml = contentType != null ? contentType.toLowerCase(Locale.ROOT).contains("xml") : text.stripLeading().startsWith("<");
        if (xml && text.toUpperCase(Locale.ROOT).contains("<!DOCTYPE")) {
            throw Refusals.badRequest("Bundle", "DOCTYPE declarations are not allowed in FHIR XML");
        }
        IParser parser = (xml ? fhir.newXmlParser() : fhir.newJsonParser())
                .setParserErrorHandler(new LenientErrorHandler(false).setErrorOnInvalidValue(true));
        IBaseResource resource;
        try {
            resource = parser.parseResource(text);
        } catch (DataFormatException e) {
            throw Refusals.badRequest("Bundle", "the body is not well-formed FHIR " + (xml ? "XML" : "JSON") + ": " + e.getMessage());
        } catch (BaseServerResponseException e) {
            throw e;
        } catch (RuntimeException e) {
            throw Refusals.badRequest("Bundle", "the body is not well-formed FHIR " + (xml ? "XML" : "JSON"));
        }
        if (!(resource instanceof Bundle bundle)) {
            throw Refusals.badRequest(resource.fhirType(), "expected a Bundle, got a " + resource.fhirType());
        }
        return bundle;
    }
}
