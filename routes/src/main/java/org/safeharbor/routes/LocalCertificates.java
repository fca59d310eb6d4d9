package org.safeharbor.routes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificates of a fresh install, made on first start the way Elasticsearch 8 does: a private
 * CA and a server certificate it signs for the configured host names, so the adapter speaks TLS
 * from its first second without an operator's key store. Written under {@code etc/safeharbor/tls/}:
 * <ul>
 *   <li>{@code ca.crt}: the CA certificate (PEM), what hospitals and state peers trust;</li>
 *   <li>{@code ca.p12}: the CA's key, to issue a new server certificate later (readable by the owner only);</li>
 *   <li>{@code server.p12}: the server's key and chain (owner only);</li>
 *   <li>{@code keystore.password}: the password of both key stores (owner only).</li>
 * </ul>
 * Deleting {@code server.p12} makes a new server certificate from the same CA at the next start
 * (e.g. after changing the host names), so clients keep trusting {@code ca.crt}.
 * Keys are EC P-256, signed with SHA-256 with ECDSA; Bouncy Castle only builds the certificates,
 * the JDK's own providers do the cryptography.
 */
final class LocalCertificates {

    static final String CA_CERT = "ca.crt";
    static final String CA_STORE = "ca.p12";
    static final String SERVER_STORE = "server.p12";
    static final String PASSWORD = "keystore.password";
    private static final Pattern IP = Pattern.compile("^[0-9.]+$|^[0-9a-fA-F:]*:[0-9a-fA-F:.]*$");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The server key store and its password. */
    record ServerKeyStore(Path path, char[] password, boolean created) {
    }

    private LocalCertificates() {
    }

    /** The server key store in {@code dir}, made first (and the CA with it) if it is not there. */
    static ServerKeyStore ensure(Path dir, List<String> hostNames) throws IOException, GeneralSecurityException {
        Path server = dir.resolve(SERVER_STORE);
        if (Files.exists(server)) {
            return new ServerKeyStore(server, Files.readString(dir.resolve(PASSWORD)).trim().toCharArray(), false);
        }
        Files.createDirectories(dir);
        char[] password = password(dir);
        KeyStore caStore;
        if (Files.exists(dir.resolve(CA_STORE))) {
            caStore = load(dir.resolve(CA_STORE), password);
        } else {
            caStore = newCa(hostNames.get(0), password);
            writeOwnerOnly(dir.resolve(CA_STORE), out -> caStore.store(out, password));
            X509Certificate caCert = (X509Certificate) caStore.getCertificate("ca");
            Files.writeString(dir.resolve(CA_CERT), pem(caCert));
        }
        PrivateKey caKey = (PrivateKey) caStore.getKey("ca", password);
        X509Certificate caCert = (X509Certificate) caStore.getCertificate("ca");
        KeyPair serverKeys = ecKeyPair();
        X509Certificate serverCert = serverCertificate(caCert, caKey, serverKeys, hostNames);
        KeyStore serverStore = KeyStore.getInstance("PKCS12");
        serverStore.load(null, null);
        serverStore.setKeyEntry("server", serverKeys.getPrivate(), password, new Certificate[] {serverCert, caCert});
        writeOwnerOnly(server, out -> serverStore.store(out, password));
        return new ServerKeyStore(server, password, true);
    }

    private static KeyStore newCa(String hostName, char[] password) throws GeneralSecurityException, IOException {
        KeyPair keys = ecKeyPair();
        X500Name name = new org.bouncycastle.asn1.x500.X500NameBuilder().addRDN(org.bouncycastle.asn1.x500.style.BCStyle.O, "SafeHarbor Bridge")
                .addRDN(org.bouncycastle.asn1.x500.style.BCStyle.CN, "SafeHarbor Bridge local CA " + hostName + " " + Instant.now().toString().substring(0, 10)).build();
        Instant now = Instant.now();
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(3650))), name, keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()));
        X509Certificate cert = sign(builder, keys.getPrivate());
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("ca", keys.getPrivate(), password, new Certificate[] {cert});
        return store;
    }

    private static X509Certificate serverCertificate(X509Certificate ca, PrivateKey caKey, KeyPair keys, List<String> hostNames)
            throws GeneralSecurityException, IOException {
        List<GeneralName> names = new ArrayList<>();
        for (String host : hostNames) {
            names.add(new GeneralName(IP.matcher(host).matches() ? GeneralName.iPAddress : GeneralName.dNSName, host));
        }
        Instant now = Instant.now();
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        // 825 days: the longest validity clients such as browsers and macOS accept for a server certificate
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, serial(), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(825))), new org.bouncycastle.asn1.x500.X500NameBuilder().addRDN(org.bouncycastle.asn1.x500.style.BCStyle.CN, hostNames.get(0)).build(), keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)))
                .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(ca))
                .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()));
        return sign(builder, caKey);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
        } catch (OperatorCreationException | java.security.cert.CertificateException e) {
            throw new GeneralSecurityException("cannot sign a certificate", e);
        }
    }

    private static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM);
    }

    private static char[] password(Path dir) throws IOException, GeneralSecurityException {
        Path file = dir.resolve(PASSWORD);
        if (Files.exists(file)) {
            return Files.readString(file).trim().toCharArray();
        }
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        writeOwnerOnly(file, out -> out.write(password.getBytes(StandardCharsets.US_ASCII)));
        return password.toCharArray();
    }

    static KeyStore load(Path path, char[] password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, password);
        }
        return store;
    }

    static String pem(X509Certificate certificate) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(certificate);
        }
        return text.toString();
    }

    private interface Writer {
        void write(OutputStream out) throws IOException, GeneralSecurityException;
    }

    /** Written to a temporary file created readable by the owner only, then moved in place. */
    private static void writeOwnerOnly(Path file, Writer content) throws IOException, GeneralSecurityException {
        Path partial = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(partial);
        Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(partial)) {
            content.write(out);
        }
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
