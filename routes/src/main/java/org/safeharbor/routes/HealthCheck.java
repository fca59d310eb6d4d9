package org.safeharbor.routes;

import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.safeharbor.routes.JurisdictionRegistry.ActiveJurisdiction;

/**
 * Computes the health report served at {@code /health}: the CamelContext, the broker, the database
 * and the active jurisdictions. Overall status is UP only when the first three are UP; having no
 * jurisdiction bundle is not an error (referrals then wait on their queues).
 */
public final class HealthCheck {

    /** The result: an overall status and a JSON-ready body. */
    public record Result(boolean up, Map<String, Object> body) {
    }

    private final CamelContext camel;
    private final BooleanSupplier brokerReachable;
    private final String brokerUrl;
    private final Supplier<DataSource> dataSource;
    private final Supplier<List<ActiveJurisdiction>> jurisdictions;

    public HealthCheck(CamelContext camel, BooleanSupplier brokerReachable, String brokerUrl,
                       Supplier<DataSource> dataSource, Supplier<List<ActiveJurisdiction>> jurisdictions) {
        this.camel = camel;
        this.brokerReachable = brokerReachable;
        this.brokerUrl = brokerUrl;
        this.dataSource = dataSource;
        this.jurisdictions = jurisdictions;
    }

    public Result check() {
        Map<String, Object> camelPart = new LinkedHashMap<>();
        boolean camelUp = camel.isStarted();
        camelPart.put("status", status(camelUp));
        camelPart.put("name", camel.getName());
        camelPart.put("state", camel.getStatus().name());
        camelPart.put("routes", camel.getRoutes().size());

        Map<String, Object> brokerPart = new LinkedHashMap<>();
        boolean brokerUp = brokerReachable.getAsBoolean();
        brokerPart.put("status", status(brokerUp));
        brokerPart.put("url", brokerUrl);

        Map<String, Object> databasePart = new LinkedHashMap<>();
        boolean databaseUp = checkDatabase(databasePart);

        List<Map<String, Object>> jurisdictionPart = jurisdictions.get().stream().map(j -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("code", j.jurisdiction().code());
            m.put("name", j.displayName());
            m.put("queue", j.jurisdiction().queueName());
            m.put("routes", j.routeIds().size());
            return m;
        }).toList();

        boolean up = camelUp && brokerUp && databaseUp;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status(up));
        body.put("camelContext", camelPart);
        body.put("broker", brokerPart);
        body.put("database", databasePart);
        body.put("jurisdictions", jurisdictionPart);
        return new Result(up, body);
    }

    private boolean checkDatabase(Map<String, Object> part) {
        DataSource ds = dataSource.get();
        if (ds == null) {
            part.put("status", "DOWN");
            part.put("reason", "no DataSource service (dataSourceName=safeharbor)");
            return false;
        }
        try (Connection connection = ds.getConnection()) {
            boolean valid = connection.isValid(2);
            part.put("status", status(valid));
            part.put("product", connection.getMetaData().getDatabaseProductName());
            return valid;
        } catch (Exception e) {
            part.put("status", "DOWN");
            part.put("reason", e.getClass().getSimpleName());
            return false;
        }
    }

    private static String status(boolean up) {
        return up ? "UP" : "DOWN";
    }
}
