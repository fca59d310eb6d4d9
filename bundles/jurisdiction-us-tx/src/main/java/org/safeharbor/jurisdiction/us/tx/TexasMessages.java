package org.safeharbor.jurisdiction.us.tx;

import static org.safeharbor.jurisdiction.us.tx.TexasXml.EXT;
import static org.safeharbor.jurisdiction.us.tx.TexasXml.NC;
import static org.safeharbor.jurisdiction.us.tx.TexasXml.child;
import static org.safeharbor.jurisdiction.us.tx.TexasXml.requiredText;
import static org.safeharbor.jurisdiction.us.tx.TexasXml.text;

import java.io.StringWriter;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

import org.safeharbor.api.v1.DeliveryStatus;
import org.w3c.dom.Element;

/**
 * The two answers of the Texas reference design: the receiving system's acknowledgement (the HTTP response
 * to a report) and its later status reports (POSTed to the adapter at {@code /jurisdictions/us-tx/status}).
 * The adapter reads both; the sandbox peer writes both.
 */
public final class TexasMessages {

    private TexasMessages() {
    }

    /** What the receiving system answers to a report: its own intake (CPS) or case (law enforcement) number. */
    public record Acknowledgement(String referralId, String intakeNumber, Agency agency, Instant at) {
        public Acknowledgement {
            Objects.requireNonNull(referralId, "referralId");
            Objects.requireNonNull(intakeNumber, "intakeNumber");
            Objects.requireNonNull(agency, "agency");
            Objects.requireNonNull(at, "at");
        }
    }

    /** The statuses a receiving system reports later, and what each means for the hospital. */
    public enum StateStatus {
        RECEIVED("received", DeliveryStatus.ACKNOWLEDGED),
        SCREENED_IN("screened-in", DeliveryStatus.SCREENED_IN),
        SCREENED_OUT("screened-out", DeliveryStatus.SCREENED_OUT),
        INVESTIGATION_OPENED("investigation-opened", DeliveryStatus.INVESTIGATION_OPENED),
        REJECTED("rejected", DeliveryStatus.REJECTED);

        private final String code;
        private final DeliveryStatus deliveryStatus;

        StateStatus(String code, DeliveryStatus deliveryStatus) {
            this.code = code;
            this.deliveryStatus = deliveryStatus;
        }

        public String code() {
            return code;
        }

        /** The canonical status this state status becomes. */
        public DeliveryStatus deliveryStatus() {
            return deliveryStatus;
        }

        public static StateStatus fromCode(String code) {
            return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst()
                    .orElseThrow(() -> new InvalidDocumentException("unknown ReferralStatusCode"));
        }
    }

    /** A later status of one report at one agency; {@code reason} is the state's text, without personal data. */
    public record StatusReport(String referralId, String intakeNumber, Agency agency, StateStatus status, Instant at,
                               String reason) {
        public StatusReport {
            Objects.requireNonNull(referralId, "referralId");
            Objects.requireNonNull(agency, "agency");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(at, "at");
        }
    }

    // ------------------------------------------------------------------ acknowledgement

    public static String writeAcknowledgement(Acknowledgement ack) {
        return document("ReferralAcknowledgement", w -> {
            identification(w, "ReferralIdentification", ack.referralId());
            identification(w, "IntakeNumberIdentification", ack.intakeNumber());
            leaf(w, "ReceivingAgencyCode", ack.agency().code());
            leaf(w, "AcknowledgementDateTime", ack.at().toString());
        });
    }

    /** @throws InvalidDocumentException when the answer is not a valid acknowledgement */
    public static Acknowledgement readAcknowledgement(String xml) {
        Element root = TexasXml.parseValid(xml, "ReferralAcknowledgement");
        return new Acknowledgement(id(root, "ReferralIdentification"), id(root, "IntakeNumberIdentification"),
                agency(root), instant(root, "AcknowledgementDateTime"));
    }

    // ------------------------------------------------------------------ status report

    public static String writeStatusReport(StatusReport status) {
        return document("ReferralStatusReport", w -> {
            identification(w, "ReferralIdentification", status.referralId());
            if (status.intakeNumber() != null) {
                identification(w, "IntakeNumberIdentification", status.intakeNumber());
            }
            leaf(w, "ReceivingAgencyCode", status.agency().code());
            leaf(w, "ReferralStatusCode", status.status().code());
            leaf(w, "StatusDateTime", status.at().toString());
            if (status.reason() != null && !status.reason().isBlank()) {
                leaf(w, "StatusReasonText", status.reason());
            }
        });
    }

    /** @throws InvalidDocumentException when the document is not a valid status report */
    public static StatusReport readStatusReport(String xml) {
        Element root = TexasXml.parseValid(xml, "ReferralStatusReport");
        return new StatusReport(id(root, "ReferralIdentification"),
                child(root, EXT, "IntakeNumberIdentification").map(e -> requiredText(e, NC, "IdentificationID")).orElse(null),
                agency(root),
                StateStatus.fromCode(requiredText(root, EXT, "ReferralStatusCode")),
                instant(root, "StatusDateTime"),
                text(root, EXT, "StatusReasonText").orElse(null));
    }

    // ------------------------------------------------------------------ helpers

    private interface Body {
        void write(XMLStreamWriter w) throws XMLStreamException;
    }

    private static String document(String rootName, Body body) {
        StringWriter out = new StringWriter();
        XMLStreamWriter w = TexasXml.writer(out);
        try {
            w.writeStartDocument("UTF-8", "1.0");
            w.setPrefix("ext", EXT);
            w.setPrefix("nc", NC);
            w.writeStartElement(EXT, rootName);
            w.writeNamespace("ext", EXT);
            w.writeNamespace("nc", NC);
            body.write(w);
            w.writeEndElement();
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write ext:" + rootName, e);
        }
        return out.toString();
    }

    private static void identification(XMLStreamWriter w, String name, String value) throws XMLStreamException {
        w.writeStartElement(EXT, name);
        w.writeStartElement(NC, "IdentificationID");
        w.writeCharacters(value);
        w.writeEndElement();
        w.writeEndElement();
    }

    private static void leaf(XMLStreamWriter w, String name, String value) throws XMLStreamException {
        w.writeStartElement(EXT, name);
        w.writeCharacters(value);
        w.writeEndElement();
    }

    private static Agency agency(Element root) {
        try {
            return Agency.fromCode(requiredText(root, EXT, "ReceivingAgencyCode"));
        } catch (IllegalArgumentException unknown) {
            throw new InvalidDocumentException("unknown ReceivingAgencyCode");
        }
    }

    /**
     * A time the schema takes as an xs:dateTime; the adapter needs an instant, so one without its offset from UTC
     * (which xs:dateTime allows) is refused here, naming the element.
     */
    private static Instant instant(Element root, String name) {
        try {
            return Instant.parse(requiredText(root, EXT, name));
        } catch (java.time.format.DateTimeParseException e) {
            throw new InvalidDocumentException(name + " is not a date and time with its offset from UTC (e.g. 2026-11-22T08:30:00Z)");
        }
    }

    private static String id(Element root, String name) {
        return requiredText(child(root, EXT, name).orElseThrow(() -> new InvalidDocumentException("missing " + name)),
                NC, "IdentificationID");
    }
}
