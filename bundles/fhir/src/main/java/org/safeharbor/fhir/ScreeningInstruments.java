package org.safeharbor.fhir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemAnswerComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.mappings.MappingResources;

/**
 * The screening instruments the intake reads, as data: each a Questionnaire ({@code Questionnaire-<name>.json}: its
 * canonical URL, the URLs a site's EHR uses for it as {@code identifier}s of system {@value #URI_IDENTIFIER}, its
 * items, its instrument code in {@code Questionnaire.code}) and a scoring rule ({@code ScreeningRule-<name>.json},
 * documented in mappings/README.md), both found through {@link MappingResources}, so a site adds an instrument by
 * dropping the two files in {@code etc/safeharbor/mappings/}.
 *
 * <p>A rule is a small JSON file rather than FHIRPath because HAPI's FHIRPath engine needs libraries (UCUM, a cache
 * provider) the platform bundle does not embed, so a FHIRPath rule could not run in Karaf. A rule is checked when it
 * is loaded: its items must exist in its Questionnaire, and its certainty is never above at-risk, because a positive
 * screen is a risk signal, not an allegation of abuse (docs/domain.md, principle 3); a rule that says otherwise
 * stops the intake from starting rather than reach a state.
 */
final class ScreeningInstruments {

    /** The identifier system of a URI: how a Questionnaire lists the other URLs an EHR calls it by. */
    static final String URI_IDENTIFIER = "urn:ietf:rfc:3986";

    /** What a screen's answers come to: a result code, and the risk signal it is (null for a negative result). */
    record Outcome(Coding result, AllegationType type, Certainty certainty) {
        boolean isFinding() {
            return type != null;
        }
    }

    /** The outcomes of one QuestionnaireResponse, and what in it could not be scored (for the hospital's answer). */
    record Score(List<Outcome> outcomes, List<String> notScored) {
    }

    // ------------------------------------------------------------------ the rule file, as Jackson reads it

    record RuleCoding(String system, String code) {
        boolean matches(Coding coding) {
            return coding != null && Objects.equals(code, coding.getCode()) && (system == null || system.equals(coding.getSystem()));
        }

        Coding toCoding() {
            return new Coding(system, code, null);
        }
    }

    record CountedAnswer(@JsonProperty("boolean") Boolean yes, String system, String code) {
        boolean matches(QuestionnaireResponseItemAnswerComponent answer) {
            if (yes != null) {
                return answer.getValue() instanceof BooleanType b && b.hasValue() && b.booleanValue() == yes;
            }
            return answer.hasValueCoding() && new RuleCoding(system, code).matches(answer.getValueCoding());
        }
    }

    record Count(List<String> items, List<CountedAnswer> answers) {
    }

    record RuleOutcome(Integer atLeast, RuleCoding answer, RuleCoding result, String allegation, String certainty) {
    }

    record Rule(String questionnaire, Boolean unconfirmed, String source, String description, Count count, String answerOf,
                List<RuleOutcome> outcomes) {
    }

    /** One instrument: its rule, checked against its Questionnaire. */
    static final class Instrument {
        final String url;
        final String file;
        final Set<String> aliases;
        /** {@code Questionnaire.code}: the instrument in a result Observation's code. */
        final List<Coding> codes;
        final boolean unconfirmed;
        private final Rule rule;
        /** In the rule's order; for a count rule, the highest threshold first. */
        private final List<RuleOutcome> outcomes;

        private Instrument(String file, Questionnaire questionnaire, Rule rule) {
            this.file = file;
            this.url = questionnaire.getUrl();
            this.aliases = new HashSet<>();
            for (Identifier id : questionnaire.getIdentifier()) {
                if (URI_IDENTIFIER.equals(id.getSystem()) && id.hasValue()) {
                    aliases.add(id.getValue());
                }
            }
            this.codes = questionnaire.getCode();
            this.unconfirmed = Boolean.TRUE.equals(rule.unconfirmed()) || questionnaire.getStatus() == org.hl7.fhir.r4.model.Enumerations.PublicationStatus.DRAFT;
            this.rule = rule;
            List<RuleOutcome> ordered = new ArrayList<>(rule.outcomes());
            if (rule.count() != null) {
                ordered.sort((a, b) -> Integer.compare(b.atLeast(), a.atLeast()));
            }
            this.outcomes = List.copyOf(ordered);
        }

        /** Scores a response to this instrument. */
        Score score(QuestionnaireResponse response) {
            List<QuestionnaireResponseItemComponent> items = flatten(response.getItem());
            List<Outcome> result = new ArrayList<>();
            List<String> notScored = new ArrayList<>();
            if (rule.count() != null) {
                List<QuestionnaireResponseItemComponent> scored = items.stream()
                        .filter(i -> rule.count().items().contains(i.getLinkId()) && i.hasAnswer()).toList();
                if (scored.isEmpty()) {
                    notScored.add("the response answers none of the items " + rule.count().items() + " that " + url + " scores");
                } else {
                    // an item counts once, however many of its answers count
                    long count = scored.stream().filter(i -> i.getAnswer().stream()
                            .anyMatch(a -> rule.count().answers().stream().anyMatch(c -> c.matches(a))))
                            .map(QuestionnaireResponseItemComponent::getLinkId).distinct().count();
                    outcomes.stream().filter(o -> count >= o.atLeast()).findFirst().map(this::outcome).ifPresent(result::add);
                }
            } else {
                List<QuestionnaireResponseItemAnswerComponent> answers = items.stream()
                        .filter(i -> rule.answerOf().equals(i.getLinkId())).flatMap(i -> i.getAnswer().stream()).toList();
                if (answers.isEmpty()) {
                    notScored.add("the response has no answer to '" + rule.answerOf() + "', the item " + url + " scores");
                }
                for (QuestionnaireResponseItemAnswerComponent answer : answers) {
                    Optional<RuleOutcome> matched = answer.hasValueCoding() ? outcomes.stream()
                            .filter(o -> o.answer().matches(answer.getValueCoding())).findFirst() : Optional.empty();
                    if (matched.isPresent()) {
                        result.add(outcome(matched.get()));
                    } else {
                        notScored.add("an answer to '" + rule.answerOf() + "' is none of the codes " + url + " scores");
                    }
                }
            }
            return new Score(result, notScored);
        }

        /** The outcome whose result is this coding (a result Observation's value), if any. */
        Optional<Outcome> outcomeOfResult(Coding value) {
            return outcomes.stream().map(this::outcome).filter(o -> new RuleCoding(o.result().getSystem(), o.result().getCode())
                    .matches(value)).findFirst();
        }

        /** True when a result Observation with this code reports a result of this instrument. */
        boolean isCodedBy(CodeableConcept code) {
            return codes.stream().anyMatch(c -> code.hasCoding(c.getSystem(), c.getCode()));
        }

        private Outcome outcome(RuleOutcome o) {
            Coding result = (o.result() != null ? o.result() : o.answer()).toCoding();
            return o.allegation() == null ? new Outcome(result, null, null)
                    : new Outcome(result, AllegationType.fromCode(o.allegation()), Certainty.fromCode(o.certainty()));
        }
    }

    private final Map<String, Instrument> byUrl = new LinkedHashMap<>();

    private ScreeningInstruments() {
    }

    /**
     * Loads every instrument in force ({@link MappingResources#screeningRules()} with their Questionnaires).
     *
     * @throws IllegalStateException naming the file, for a rule that cannot be read, has no Questionnaire, names
     *         an item its Questionnaire does not have, or gives a certainty above at-risk
     */
    static ScreeningInstruments load(FhirContext fhir) {
        Map<String, Questionnaire> questionnaires = new HashMap<>();
        for (String file : MappingResources.questionnaires()) {
            Questionnaire q = parse(fhir, file);
            if (!q.hasUrl()) {
                throw new IllegalStateException(file + ": the Questionnaire has no url");
            }
            if (questionnaires.put(q.getUrl(), q) != null) {
                throw new IllegalStateException(file + ": another Questionnaire has the url " + q.getUrl());
            }
        }
        // a misspelt field fails the load instead of being ignored
        ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        ScreeningInstruments instruments = new ScreeningInstruments();
        for (String file : MappingResources.screeningRules()) {
            Rule rule;
            try (InputStream in = MappingResources.open(file)) {
                rule = json.readValue(in, Rule.class);
            } catch (IOException e) {
                throw new IllegalStateException(file + ": not a screening rule (see mappings/README.md): " + e.getMessage(), e);
            }
            Questionnaire questionnaire = questionnaires.get(rule.questionnaire());
            if (questionnaire == null) {
                throw new IllegalStateException(file + ": no Questionnaire with the url " + rule.questionnaire()
                        + " among " + MappingResources.questionnaires());
            }
            check(file, rule, questionnaire);
            Instrument instrument = new Instrument(file, questionnaire, rule);
            for (String url : union(instrument.url, instrument.aliases)) {
                Instrument other = instruments.byUrl.put(url, instrument);
                if (other != null) {
                    throw new IllegalStateException(file + ": " + url + " is already the url of " + other.file);
                }
            }
        }
        return instruments;
    }

    /** The instrument a QuestionnaireResponse.questionnaire names (its version, after '|', does not matter). */
    Optional<Instrument> byCanonical(String canonical) {
        return canonical == null ? Optional.empty() : Optional.ofNullable(byUrl.get(canonical.split("\\|")[0]));
    }

    /** The instrument a result Observation's code names. */
    Optional<Instrument> byCode(CodeableConcept code) {
        return byUrl.values().stream().filter(i -> i.isCodedBy(code)).findFirst();
    }

    /** The canonical URLs of the instruments (aliases left out), for the hospital's answer. */
    List<String> urls() {
        return byUrl.values().stream().map(i -> i.url).distinct().toList();
    }

    // ------------------------------------------------------------------ checks at load

    private static void check(String file, Rule rule, Questionnaire questionnaire) {
        Map<String, QuestionnaireItemComponent> items = new HashMap<>();
        collect(questionnaire.getItem(), items);
        if ((rule.count() == null) == (rule.answerOf() == null)) {
            throw new IllegalStateException(file + ": give either 'count' or 'answerOf'");
        }
        if (rule.outcomes() == null || rule.outcomes().isEmpty()) {
            throw new IllegalStateException(file + ": no outcomes");
        }
        if (rule.count() != null) {
            if (rule.count().items() == null || rule.count().items().isEmpty() || rule.count().answers() == null
                    || rule.count().answers().isEmpty()) {
                throw new IllegalStateException(file + ": 'count' needs 'items' and 'answers'");
            }
            rule.count().items().forEach(linkId -> item(file, items, linkId));
        } else {
            item(file, items, rule.answerOf());
        }
        QuestionnaireItemComponent answered = rule.answerOf() == null ? null : items.get(rule.answerOf());
        Set<Integer> thresholds = new HashSet<>();
        for (RuleOutcome o : rule.outcomes()) {
            if (rule.count() != null && (o.atLeast() == null || o.atLeast() < 0 || o.answer() != null || o.result() == null
                    || !thresholds.add(o.atLeast()))) {
                throw new IllegalStateException(file + ": each outcome of a count rule has its own 'atLeast' (0 or more) and a 'result'");
            }
            if (rule.answerOf() != null && (o.answer() == null || o.atLeast() != null)) {
                throw new IllegalStateException(file + ": each outcome of an answerOf rule names its 'answer'");
            }
            if (answered != null && answered.hasAnswerOption() && answered.getAnswerOption().stream()
                    .noneMatch(option -> option.hasValueCoding() && o.answer().matches(option.getValueCoding()))) {
                throw new IllegalStateException(file + ": " + o.answer().code() + " is not an answer option of '" + rule.answerOf() + "'");
            }
            checkFinding(file, o);
        }
    }

    /** A screen is at most a risk signal: a rule that would make it an allegation is refused. */
    private static void checkFinding(String file, RuleOutcome o) {
        if (o.allegation() == null) {
            if (o.certainty() != null) {
                throw new IllegalStateException(file + ": certainty '" + o.certainty() + "' without an 'allegation'");
            }
            return;
        }
        try {
            AllegationType.fromCode(o.allegation());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + ": '" + o.allegation() + "' is not an allegation type of " + FhirSystems.HT_ALLEGATION, e);
        }
        if (!Certainty.AT_RISK.code().equals(o.certainty())) {
            throw new IllegalStateException(file + ": certainty '" + o.certainty() + "': a screen is a risk signal, never an"
                    + " allegation of abuse, so its certainty is 'at-risk' (docs/domain.md, Risk signals); a clinician who suspects"
                    + " exploitation after a screen codes the finding itself (a Condition)");
        }
    }

    private static QuestionnaireItemComponent item(String file, Map<String, QuestionnaireItemComponent> items, String linkId) {
        QuestionnaireItemComponent item = items.get(linkId);
        if (item == null) {
            throw new IllegalStateException(file + ": its Questionnaire has no item '" + linkId + "'");
        }
        return item;
    }

    private static void collect(List<QuestionnaireItemComponent> items, Map<String, QuestionnaireItemComponent> into) {
        for (QuestionnaireItemComponent item : items) {
            into.put(item.getLinkId(), item);
            collect(item.getItem(), into);
        }
    }

    /** Every item of a response, nested ones (under an item or under an answer) included. */
    private static List<QuestionnaireResponseItemComponent> flatten(List<QuestionnaireResponseItemComponent> items) {
        List<QuestionnaireResponseItemComponent> all = new ArrayList<>();
        for (QuestionnaireResponseItemComponent item : items) {
            all.add(item);
            all.addAll(flatten(item.getItem()));
            item.getAnswer().forEach(a -> all.addAll(flatten(a.getItem())));
        }
        return all;
    }

    private static Set<String> union(String url, Set<String> aliases) {
        Set<String> all = new HashSet<>(aliases);
        all.add(url);
        return all;
    }

    private static Questionnaire parse(FhirContext fhir, String file) {
        try (InputStream in = MappingResources.open(file)) {
            return fhir.newJsonParser().parseResource(Questionnaire.class, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ca.uhn.fhir.parser.DataFormatException e) {
            throw new IllegalStateException(file + ": not a Questionnaire: " + e.getMessage(), e);
        }
    }
}
