package org.safeharbor.routes;

import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.safeharbor.routes.JurisdictionRegistry.ActiveJurisdiction;

/**
 * Computes the readiness report served at {@code /health/ready} and {@code /health}: the CamelContext, the FHIR
 * intake, the broker, the database, the active jurisdictions, the jurisdiction components still waiting, and whether
 * sandbox components are present. Overall status is UP only when the CamelContext, the broker and the database are UP,
 * the FHIR intake and the token endpoint are mounted (so a load balancer never sends a hospital to a server whose
 * {@code /fhir} is not answering yet), no installed jurisdiction component is still waiting to be registered (a
 * dependency missing, its activation failed) and, in the production profile, no sandbox component is present and no
 * secret is still a placeholder the distribution ships ({@link ShippedPlaceholders}). Having
 * no jurisdiction bundle is not an error (referrals then wait on their queues), nor is a jurisdiction component that
 * requires a configuration it has not been given. {@link #live()} is the liveness half: the CamelContext is started.
 *
 * <p>{@code /health} answers anyone, so it says only UP/DOWN and component states: never a URL, a
 * host name, a user, a product or an exception message (which may name any of those).
 */
public final class HealthCheck {

    /** The result: an overall status and a JSON-ready body. */
    public record Result(boolean up, Map<String, Object> body) {
    }

    /**
     * The top-level keys of every report, UP or DOWN ({@code reason} only when the production profile refuses the sandbox or
     * a shipped placeholder secret; which configurations hold one is in the log only).
     */
    public static final List<String> KEYS = List.of("status", "sandbox", "sandboxes", "camelContext", "intake", "broker", "database",
            "jurisdictions", "waitingFor");

    private final CamelContext camel;
    private final BooleanSupplier brokerReachable;
    private final Supplier<DataSource> dataSource;
    private final Supplier<List<ActiveJurisdiction>> jurisdictions;
    private final Supplier<Set<String>> sandboxes;
    private final BooleanSupplier production;
    private final BooleanSupplier intakeMounted;
    private final Supplier<List<String>> waitingComponents;
    private final Supplier<List<String>> placeholders;

    /**
     * @param sandboxes  the jurisdictions whose sandbox components are present (services with
     *                   {@code safeharbor.sandbox=<code>}), see {@link SandboxMarkers}
     * @param production whether the production profile is on ({@code profile=production}, PID
     *                   {@code org.safeharbor.profile}): a sandbox component then makes the report DOWN
     */
    public HealthCheck(CamelContext camel, BooleanSupplier brokerReachable, Supplier<DataSource> dataSource,
                       Supplier<List<ActiveJurisdiction>> jurisdictions, Supplier<Set<String>> sandboxes, BooleanSupplier production) {
        this(camel, brokerReachable, dataSource, jurisdictions, sandboxes, production, () -> true, List::of);
    }

    /**
     * @param intakeMounted     whether the FHIR intake and the token endpoint are mounted on the HTTP server
     * @param waitingComponents the names of installed jurisdiction components not yet registered (see {@link HealthEndpoint})
     */
    public HealthCheck(CamelContext camel, BooleanSupplier brokerReachable, Supplier<DataSource> dataSource,
                       Supplier<List<ActiveJurisdiction>> jurisdictions, Supplier<Set<String>> sandboxes, BooleanSupplier production,
                       BooleanSupplier intakeMounted, Supplier<List<String>> waitingComponents) {
        this(camel, brokerReachable, dataSource, jurisdictions, sandboxes, production, intakeMounted, waitingComponents, List::of);
    }

    /**
     * @param placeholders where the configuration still holds a secret the distribution ships ({@link ShippedPlaceholders}):
     *                     in the production profile the report is then DOWN
     */
    public HealthCheck(CamelContext camel, BooleanSupplier brokerReachable, Supplier<DataSource> dataSource,
                       Supplier<List<ActiveJurisdiction>> jurisdictions, Supplier<Set<String>> sandboxes, BooleanSupplier production,
                       BooleanSupplier intakeMounted, Supplier<List<String>> waitingComponents, Supplier<List<String>> placeholders) {
        this.placeholders = placeholders;
        this.intakeMounted = intakeMounted;
        this.waitingComponents = waitingComponents;
        this.camel = camel;
        this.brokerReachable = brokerReachable;
        this.dataSource = dataSource;
        this.jurisdictions = jurisdictions;
        this.sandboxes = sandboxes;
        this.production = production;
    }

    /** Liveness: the JVM answers and the CamelContext is started; nothing outside the process is asked. */
    public Result live() {
        boolean up = camel.isStarted();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status(up));
        return new Result(up, body);
    }

    /** Readiness (see the class description). */
    public Result check() {
        Map<String, Object> camelPart = new LinkedHashMap<>();
        boolean camelUp = camel.isStarted();
        camelPart.put("status", status(camelUp));
        camelPart.put("state", camel.getStatus().name());
        camelPart.put("routes", camel.getRoutes().size());

        Map<String, Object> intakePart = new LinkedHashMap<>();
        boolean intakeUp = intakeMounted.getAsBoolean();
        intakePart.put("status", status(intakeUp));

        Map<String, Object> brokerPart = new LinkedHashMap<>();
        boolean brokerUp = brokerReachable.getAsBoolean();
        brokerPart.put("status", status(brokerUp));

        Map<String, Object> databasePart = new LinkedHashMap<>();
        boolean databaseUp = checkDatabase(databasePart);

        List<Map<String, Object>> jurisdictionPart = jurisdictions.get().stream().map(j -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("code", j.jurisdiction().code());
            m.put("name", j.displayName());
            m.put("routes", j.routeIds().size());
            return m;
        }).toList();

        List<String> sandboxList = sandboxes.get().stream().sorted().toList();
        boolean sandbox = !sandboxList.isEmpty();
        boolean productionProfile = production.getAsBoolean();
        boolean refused = sandbox && productionProfile;
        List<String> shipped = productionProfile ? placeholders.get() : List.of();

        List<String> waiting = waitingComponents.get();

        boolean up = camelUp && intakeUp && brokerUp && databaseUp && waiting.isEmpty() && !refused && shipped.isEmpty();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status(up));
        List<String> reasons = new java.util.ArrayList<>();
        if (refused) {
            reasons.add("sandbox components in the production profile");
        }
        if (!shipped.isEmpty()) {
            // which configurations, only in the log: /health answers anyone, and would tell them where a default password is
            reasons.add("shipped placeholder secrets or a sandbox trust store in the production profile");
        }
        if (!reasons.isEmpty()) {
            body.put("reason", String.join("; ", reasons));
        }
        body.put("sandbox", sandbox);
        body.put("sandboxes", sandboxList);
        body.put("camelContext", camelPart);
        body.put("intake", intakePart);
        body.put("broker", brokerPart);
        body.put("database", databasePart);
        body.put("jurisdictions", jurisdictionPart);
        body.put("waitingFor", waiting);
        return new Result(up, body);
    }

    private boolean checkDatabase(Map<String, Object> part) {
        DataSource ds = dataSource.get();
        if (ds == null) {
            part.put("status", "DOWN");
            part.put("reason", "no DataSource service");
            return false;
        }
        try (Connection connection = ds.getConnection()) {
            boolean valid = connection.isValid(2);
            part.put("status", status(valid));
            return valid;
        } catch (Exception e) {
            part.put("status", "DOWN");
            // the exception type only: its message may name hosts, users or SQL
            part.put("reason", e.getClass().getSimpleName());
            return false;
        }
    }

    private static String status(boolean up) {
        return up ? "UP" : "DOWN";
    }
}
