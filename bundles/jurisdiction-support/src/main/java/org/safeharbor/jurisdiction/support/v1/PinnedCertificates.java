package org.safeharbor.jurisdiction.support.v1;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * TLS client certificates a state's call-back may present, pinned by their SHA-256 fingerprints
 * ({@code statusClientCertificates}: comma-separated hex, {@code AB:CD:...} or {@code abcd...}),
 * compared in constant time.
 */
public final class PinnedCertificates {

    private final List<byte[]> fingerprints;

    public PinnedCertificates(String fingerprints) {
        this.fingerprints = fingerprints == null ? List.of() : Arrays.stream(fingerprints.split(","))
                .map(f -> f.replace(":", "").trim()).filter(f -> !f.isEmpty())
                .map(f -> {
                    try {
                        return HexFormat.of().parseHex(f);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("statusClientCertificates holds a value that is not a hex SHA-256 fingerprint");
                    }
                }).toList();
    }

    public boolean isEmpty() {
        return fingerprints.isEmpty();
    }

    /** True when the chain's first (client) certificate has one of the pinned fingerprints. */
    public boolean admit(X509Certificate[] chain) {
        if (chain == null || chain.length == 0) {
            return false;
        }
        byte[] presented = sha256(chain[0]);
        boolean admitted = false;
        for (byte[] fingerprint : fingerprints) {
            admitted |= MessageDigest.isEqual(fingerprint, presented);
        }
        return admitted;
    }

    private static byte[] sha256(X509Certificate certificate) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            return new byte[0];
        }
    }
}
