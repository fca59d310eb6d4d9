package org.safeharbor.auth.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

/**
 * A client as registered in its file under {@code etc/safeharbor/clients/}.
 *
 * @param keys                    its public keys: the inline {@code jwks}, or its {@code jwks_uri}, fetched and cached
 * @param keyDescription          where the keys come from, for listings (never the keys)
 * @param certificateThumbprints  SHA-256 thumbprints (base64url, as {@code x5t#S256}) of the TLS client
 *                                certificates it must present; empty when mutual TLS is not required
 */
record RegisteredClient(String clientId, String name, String kind, JWKSource<SecurityContext> keys, String keyDescription,
                        Set<String> scopes, Set<String> sourceEndpoints, Set<String> certificateThumbprints, Path file) {

    static final List<String> KINDS = List.of("hospital", "auditor", org.safeharbor.auth.Caller.LAW_ENFORCEMENT);
}
