package org.safeharbor.jurisdiction.support.v1;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;

/**
 * Who may POST a status to the adapter: a caller presenting the configured bearer token, or one whose
 * TLS client certificate (mutual TLS on the core's server, which asks for one) has one of the configured
 * SHA-256 fingerprints. Secrets are compared in constant time. Shared by the state bundles whose
 * states call back over HTTP (Massachusetts, Texas).
 */
public final class StatusCallers {

    /** The servlet request attribute holding the client's certificate chain (Jetty sets it under TLS). */
    public static final String CLIENT_CERTIFICATES = "jakarta.servlet.request.X509Certificate";
    /** A status is a few hundred bytes: 64 KiB by default is plenty, and bounds what an anonymous caller can send. */
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

    private final byte[] bearer;
    private final PinnedCertificates certificates;

    /**
     * @param token        the bearer token, blank for none
     * @param fingerprints SHA-256 fingerprints of accepted client certificates, comma-separated hex
     *                     ({@code AB:CD:...} or {@code abcd...}), blank for none
     */
    public StatusCallers(String token, String fingerprints) {
        this.bearer = token == null || token.isBlank() ? null : ("Bearer " + token.trim()).getBytes(StandardCharsets.UTF_8);
        this.certificates = new PinnedCertificates(fingerprints);
    }

    /** False when nobody could be admitted: the status endpoint must not start. */
    public boolean configured() {
        return bearer != null || !certificates.isEmpty();
    }

    /** True for the configured token, or a client certificate with a configured fingerprint. */
    public boolean admit(String authorization, X509Certificate[] chain) {
        boolean admitted = false;
        if (bearer != null && authorization != null) {
            admitted = MessageDigest.isEqual(bearer, authorization.trim().getBytes(StandardCharsets.UTF_8));
        }
        admitted |= certificates.admit(chain);
        return admitted;
    }

    /**
     * At most {@code maxBytes} of a body: a declared length over the bound is refused before anything is
     * read, and an undeclared (chunked) one is read no further than one byte past it.
     *
     * @return the bytes, or null when the body is larger than {@code maxBytes}
     */
    public static byte[] bounded(InputStream in, long declaredLength, int maxBytes) throws IOException {
        if (declaredLength > maxBytes) {
            return null;
        }
        byte[] body = in.readNBytes(maxBytes + 1);
        return body.length > maxBytes ? null : body;
    }
}
