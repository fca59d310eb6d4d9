package org.safeharbor.client;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.jwk.JWK;

/**
 * {@code bin/safeharbor-client}: what a hospital needs to try the adapter by hand.
 *
 * <pre>
 * safeharbor-client keygen --client-id st-marys --name "St Mary's" --source-endpoint https://ehr.st-marys.example/fhir --out DIR
 *     writes DIR/st-marys.key.json (the private key: keep it) and DIR/st-marys.json (the registration:
 *     the operator copies it to the adapter's etc/safeharbor/clients/)
 * safeharbor-client token --client-id st-marys --key DIR/st-marys.key.json --fhir https://localhost:8443/fhir \
 *     --ca etc/safeharbor/tls/ca.crt [--scope "system/Bundle.c system/Task.rs"]
 *     prints an access token (use it as "Authorization: Bearer TOKEN")
 * </pre>
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !List.of("keygen", "token").contains(args[0])) {
            System.err.println("usage: safeharbor-client keygen --client-id ID [--name NAME] [--alg ES384|RS384]"
                    + " [--kind hospital|law-enforcement] [--source-endpoint URL]... [--scope SCOPES] --out DIR\n"
                    + "       safeharbor-client token --client-id ID --key FILE --fhir URL --ca FILE [--scope SCOPES]");
            System.exit(2);
        }
        Map<String, List<String>> options = options(Arrays.copyOfRange(args, 1, args.length));
        String clientId = required(options, "client-id");
        String kind = options.getOrDefault("kind", List.of("hospital")).get(0);
        // a law-enforcement records system submits custody notices only; a hospital screening reports
        String submit = SmartBackendClient.KIND_LAW_ENFORCEMENT.equals(kind) ? SmartBackendClient.SCOPE_SUBMIT_CUSTODY_NOTICE
                : SmartBackendClient.SCOPE_SUBMIT;
        String scope = options.getOrDefault("scope", List.of(submit + " " + SmartBackendClient.SCOPE_READ_TASKS)).get(0);
        if (args[0].equals("keygen")) {
            Path out = Path.of(required(options, "out"));
            Files.createDirectories(out);
            JWK key = SmartBackendClient.generateKey(options.getOrDefault("alg", List.of("ES384")).get(0));
            Path keyFile = out.resolve(clientId + ".key.json");
            Files.writeString(keyFile, key.toJSONString());
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
            Path registration = out.resolve(clientId + ".json");
            Files.writeString(registration, SmartBackendClient.registration(clientId,
                    options.getOrDefault("name", List.of(clientId)).get(0), kind, key, List.of(scope.split(" ")),
                    options.getOrDefault("source-endpoint", List.of())) + "\n");
            System.out.println("private key:  " + keyFile + " (keep it; never send it)");
            System.out.println("registration: " + registration + " (copy it to the adapter's etc/safeharbor/clients/)");
        } else {
            SmartBackendClient client = new SmartBackendClient(clientId, SmartBackendClient.readKey(Path.of(required(options, "key"))),
                    URI.create(required(options, "fhir")), SmartBackendClient.trusting(Path.of(required(options, "ca"))));
            System.out.println(client.token(scope).accessToken());
        }
    }

    private static Map<String, List<String>> options(String[] args) {
        Map<String, List<String>> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected an option, got " + args[i]);
            }
            options.computeIfAbsent(args[i].substring(2), k -> new java.util.ArrayList<>()).add(args[i + 1]);
        }
        return options;
    }

    private static String required(Map<String, List<String>> options, String name) {
        List<String> value = options.get(name);
        if (value == null) {
            System.err.println("missing --" + name);
            System.exit(2);
        }
        return value.get(0);
    }
}
