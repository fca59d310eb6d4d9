package org.safeharbor.mappings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Questionnaire;
import org.junit.jupiter.api.Test;

/** The screening Questionnaires: their structure, and that they carry no instrument's wording. */
class QuestionnaireTest {

    /** The SSCST items' wording is the authors': nothing may paraphrase them beyond "SSCST item N". */
    @Test
    void sscstItemsAreNamedNotWorded() {
        Questionnaire q = FhirResources.parse(Questionnaire.class, MappingResources.QUESTIONNAIRE_SSCST);
        assertEquals(MappingResources.QUESTIONNAIRE_SSCST_URL, q.getUrl());
        assertEquals(Enumerations.PublicationStatus.ACTIVE, q.getStatus());
        assertEquals(MappingResources.SCREENING_URL + "#sscst",
                q.getCodeFirstRep().getSystem() + "#" + q.getCodeFirstRep().getCode());
        assertEquals(6, q.getItem().size());
        for (int n = 1; n <= 6; n++) {
            Questionnaire.QuestionnaireItemComponent item = q.getItem().get(n - 1);
            assertEquals(String.valueOf(n), item.getLinkId());
            assertEquals(Questionnaire.QuestionnaireItemType.BOOLEAN, item.getType());
            assertEquals("SSCST item " + n + " (see Greenbaum et al., Pediatric Emergency Care 2018)", item.getText());
        }
    }

    @Test
    void cseItOffersTheThreeLevelsOfConcern() {
        Questionnaire q = FhirResources.parse(Questionnaire.class, MappingResources.QUESTIONNAIRE_CSE_IT);
        assertEquals(MappingResources.QUESTIONNAIRE_CSE_IT_URL, q.getUrl());
        assertEquals(1, q.getItem().size());
        Questionnaire.QuestionnaireItemComponent item = q.getItemFirstRep();
        assertEquals("level-of-concern", item.getLinkId());
        assertEquals(Questionnaire.QuestionnaireItemType.CHOICE, item.getType());
        assertEquals(List.of("cse-it-no-concern", "cse-it-possible-concern", "cse-it-clear-concern"),
                item.getAnswerOption().stream().map(o -> {
                    assertEquals(MappingResources.SCREENING_URL, o.getValueCoding().getSystem());
                    return o.getValueCoding().getCode();
                }).toList());
    }

    /**
     * Florida's HTST (F.S. 409.1754): its items are not in the project's sources, so the Questionnaire is a draft
     * that says it is unconfirmed, and carries only the screener's determination (sex and labor may both be given).
     */
    @Test
    void floridaHtstIsADraftMarkedUnconfirmed() {
        Questionnaire q = FhirResources.parse(Questionnaire.class, MappingResources.QUESTIONNAIRE_FL_HTST);
        assertEquals(MappingResources.QUESTIONNAIRE_FL_HTST_URL, q.getUrl());
        assertEquals(Enumerations.PublicationStatus.DRAFT, q.getStatus());
        assertTrue(q.getDescription().startsWith("UNCONFIRMED"), q.getDescription());
        assertTrue(q.getDescription().contains("409.1754"), q.getDescription());
        assertEquals(MappingResources.SCREENING_URL + "#fl-htst",
                q.getCodeFirstRep().getSystem() + "#" + q.getCodeFirstRep().getCode());
        Questionnaire.QuestionnaireItemComponent item = q.getItemFirstRep();
        assertEquals(1, q.getItem().size());
        assertEquals("determination", item.getLinkId());
        assertTrue(item.getRepeats(), "indicators of sex and of labor trafficking may both be found");
        assertEquals(List.of("fl-htst-sex-trafficking-indicated", "fl-htst-labor-trafficking-indicated", "fl-htst-not-indicated"),
                item.getAnswerOption().stream().map(o -> o.getValueCoding().getCode()).toList());
    }

    /** Every packaged screening Questionnaire has its packaged scoring rule, and no rule is without one. */
    @Test
    void everyPackagedQuestionnaireHasAScoringRule() {
        List<String> questionnaires = MappingResources.questionnaires().stream()
                .map(f -> f.substring(MappingResources.QUESTIONNAIRE_PREFIX.length())).toList();
        List<String> rules = MappingResources.SCREENING_RULE_FILE_NAMES.stream()
                .map(f -> f.substring(MappingResources.SCREENING_RULE_PREFIX.length())).toList();
        assertEquals(questionnaires, rules);
        for (String rule : MappingResources.SCREENING_RULE_FILE_NAMES) {
            String name = rule.substring(MappingResources.SCREENING_RULE_PREFIX.length(), rule.length() - ".json".length());
            Questionnaire q = FhirResources.parse(Questionnaire.class, MappingResources.QUESTIONNAIRE_PREFIX + name + ".json");
            assertTrue(FhirResources.text(rule).contains("\"questionnaire\": \"" + q.getUrl() + "\""), rule + " scores " + q.getUrl());
        }
    }
}
