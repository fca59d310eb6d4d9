package org.safeharbor.jurisdiction.us.tx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.allegation;
import static org.safeharbor.tck.ConformanceReferrals.referral;

import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.Sex;
import org.safeharbor.jurisdiction.support.v1.SchemaXml.InvalidDocumentException;
import org.safeharbor.jurisdiction.us.tx.wire.ChildTraffickingReportType;
import org.safeharbor.jurisdiction.us.tx.wire.IntakeRoute;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

/** Texas' own rules in the format: shared code -> route and NIEM codes, and what the XML carries. */
class TexasFormatTest {

    private static final Jurisdiction TX = Jurisdiction.of("US-TX");
    private final TexasNiemFormat format = new TexasNiemFormat(Duration.ofHours(24));

    /** CPS Handbook §2380: the perpetrator's relation (and the caregiver role) decides the route. */
    @ParameterizedTest(name = "{0} ({1}) -> {2}, {3}")
    @CsvSource({
            // relation,              role,               Texas caregiver status, route
            "parent,                  act,                caregiver,     cps-investigation",
            "step-or-foster-parent,   act,                caregiver,     cps-investigation",
            "other-caregiver,         act,                caregiver,     cps-investigation",
            "parent,                  not-applicable,     caregiver,     cps-investigation",
            "parent,                  failure-to-protect, caregiver,     law-enforcement-notice-and-cps",
            "other-caregiver,         failure-to-protect, caregiver,     law-enforcement-notice-and-cps",
            "non-family,              act,                non-caregiver, law-enforcement-notice",
            "non-family,              not-applicable,     non-caregiver, law-enforcement-notice",
            "other-family-member,     act,                undetermined,  law-enforcement-notice-and-cps",
            "multiple,                act,                undetermined,  law-enforcement-notice-and-cps",
            "unknown,                 not-applicable,     undetermined,  law-enforcement-notice-and-cps"})
    void perpetratorRelationDecidesTheRoute(String relation, String role, String caregiverStatus, String route) {
        Allegation a = allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED,
                PerpetratorRelation.fromCode(relation), CaregiverRole.fromCode(role));
        assertEquals(Optional.of(IntakeRoute.fromValue(route)), format.route(List.of(a)));

        Element aug = only(reportOf(referral(TX, a)), TexasXml.EXT, "JuvenileAbuseNeglectAllegationAugmentation");
        assertEquals(caregiverStatus, aug.getElementsByTagNameNS(TexasXml.EXT, "PerpetratorCaregiverStatusCode").item(0).getTextContent());
        assertEquals(route, aug.getElementsByTagNameNS(TexasXml.EXT, "IntakeRouteCode").item(0).getTextContent());
    }

    /** The type travels in hs:HumanTraffickingVictim (NCANDS' list has no trafficking value) and exactly in ext:. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "sex-trafficking,      sexual-exploitation",
            "exploitation-through-prostitution, sexual-exploitation",
            "survival-sex,         sexual-exploitation",
            "pornography,          sexual-exploitation",
            "sex-tourism-marriage, sexual-exploitation",
            "sexual-venue,         sexual-exploitation",
            "labor-trafficking,    labor-exploitation"})
    void typeBecomesTheExploitationIndustryCode(String type, String industry) {
        Document doc = reportOf(referral(TX, allegation(AllegationType.fromCode(type), Certainty.CONFIRMED,
                PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT)));
        assertEquals(industry, only(doc, TexasXml.HS, "ExploitationIndustryCode").getTextContent());
        assertEquals("confirmed", only(doc, TexasXml.HS, "IdentifiedAsVictimStatus").getTextContent().trim());
        assertEquals(type, only(doc, TexasXml.EXT, "AllegationTypeCode").getTextContent());
        // no NCANDS category, no venue: neither has a true value for this report
        assertEquals(0, doc.getElementsByTagNameNS(TexasXml.HS, "TraffickedVenueCode").getLength());
    }

    /** The report's route combines its allegations' routes; the clock's due time is there only for law enforcement. */
    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @CsvSource({
            "parent,     parent,     cps-investigation,              false",
            "non-family, non-family, law-enforcement-notice,         true",
            "parent,     non-family, law-enforcement-notice-and-cps, true",
            "parent,     unknown,    law-enforcement-notice-and-cps, true"})
    void reportRouteCombinesItsAllegations(String first, String second, String route, boolean clock) {
        Referral referral = referral(TX,
                allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.fromCode(first), CaregiverRole.ACT),
                allegation(AllegationType.LABOR_TRAFFICKING, Certainty.CONFIRMED, PerpetratorRelation.fromCode(second), CaregiverRole.ACT));
        Document doc = reportOf(referral);
        assertEquals(route, only(doc, TexasXml.EXT, "ReportRouteCode").getTextContent());
        var due = doc.getElementsByTagNameNS(TexasXml.EXT, "LawEnforcementNotificationDueDateTime");
        assertEquals(clock ? 1 : 0, due.getLength());
        if (clock) {
            assertEquals(referral.receivedAt().plus(Duration.ofHours(24)), Instant.parse(due.item(0).getTextContent()));
        }
    }

    @Test
    void everyWrittenReportIsValidAgainstTheBundlesSchema() {
        for (AllegationType type : AllegationType.values()) {
            for (PerpetratorRelation relation : PerpetratorRelation.values()) {
                String xml = format.write(referral(TX, allegation(type, Certainty.SUSPECTED, relation, CaregiverRole.ACT))).orElseThrow();
                TexasXml.read(xml, ChildTraffickingReportType.class); // throws when invalid
            }
        }
    }

    @Test
    void writesOnlyTheDeclaredFieldsAndTheChildAsVictim() {
        String xml = format.write(referral(TX, allegation(AllegationType.EXPLOITATION_THROUGH_PROSTITUTION, Certainty.CONFIRMED,
                PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT))).orElseThrow();
        Referral back = format.read(xml);
        assertEquals(Sex.UNKNOWN, back.child().sex(), "sex is not sent");
        assertNull(back.occurredAt(), "when the finding was recorded is not sent");
        assertNull(back.placeOfCare().identifier(), "the hospital's identifier is not sent");
        assertTrue(back.evidence().isEmpty(), "references to hospital records are not sent");
        assertEquals(List.of("4242 Qwertzwick Lane"), back.child().residence().lines());
        assertEquals("TX", back.child().residence().state());
        assertEquals("+1-555-0199", back.reporter().phone());
        assertTrue(xml.contains("<hs:Child>"), "the child is hs:Child, the alleged victim");
    }

    @Test
    void sendsNothingForRiskSignalsRuledOutOrHistoricalFindings() {
        for (Certainty certainty : List.of(Certainty.AT_RISK, Certainty.RULED_OUT, Certainty.HISTORICAL)) {
            assertTrue(format.write(referral(TX, Allegation.of(AllegationType.SEX_TRAFFICKING, certainty))).isEmpty(), certainty.code());
        }
    }

    @Test
    void theSchemaItselfRefusesANonAllegationCertainty() {
        String xml = format.write(referral(TX, allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED,
                PerpetratorRelation.UNKNOWN, CaregiverRole.NOT_APPLICABLE))).orElseThrow();
        String atRisk = xml.replace("<ext:AllegationCertaintyCode>suspected<", "<ext:AllegationCertaintyCode>at-risk<");
        assertFalse(atRisk.equals(xml));
        assertThrows(InvalidDocumentException.class, () -> format.read(atRisk));
    }

    @Test
    void refusesADoctype() {
        String xml = format.write(referral(TX, allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED,
                PerpetratorRelation.UNKNOWN, CaregiverRole.NOT_APPLICABLE))).orElseThrow();
        String withEntity = xml.replaceFirst("\\?>", "?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/hostname\">]>");
        InvalidDocumentException e = assertThrows(InvalidDocumentException.class, () -> format.read(withEntity));
        assertTrue(e.getMessage().contains("DOCTYPE"), e.getMessage());
    }

    /** A plain NIEM reader without our extension still learns the kind of exploitation and the certainty. */
    @Test
    void readsAReportWithoutTheExtension() {
        String xml = format.write(referral(TX, allegation(AllegationType.LABOR_TRAFFICKING, Certainty.CONFIRMED,
                PerpetratorRelation.PARENT, CaregiverRole.ACT))).orElseThrow();
        String plain = xml.replaceAll("<ext:JuvenileAbuseNeglectAllegationAugmentation>.*?</ext:JuvenileAbuseNeglectAllegationAugmentation>", "");
        assertFalse(plain.equals(xml));
        Allegation back = format.read(plain).allegations().get(0);
        assertEquals(AllegationType.LABOR_TRAFFICKING, back.type());
        assertEquals(Certainty.CONFIRMED, back.certainty());
        assertEquals(PerpetratorRelation.UNKNOWN, back.perpetrator());
    }

    /** The report, valid against the schema, as a DOM to look into. */
    private Document reportOf(Referral referral) {
        String xml = format.write(referral).orElseThrow();
        TexasXml.read(xml, ChildTraffickingReportType.class);
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
            factory.setNamespaceAware(true);
            return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Element only(Document doc, String ns, String name) {
        var list = doc.getElementsByTagNameNS(ns, name);
        assertEquals(1, list.getLength(), name);
        return (Element) list.item(0);
    }
}
