package org.safeharbor.fhir;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationOptions;
import ca.uhn.fhir.validation.ValidationResult;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a submission against the project's FHIR package ({@link FhirPackage}: StructureDefinition/screening-report and
 * the profiles it slices in) with HAPI FHIR's {@link FhirInstanceValidator}, over HAPI's R4 core resources and in-memory
 * terminology. Errors refuse the submission (422, or 400 for a Bundle's structure), each issue naming the failing
 * element as a FHIRPath expression; warnings travel with the 202.
 *
 * <p>HAPI's messages quote what the hospital sent ("Value is '...'", "Unknown code '...'", resource ids): none of their
 * text is passed on. Each issue is rewritten from what is the profile's (the rule's id, the element's path, the
 * profile's title and the element's short description, the value set's URL) and never from the submission.
 *
 * <p>Building the validator and its first validation take seconds (HAPI's R4 core, snapshots, FHIRPath): it is
 * built once per bundle start on a thread of its own, ready after it validated the package's first example, and a
 * submission that arrives before waits for it. The other examples are checked after that, on the same thread.
 * Validation is never skipped: if the validator cannot be built, submissions get 500.
 */
final class ProfileValidation {

    private static final Logger LOG = LoggerFactory.getLogger(ProfileValidation.class);

    /** The rule ids whose issue is not passed on: narrative is a best practice a submission need not follow. */
    private static final Set<String> QUIET = Set.of("http://hl7.org/fhir/StructureDefinition/DomainResource#dom-6");

    /** The screening-report's rule that a submission carries at least one finding the intake reads. */
    static final String NO_FINDING = "shb-rep-1";

    /**
     * The coded elements whose code outside their (extensible) value set makes the resource one the intake does not read:
     * another diagnosis, another Flag. Accepted with a warning and never forwarded (the minimum necessary), because
     * refusing the whole submission would lose the report it carries.
     */
    private static final Set<String> NOT_READ_OUTSIDE = Set.of("Condition.code", "Flag.category", "Flag.code");

    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/");
    /** A location as the validator writes it (element names, indices, ofType): anything else is not passed on. */
    private static final Pattern LOCATION = Pattern.compile("Bundle((\\.[A-Za-z][A-Za-z0-9]*)(\\[\\d+])?|\\.ofType\\([A-Za-z]+\\))*");
    private static final Pattern ENTRY = Pattern.compile("^Bundle\\.entry\\[(\\d+)]\\.resource");
    private static final Pattern CARDINALITY = Pattern.compile("^([A-Z][A-Za-z0-9.\\[\\]]*): (minimum required|max allowed) = (\\d+)");
    private static final Pattern SLICE = Pattern.compile("^Slice '([A-Za-z][A-Za-z0-9.:]*)'");
    private static final Pattern VALUE_SET = Pattern.compile("\\((" + Pattern.quote(FhirPackage.CANONICAL)
            + "/ValueSet/[A-Za-z0-9.-]+|http://hl7\\.org/fhir/ValueSet/[A-Za-z0-9.-]+)(\\|[0-9.]+)?\\)");
    private static final Pattern RULE_ID = Pattern.compile("[A-Za-z0-9_#:/.-]{1,160}");

    /** One issue as passed on: where and which rule, never a value. */
    record Issue(String expression, String rule, IssueType type, boolean structure, boolean notRead) {
        Issue(String expression, String rule, IssueType type, boolean structure) {
            this(expression, rule, type, structure, false);
        }
    }

    /** What the check found: the errors (empty when the submission conforms) and the warnings. */
    record Outcome(List<Issue> errors, List<Issue> warnings, long nanos) {
    }

    private static ProfileValidation shared;

    /** The one validator of this bundle's class loader, built (on a thread of its own) at the first call. */
    static synchronized ProfileValidation shared() {
        if (shared == null) {
            shared = new ProfileValidation(FhirContext.forR4());
        }
        return shared;
    }

    /** @param profileByType by submission profile (a screening report's, a custody notice's): each entry type's profile */
    private record Loaded(FhirPackage pkg, FhirValidator validator, IValidationSupport support,
                          Map<String, Map<String, String>> profileByType) {
    }

    /**
     * How long a submission that arrives before the validator is ready waits for it: past this it is answered 503 with
     * Retry-After (nothing kept; the hospital's engine resends), well within an interface engine's HTTP timeout.
     */
    static final java.time.Duration READY_WAIT = java.time.Duration.ofSeconds(20);

    private final FhirContext fhir;
    /** The package alone, read first (a second): what the public conformance endpoints and /metadata serve. */
    private final CompletableFuture<FhirPackage> pkg = new CompletableFuture<>();
    private final CompletableFuture<Loaded> loaded = new CompletableFuture<>();

    ProfileValidation(FhirContext fhir) {
        this.fhir = fhir;
        Thread thread = new Thread(() -> {
            try {
                FhirPackage read = withPlatformLoader(() -> FhirPackage.load(fhir));
                pkg.complete(read);
                loaded.complete(build(read));
            } catch (RuntimeException | Error e) {
                LOG.error("The FHIR profile validator could not be built: submissions are refused (500) until the bundle restarts", e);
                pkg.completeExceptionally(e);
                loaded.completeExceptionally(e);
                return;
            }
            try {
                checkOtherExamples(loaded.join());
            } catch (RuntimeException e) {
                LOG.error("The FHIR package's examples could not all be checked ({}); submissions are still validated",
                        e.getClass().getSimpleName());
            }
        }, "safeharbor-profile-validation");
        thread.setDaemon(true);
        thread.start();
    }

    /** The package validated against and served (waits for it to be read, not for the validator). */
    FhirPackage fhirPackage() {
        try {
            return pkg.join();
        } catch (CompletionException e) {
            throw new InternalErrorException("the FHIR package could not be read; see the log");
        }
    }

    /** Whether the validator is built and warmed: a submission is checked at once. */
    boolean ready() {
        return loaded.isDone() && !loaded.isCompletedExceptionally();
    }

    /** Completes once the validator is built and warmed (true) or could not be built (false). */
    CompletableFuture<Boolean> whenBuilt() {
        return loaded.handle((l, failure) -> failure == null);
    }

    /**
     * Whether a code is in one of the package's ValueSets, by the validator's own terminology (the package's ValueSets
     * and CodeSystems, HAPI's in-memory expansion): what {@code ValueSet/$validate-code} answers.
     */
    IValidationSupport.CodeValidationResult validateCode(String valueSetUrl, String system, String code, String display) {
        Loaded l = loaded();
        return withPlatformLoader(() -> l.support().validateCode(new ca.uhn.fhir.context.support.ValidationSupportContext(l.support()),
                new ca.uhn.fhir.context.support.ConceptValidationOptions(), system, code, display, valueSetUrl));
    }

    /**
     * Checks a submission.
     *
     * @return the outcome, whose errors are empty
     * @throws UnprocessableEntityException (or InvalidRequestException for a Bundle's structure) naming each error
     */
    Outcome check(Bundle bundle) {
        Outcome outcome = validate(bundle);
        if (!outcome.errors().isEmpty()) {
            throw refusal(outcome.errors(), submissionProfile(bundle));
        }
        return outcome;
    }

    /** Validates without refusing: the errors and warnings, rewritten without any value of the submission. */
    Outcome validate(Bundle bundle) {
        Loaded l = loaded();
        long start = System.nanoTime();
        ValidationResult result = withPlatformLoader(() -> l.validator().validateWithResult(bundle,
                new ValidationOptions().addProfile(submissionProfile(bundle))));
        Map<String, Issue> errors = new LinkedHashMap<>();
        Map<String, Issue> warnings = new LinkedHashMap<>();
        for (SingleValidationMessage m : result.getMessages()) {
            if (m.getMessageId() != null && QUIET.contains(m.getMessageId())) { // some of HAPI's messages have no id
                continue;
            }
            Map<String, Issue> into = switch (m.getSeverity()) {
                case ERROR, FATAL -> errors;
                case WARNING -> warnings;
                default -> null;
            };
            if (into != null) {
                Issue issue = issue(m, bundle, l);
                // the validator may say one thing twice (with and without the resource's id in the path), or say an unknown
                // code and a code outside the value set at one place: one issue per element, the value set's first, and
                // "this is not read" before a best practice
                Issue before = into.get(issue.expression());
                if (before == null || issue.rule().contains("value set") && !before.rule().contains("value set")
                        || issue.notRead() && !before.notRead()) {
                    into.put(issue.expression(), issue);
                }
            }
        }
        return new Outcome(List.copyOf(pointed(errors.values(), warnings.values())), List.copyOf(warnings.values()),
                System.nanoTime() - start);
    }

    /**
     * shb-rep-1 (no finding at all) fails on the Bundle: its issue names the first element that kept an entry from being a
     * finding (a Condition's code, a Flag's category or status: their warnings), as the intake's own refusal did, so the
     * hospital sees which code was not one; {@code Bundle.entry} when no entry came close.
     */
    private static List<Issue> pointed(java.util.Collection<Issue> errors, java.util.Collection<Issue> warnings) {
        List<Issue> out = new ArrayList<>();
        for (Issue e : errors) {
            if (e.rule().startsWith("constraint " + NO_FINDING + " ")) {
                Optional<Issue> why = warnings.stream().filter(w -> w.notRead()).findFirst();
                e = new Issue(why.map(Issue::expression).orElse("Bundle.entry"),
                        e.rule() + why.map(w -> "; here: " + w.rule()).orElse(""), IssueType.NOTFOUND, false, false);
            }
            out.add(e);
        }
        return out;
    }

    /**
     * The profile a submission is checked against: a law-enforcement custody notice's
     * ({@link FhirPackage#CUSTODY_NOTICE_PROFILE}, by its MessageHeader's event) or a hospital's screening report's.
     */
    static String submissionProfile(Bundle bundle) {
        return CustodyNoticeReader.isCustodyNotice(bundle) ? FhirPackage.CUSTODY_NOTICE_PROFILE : FhirPackage.SUBMISSION_PROFILE;
    }

    static BaseServerResponseException refusal(List<Issue> errors, String profile) {
        OperationOutcome outcome = new OperationOutcome();
        for (Issue e : errors.subList(0, Math.min(errors.size(), 50))) {
            outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(e.type()).setDiagnostics(e.rule()).addExpression(e.expression());
        }
        String message = "the submission does not conform to " + profile + ": " + errors.get(0).expression()
                + ": " + errors.get(0).rule();
        return errors.get(0).structure() ? new InvalidRequestException(message, outcome) : new UnprocessableEntityException(message, outcome);
    }

    // ------------------------------------------------------------------ building

    private Loaded loaded() {
        try {
            return loaded.get(READY_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            // still warming up (the bundle just started): the hospital resends; nothing was kept
            ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException starting =
                    new ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException(503,
                            "SafeHarbor Bridge is starting: the FHIR profile validator is not ready yet; send the submission again");
            starting.addResponseHeader("Retry-After", "10");
            throw starting;
        } catch (java.util.concurrent.ExecutionException e) {
            // never skip validation: a submission that cannot be checked is not accepted
            throw new InternalErrorException("the FHIR profile validator did not start; see the log");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InternalErrorException("interrupted while waiting for the FHIR profile validator");
        }
    }

    private Loaded build(FhirPackage pkg) {
        return withPlatformLoader(() -> {
            long start = System.nanoTime();
            PrePopulatedValidationSupport conformance = new PrePopulatedValidationSupport(fhir);
            Map<String, Questionnaire> questionnaires = new LinkedHashMap<>();
            for (MetadataResource r : pkg.resources()) {
                if (r instanceof Questionnaire q) {
                    questionnaires.put(q.getUrl(), q);
                } else if (!"CapabilityStatement".equals(r.fhirType())) {
                    conformance.addResource(r);
                }
            }
            ValidationSupportChain chain = new ValidationSupportChain(conformance, new QuestionnaireSupport(fhir, questionnaires),
                    new DefaultProfileValidationSupport(fhir), new CommonCodeSystemsTerminologyService(fhir),
                    new InMemoryTerminologyServerValidationSupport(fhir), new SnapshotGeneratingValidationSupport(fhir));
            FhirValidator validator = fhir.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
            Map<String, Map<String, String>> byType = new LinkedHashMap<>();
            for (String submission : List.of(FhirPackage.SUBMISSION_PROFILE, FhirPackage.CUSTODY_NOTICE_PROFILE)) {
                Map<String, String> types = byType.computeIfAbsent(submission, k -> new LinkedHashMap<>());
                pkg.profile(submission).orElseThrow().getDifferential().getElement().stream()
                        .filter(el -> el.getId().matches("Bundle\\.entry:[A-Za-z]+\\.resource"))
                        .flatMap(el -> el.getType().stream())
                        .forEach(t -> types.put(t.getCode(), t.getProfile().get(0).getValue()));
            }
            Loaded l = new Loaded(pkg, validator, chain, byType);
            long built = System.nanoTime();
            // the first validation loads HAPI's R4 core (most of the warm-up) and, for a package whose profiles came
            // without snapshots, generates them: from then on a submission is checked at once
            pkg.examples().entrySet().stream().findFirst().ifPresent(example -> checkExample(l, example));
            LOG.info("Profile validation ready: FHIR package {} {} ({} conformance resources), validator built in {} ms,"
                    + " first validation in {} ms", pkg.name(), pkg.version(), pkg.resources().size(),
                    (built - start) / 1_000_000, (System.nanoTime() - built) / 1_000_000);
            return l;
        });
    }

    /**
     * The package's other examples, once the validator is ready: each must conform (an error is logged if one does
     * not), and validating them warms the validator's code for the rest of the package's profiles.
     */
    private void checkOtherExamples(Loaded l) {
        long start = System.nanoTime();
        List<Map.Entry<String, String>> others = l.pkg().examples().entrySet().stream().skip(1).toList();
        withPlatformLoader(() -> {
            others.forEach(example -> checkExample(l, example));
            return null;
        });
        LOG.info("FHIR package {} {}: {} more examples checked in {} ms", l.pkg().name(), l.pkg().version(), others.size(),
                (System.nanoTime() - start) / 1_000_000);
    }

    private static void checkExample(Loaded l, Map.Entry<String, String> example) {
        long errors = l.validator().validateWithResult(example.getValue(), new ValidationOptions()
                .addProfile(FhirPackage.SUBMISSION_PROFILE)).getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL).count();
        if (errors > 0) {
            LOG.error("FHIR package {} {}: its example {} does not conform to {} ({} errors)", l.pkg().name(), l.pkg().version(),
                    example.getKey(), FhirPackage.SUBMISSION_PROFILE, errors);
        }
    }

    /**
     * HAPI finds its cache provider and parts of the validator through the thread's context class loader (ServiceLoader):
     * inside Karaf that must be the platform bundle's, which embeds them.
     */
    private static <T> T withPlatformLoader(Supplier<T> work) {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(FhirInstanceValidator.class.getClassLoader());
        try {
            return work.get();
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    /** Serves the package's Questionnaires by canonical URL, so that a QuestionnaireResponse is checked against its own. */
    private static final class QuestionnaireSupport implements IValidationSupport {
        private final FhirContext fhir;
        private final Map<String, Questionnaire> byUrl;

        QuestionnaireSupport(FhirContext fhir, Map<String, Questionnaire> byUrl) {
            this.fhir = fhir;
            this.byUrl = byUrl;
        }

        @Override
        public FhirContext getFhirContext() {
            return fhir;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T extends IBaseResource> T fetchResource(Class<T> type, String uri) {
            if (uri == null || type != null && !type.isAssignableFrom(Questionnaire.class)) {
                return null;
            }
            return (T) byUrl.get(uri.split("\\|")[0]);
        }

        @Override
        public String getName() {
            return "SafeHarbor Bridge Questionnaires";
        }
    }

    // ------------------------------------------------------------------ messages without values

    /** One validator message as the hospital sees it: where (FHIRPath) and which rule, in words from the profile. */
    private Issue issue(SingleValidationMessage m, Bundle bundle, Loaded l) {
        String location = m.getLocationString() == null ? "Bundle" : COMMENT.matcher(m.getLocationString()).replaceAll("");
        if (!LOCATION.matcher(location).matches()) {
            location = "Bundle";
        }
        String type = "Bundle";
        String rest = location.substring("Bundle".length());
        Matcher entry = ENTRY.matcher(location);
        if (entry.find()) {
            int index = Integer.parseInt(entry.group(1));
            if (index < bundle.getEntry().size() && bundle.getEntry().get(index).hasResource()) {
                type = bundle.getEntry().get(index).getResource().fhirType();
                rest = location.substring(entry.end());
            }
        }
        String elementPath = type + rest.replaceAll("\\[\\d+]", "").replaceAll("\\.ofType\\([A-Za-z]+\\)", "");
        String submission = submissionProfile(bundle);
        String profileUrl = l.profileByType().get(submission).getOrDefault(type, submission);
        Optional<StructureDefinition> profile = l.pkg().profile(profileUrl);
        String profileName = "profile " + profile.map(StructureDefinition::getName).orElse("?") + " (" + profileUrl + ")";
        String id = m.getMessageId() == null ? "" : m.getMessageId();
        String message = m.getMessage() == null ? "" : m.getMessage();

        Matcher cardinality = CARDINALITY.matcher(message);
        if (id.startsWith("Validation_VAL_Profile_Minimum_SLICE") || id.startsWith("Validation_VAL_Profile_Maximum_SLICE")) {
            Matcher slice = SLICE.matcher(message);
            String sliceId = slice.find() ? slice.group(1) : null;
            String what = sliceId == null ? "an entry" : sliceId.substring(sliceId.indexOf(':') + 1) + " ("
                    + shortOf(profile, sliceId).orElse("") + ")";
            return new Issue(location, (id.contains("Minimum") ? "a required entry is missing: " : "too many entries: ") + what
                    + ", as " + profileName + " says", IssueType.REQUIRED, false);
        }
        if (id.startsWith("Validation_VAL_Profile_M") && cardinality.find()) {
            String path = cardinality.group(1);
            boolean minimum = cardinality.group(2).startsWith("minimum");
            String element = path.substring(path.lastIndexOf('.') + 1).replace("[x]", "");
            String expression = minimum ? location + "." + element : location;
            String rule = (minimum ? path + " is required (at least " : path + " may appear at most ") + cardinality.group(3)
                    + (minimum ? ")" : " times") + " by " + profileName + shortOf(profile, path).map(s -> ": " + s).orElse("");
            // the Bundle's own elements (its type, its entries) are its structure, as the reader's 400s say
            return new Issue(expression, rule, IssueType.REQUIRED, "Bundle".equals(location));
        }
        if (id.contains("#")) {
            String key = id.substring(id.indexOf('#') + 1);
            String human = constraint(l, id.substring(0, id.indexOf('#')), key).orElse("");
            boolean bundleRule = key.startsWith("bdl-");
            // a message's first entry must be its MessageHeader (bdl-12): name the entry that is not
            String expression = "bdl-12".equals(key) ? "Bundle.entry[0].resource" : location;
            return new Issue(expression, "constraint " + (RULE_ID.matcher(key).matches() ? key : "?") + " failed: " + human,
                    bundleRule ? IssueType.STRUCTURE : IssueType.INVARIANT, bundleRule, key.startsWith("shb-flag-") || key.startsWith("shb-obs-"));
        }
        if (id.startsWith("Terminology_")) {
            Matcher vs = VALUE_SET.matcher(message);
            String valueSet = vs.find() ? vs.group(1) : null;
            String expression = coding(location, bundle, l, valueSet);
            boolean notRead = valueSet != null && NOT_READ_OUTSIDE.contains(elementPath);
            String rule = valueSet == null
                    ? "the code is not defined by its code system (" + elementPath + ", " + profileName + ")"
                    : "the code is not in the value set " + valueSet + l.pkg().byUrl(ValueSet.class, valueSet)
                            .map(v -> " (" + v.getTitle() + ")").orElse("") + " that " + profileName + " binds to " + elementPath
                            + (notRead && !isError(m) ? ": this " + type + " is not read and not forwarded to any state" : "");
            return new Issue(expression, rule, IssueType.CODEINVALID, false, notRead);
        }
        if (id.startsWith("Questionnaire_QR_")) {
            String what = switch (id) {
                case "Questionnaire_QR_Item_NoCoding", "Questionnaire_QR_Item_NoOptions", "Questionnaire_QR_Item_Coding" ->
                        "an answer is not one of the item's answer options";
                case "Questionnaire_QR_Item_Missing" -> "a required item has no answer";
                case "Questionnaire_QR_Item_NotFound" -> "an item is not one of the Questionnaire's";
                case "Questionnaire_QR_Item_WrongType", "Questionnaire_QR_Item_WrongType2" -> "an answer is not of the item's type";
                default -> "rule " + safe(id);
            };
            return new Issue(location, "the answers do not agree with the Questionnaire the response names: " + what,
                    IssueType.INVALID, false);
        }
        if (id.contains("Fixed") || id.contains("Pattern")) {
            return new Issue(location, elementPath + " does not have the value " + profileName + " requires"
                    + shortOf(profile, elementPath).map(s -> " (" + s + ")").orElse(""), IssueType.VALUE, false);
        }
        return new Issue(location, elementPath + " does not conform to " + profileName + " (rule " + safe(id) + ")",
                IssueType.STRUCTURE, false);
    }

    private static boolean isError(SingleValidationMessage m) {
        return m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL;
    }

    private static String safe(String id) {
        return RULE_ID.matcher(id).matches() ? id : "?";
    }

    /** The short description of an element (or a slice) of a profile's differential, e.g. of Patient.birthDate. */
    private static Optional<String> shortOf(Optional<StructureDefinition> profile, String path) {
        if (profile.isEmpty() || path == null) {
            return Optional.empty();
        }
        return profile.get().getDifferential().getElement().stream()
                .filter(el -> el.getId().equals(path) || el.getId().equals(path + "[x]"))
                .map(ElementDefinition::getShort).filter(s -> s != null && !s.isBlank()).findFirst();
    }

    /** The human text of an invariant, from the package's profiles or FHIR R4's (never from the message). */
    private static Optional<String> constraint(Loaded l, String structure, String key) {
        IBaseResource sd = l.support().fetchStructureDefinition(structure);
        if (!(sd instanceof StructureDefinition definition)) {
            return Optional.empty();
        }
        List<ElementDefinition> elements = new ArrayList<>(definition.getSnapshot().getElement());
        elements.addAll(definition.getDifferential().getElement());
        return elements.stream().flatMap(el -> el.getConstraint().stream()).filter(c -> key.equals(c.getKey()))
                .map(ElementDefinition.ElementDefinitionConstraintComponent::getHuman).findFirst();
    }

    /**
     * Where a coded element went wrong: the system of its first coding when the value set includes no code of that system,
     * its code otherwise; the element itself when it is not a CodeableConcept.
     */
    private String coding(String location, Bundle bundle, Loaded l, String valueSet) {
        List<Base> found;
        try {
            found = fhir.newFhirPath().evaluate(bundle, location, Base.class);
        } catch (RuntimeException e) {
            return location;
        }
        String at;
        org.hl7.fhir.r4.model.Coding coding;
        if (found.size() == 1 && found.get(0) instanceof CodeableConcept concept && concept.hasCoding()) {
            at = location + ".coding[0]";
            coding = concept.getCodingFirstRep();
        } else if (found.size() == 1 && found.get(0) instanceof org.hl7.fhir.r4.model.Coding c && location.endsWith("]")) {
            at = location;
            coding = c;
        } else {
            return location;
        }
        Set<String> systems = valueSet == null ? Set.of() : systems(l, valueSet, new LinkedHashSet<>());
        String system = coding.getSystem();
        return at + "." + (system == null || !systems.isEmpty() && !systems.contains(system) ? "system" : "code");
    }

    private static Set<String> systems(Loaded l, String valueSet, Set<String> into) {
        l.pkg().byUrl(ValueSet.class, valueSet).ifPresent(vs -> vs.getCompose().getInclude().forEach(include -> {
            if (include.hasSystem()) {
                into.add(include.getSystem());
            }
            include.getValueSet().forEach(nested -> systems(l, nested.getValue(), into));
        }));
        return into;
    }
}
