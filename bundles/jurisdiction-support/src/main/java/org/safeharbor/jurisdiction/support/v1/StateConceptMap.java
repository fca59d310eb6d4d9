package org.safeharbor.jurisdiction.support.v1;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.SharedCode;

/**
 * A state's FHIR ConceptMap from the shared allegation code ({@value SharedCode#SYSTEM}) to the state's codes, read from
 * the state bundle and applied at run time, so that the published map is the mapping (docs/domain.md: each row cites its
 * source). Each element's source code is a code of one shared dimension (type, certainty, perpetrator relation,
 * caregiver role); a map may have one group or one per dimension (Texas: type, route by perpetrator, certainty). For an
 * allegation, every dimension the map has rows for gives one state code:
 * <ul>
 *   <li>of an element's targets, those whose every {@code dependsOn} holds (properties {@code #type}, {@code #certainty},
 *       {@code #perpetrator}, {@code #caregiver-role} of the shared code system) apply, and the one with the most
 *       conditions wins; two winners, or none, is an error, never a guess;</li>
 *   <li>a target with equivalence {@code unmatched} (e.g. at-risk, ruled-out, historical) means the allegation has no
 *       state code: {@link #translate} is empty and the allegation is not sent;</li>
 *   <li>a dimension value without an element gives no code of that dimension.</li>
 * </ul>
 * {@link #load} checks the map covers every combination the state receives (every type it supports, suspected and
 * confirmed, every perpetrator relation and caregiver role), so a gap fails the bundle's start, not a referral.
 *
 * <p>Why not HAPI FHIR: {@code org.hl7.fhir.r4.terminologies.ConceptMapEngine} (org.hl7.fhir.r4 6.5) skips every target
 * with {@code dependsOn}, refuses an element with more than one target and does not translate by system ("Not done
 * yet"); {@code IValidationSupport.translateConcept} has only a remote terminology server and the chain behind it in
 * HAPI 8.2. A state's map is a few dozen rows: it is read here with Jackson and evaluated as above.
 */
public final class StateConceptMap {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The shared dimensions, the {@code dependsOn} property of each and how an allegation carries it. */
    private enum Dimension {
        TYPE(AllegationType.class, "type", Allegation::type),
        CERTAINTY(Certainty.class, "certainty", Allegation::certainty),
        PERPETRATOR(PerpetratorRelation.class, "perpetrator", Allegation::perpetrator),
        CAREGIVER_ROLE(CaregiverRole.class, "caregiver-role", Allegation::caregiverRole);

        final Class<? extends SharedCode> type;
        final String property;
        final Function<Allegation, SharedCode> of;

        Dimension(Class<? extends SharedCode> type, String property, Function<Allegation, SharedCode> of) {
            this.type = type;
            this.property = SharedCode.SYSTEM + "#" + property;
            this.of = of;
        }

        SharedCode[] codes() {
            return type.getEnumConstants();
        }

        static Dimension of(Class<? extends SharedCode> type) {
            return Arrays.stream(values()).filter(d -> d.type == type).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("not a dimension of the shared code: " + type.getName()));
        }

        static Optional<Dimension> ofCode(String code) {
            return Arrays.stream(values()).filter(d -> Arrays.stream(d.codes()).anyMatch(c -> c.code().equals(code))).findFirst();
        }
    }

    private record Target(String code, String equivalence, Map<Dimension, String> dependsOn) {

        boolean unmatched() {
            return "unmatched".equals(equivalence);
        }

        boolean holdsFor(Allegation allegation) {
            return dependsOn.entrySet().stream().allMatch(d -> d.getKey().of.apply(allegation).code().equals(d.getValue()));
        }
    }

    /** The state's codes for one allegation, by the shared dimension they map from (in the map's order). */
    public record Codes(Map<Class<? extends SharedCode>, String> codes) {

        public Codes {
            codes = Collections.unmodifiableMap(new LinkedHashMap<>(codes));
        }

        /**
         * The state's code for this dimension of the allegation, e.g. {@code of(AllegationType.class)}.
         *
         * @throws IllegalArgumentException when the map has no code for it
         */
        public String of(Class<? extends SharedCode> dimension) {
            String code = codes.get(dimension);
            if (code == null) {
                throw new IllegalArgumentException("the ConceptMap gives no code for " + dimension.getSimpleName());
            }
            return code;
        }
    }

    private final String name;
    /** For each dimension the map has elements of: each source code's targets. */
    private final Map<Dimension, Map<String, List<Target>>> rows = new EnumMap<>(Dimension.class);

    private StateConceptMap(String name, JsonNode map) {
        this.name = name;
        if (!"ConceptMap".equals(map.path("resourceType").asText())) {
            throw invalid("not a ConceptMap");
        }
        for (JsonNode group : map.path("group")) {
            if (!SharedCode.SYSTEM.equals(group.path("source").asText())) {
                throw invalid("a group's source is not " + SharedCode.SYSTEM);
            }
            for (JsonNode element : group.path("element")) {
                String source = element.path("code").asText();
                Dimension dimension = Dimension.ofCode(source).orElseThrow(() -> invalid(source + " is not a code of the shared code"));
                List<Target> targets = new ArrayList<>();
                for (JsonNode target : element.path("target")) {
                    targets.add(target(source, target));
                }
                if (targets.isEmpty() || rows.computeIfAbsent(dimension, d -> new LinkedHashMap<>()).putIfAbsent(source, targets) != null) {
                    throw invalid(source + " has no target, or more than one element");
                }
            }
        }
        if (rows.isEmpty()) {
            throw invalid("no element");
        }
    }

    private Target target(String source, JsonNode target) {
        Map<Dimension, String> dependsOn = new EnumMap<>(Dimension.class);
        for (JsonNode depends : target.path("dependsOn")) {
            String property = depends.path("property").asText();
            String value = depends.path("value").asText();
            Dimension dimension = Arrays.stream(Dimension.values()).filter(d -> d.property.equals(property)).findFirst()
                    .orElseThrow(() -> invalid(source + " depends on " + property + ", not a dimension of the shared code"));
            if (Dimension.ofCode(value).orElse(null) != dimension || dependsOn.put(dimension, value) != null) {
                throw invalid(source + " depends on " + property + " = " + value + ": not one code of that dimension");
            }
        }
        String equivalence = target.path("equivalence").asText();
        String code = target.path("code").asText(null);
        if (!"unmatched".equals(equivalence) && (code == null || code.isBlank())) {
            throw invalid(source + ": a target without a code that is not unmatched");
        }
        return new Target(code, equivalence, dependsOn);
    }

    /** The map in the bundle of {@code owner} (its class loader), for a state that receives every allegation type. */
    public static StateConceptMap load(Class<?> owner, String resource) {
        return load(owner, resource, Set.of());
    }

    /**
     * The map in the bundle of {@code owner} (its class loader), e.g. {@code fhir/ConceptMap-ht-allegation-to-us-xx.json},
     * checked to give every dimension it maps a code for every allegation the state receives: each type but the
     * {@code unsupported} ones (the format's {@code unsupportedTypes()}), suspected or confirmed, with every perpetrator
     * relation and caregiver role.
     *
     * @throws IllegalStateException when the map is missing, unreadable, malformed or has a gap, naming the combination
     */
    public static StateConceptMap load(Class<?> owner, String resource, Collection<AllegationType> unsupported) {
        try (InputStream in = owner.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not in the bundle of " + owner.getName());
            }
            return read(resource, in, unsupported);
        } catch (IOException e) {
            throw new IllegalStateException(resource + " is not JSON: " + e.getClass().getSimpleName(), e);
        }
    }

    /** {@link #load}'s work on a stream, e.g. a test's file; {@code name} names the map in errors. */
    public static StateConceptMap read(String name, InputStream in, Collection<AllegationType> unsupported) throws IOException {
        StateConceptMap map = new StateConceptMap(name, JSON.readTree(in));
        map.checkCovers(unsupported);
        return map;
    }

    private void checkCovers(Collection<AllegationType> unsupported) {
        for (AllegationType type : AllegationType.values()) {
            if (unsupported.contains(type)) {
                continue;
            }
            for (Certainty certainty : Arrays.stream(Certainty.values()).filter(Certainty::isAllegation).toList()) {
                for (PerpetratorRelation perpetrator : PerpetratorRelation.values()) {
                    for (CaregiverRole role : CaregiverRole.values()) {
                        Allegation allegation = new Allegation(type, certainty, perpetrator, role, List.of());
                        if (translate(allegation).map(c -> c.codes().size() < codedDimensions()).orElse(true)) {
                            throw invalid(describe(allegation) + " is received but not mapped by every group");
                        }
                    }
                }
            }
        }
    }

    /** How many dimensions the map gives a code for (not only unmatched rows). */
    private long codedDimensions() {
        return rows.values().stream().filter(bySource -> bySource.values().stream().flatMap(List::stream).anyMatch(t -> !t.unmatched())).count();
    }

    /**
     * The state's codes for an allegation as it is to be sent (a state that reads the perpetrator its own way sets the
     * caregiver role first, e.g. {@link Allegation#withCaregiverStatus}); empty when the map leaves it unmatched.
     *
     * @throws IllegalStateException when no target, or more than one, applies to it: a gap in the map
     */
    public Optional<Codes> translate(Allegation allegation) {
        Map<Class<? extends SharedCode>, String> codes = new LinkedHashMap<>();
        for (Map.Entry<Dimension, Map<String, List<Target>>> dimension : rows.entrySet()) {
            List<Target> targets = dimension.getValue().get(dimension.getKey().of.apply(allegation).code());
            if (targets == null) {
                continue;
            }
            Target target = select(targets, allegation);
            if (target.unmatched()) {
                return Optional.empty();
            }
            codes.put(dimension.getKey().type, target.code());
        }
        return Optional.of(new Codes(codes));
    }

    /** Of the targets whose every condition holds, the one with the most conditions. */
    private Target select(List<Target> targets, Allegation allegation) {
        List<Target> holding = targets.stream().filter(t -> t.holdsFor(allegation)).toList();
        int most = holding.stream().mapToInt(t -> t.dependsOn().size()).max().orElse(-1);
        List<Target> best = holding.stream().filter(t -> t.dependsOn().size() == most).toList();
        if (best.size() != 1) {
            throw invalid((best.isEmpty() ? "no row applies to " : "more than one row applies to ") + describe(allegation));
        }
        return best.get(0);
    }

    /**
     * The shared code a state code of this dimension stands for exactly: the one element whose target is that code with
     * equivalence {@code equal} or {@code equivalent} and no condition (what a reader of the state's payload alone can
     * say, e.g. Texas' {@code sexual-exploitation} is {@code sex-trafficking}); empty when no row says so (a code only
     * {@code wider} than every source, e.g. Illinois' 40).
     *
     * @throws IllegalStateException when more than one element says so
     */
    public <T extends Enum<T> & SharedCode> Optional<T> reverse(Class<T> dimension, String stateCode) {
        List<String> sources = rows.getOrDefault(Dimension.of(dimension), Map.of()).entrySet().stream()
                .filter(e -> e.getValue().stream().anyMatch(t -> t.dependsOn().isEmpty() && stateCode.equals(t.code())
                        && ("equal".equals(t.equivalence()) || "equivalent".equals(t.equivalence()))))
                .map(Map.Entry::getKey).toList();
        if (sources.size() > 1) {
            throw invalid(stateCode + " is equivalent to more than one " + dimension.getSimpleName() + ": " + sources);
        }
        return sources.stream().findFirst().map(code -> Arrays.stream(dimension.getEnumConstants())
                .filter(c -> c.code().equals(code)).findFirst().orElseThrow());
    }

    /** Every state code the map gives for this dimension (unmatched rows give none), in the map's order. */
    public Set<String> codes(Class<? extends SharedCode> dimension) {
        Set<String> codes = new LinkedHashSet<>();
        rows.getOrDefault(Dimension.of(dimension), Map.of()).values().forEach(
                targets -> targets.stream().filter(t -> !t.unmatched()).forEach(t -> codes.add(t.code())));
        return codes;
    }

    private IllegalStateException invalid(String why) {
        return new IllegalStateException("ConceptMap " + name + ": " + why);
    }

    private static String describe(Allegation a) {
        return a.type().code() + "/" + a.certainty().code() + "/" + a.perpetrator().code() + "/" + a.caregiverRole().code();
    }
}
