package org.safeharbor.mappings;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
