package org.safeharbor.jurisdiction.us.tx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.KeyStore;

import org.safeharbor.jurisdiction.support.v1.SandboxPeer;
import org.safeharbor.jurisdiction.us.tx.sandbox.TexasAgencyPeer;
import org.safeharbor.jurisdiction.us.tx.sandbox.TexasSandbox;
import org.safeharbor.jurisdiction.us.tx.wire.Agency;

/** The sandbox peers' TLS material in the tests: their key store, and a trust store file as the sandbox gives the adapter. */
public final class SandboxTls {

    private SandboxTls() {
    }

    /** The peers' key store (this bundle's resource). */
    public static KeyStore keys() {
        return TexasSandbox.keyStore(TexasSandbox.KEY_STORE, TexasSandbox.PASSWORD);
    }

    /** A trust store file holding only the peers' certificate, password {@link TexasSandbox#PASSWORD}. */
    public static String trustStoreFile() {
        try {
            Path file = SandboxPeer.writeTrustStore(keys(), TexasSandbox.PASSWORD.toCharArray());
            file.toFile().deleteOnExit();
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A sandbox agency on a free local port with the peers' certificate and the tests' clock, started; it writes each
     * report it takes into {@code directory} (null: memory only).
     */
    public static TexasAgencyPeer agency(Agency agency, Path directory) throws Exception {
        TexasAgencyPeer peer = new TexasAgencyPeer(agency, "127.0.0.1", 0, keys(), TexasSandbox.PASSWORD, directory, TestSupport.CLOCK);
        peer.start();
        return peer;
    }

    /** Both sandbox agencies, started, each writing what it takes below {@code directory}. */
    public record Agencies(TexasAgencyPeer cps, TexasAgencyPeer lawEnforcement) {

        public static Agencies start(Path directory) throws Exception {
            return new Agencies(agency(Agency.CPS_INTAKE, directory.resolve("cps-intake")),
                    agency(Agency.LAW_ENFORCEMENT, directory.resolve("law-enforcement")));
        }

        public void stop() throws Exception {
            cps.stop();
            lawEnforcement.stop();
        }
    }

    /** That trust store, loaded. */
    public static KeyStore trust() {
        return TexasSandbox.keyStore(trustStoreFile(), TexasSandbox.PASSWORD);
    }
}
