package org.safeharbor.jurisdiction.us.fl.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.CopyOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.Handle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.jurisdiction.support.v1.FixedWidth;
import org.safeharbor.jurisdiction.us.fl.FloridaCategories;
import org.safeharbor.jurisdiction.us.fl.FloridaFormat;
import org.safeharbor.jurisdiction.us.fl.layout.AllegationRecord;
import org.safeharbor.jurisdiction.us.fl.layout.BatchHeaderRecord;
import org.safeharbor.jurisdiction.us.fl.layout.BatchTrailerRecord;
import org.safeharbor.jurisdiction.us.fl.layout.StatusCode;
import org.safeharbor.jurisdiction.us.fl.layout.StatusRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for Florida DCF's SFTP intake, for tests and the optional sandbox: a real SFTP server (Apache MINA
 * SSHD, password authentication, a virtual file system rooted in a folder of its own) that behaves as the
 * reference design says the state does. REFERENCE DESIGN: Florida publishes no intake interface.
 *
 * <ul>
 *   <li>A batch file that lands in {@code inbox/} (written under a dot-name and renamed, or written in place) is
 *       checked at once. Its envelope (header, trailer, counts) must hold, or the SFTP operation that completed it
 *       FAILS: a truncated or foreign file is refused whole and nothing of it is recorded.</li>
 *   <li>Each detail line is then unmarshalled with the bundle's own Bindy record class and checked against the
 *       rules (known shared codes, only suspected or confirmed, the DCF category the configured codes give,
 *       allegation numbering). A referral with a bad line is rejected, the others are accepted.</li>
 *   <li>Every accepted referral is recorded, in memory and as {@code <recordDirectory>/<referralId>.dat}, and gets
 *       an intake number {@code FL-<year>-<000001>}; a redelivered referral keeps its number.</li>
 *   <li>The answer is an acknowledgement file {@code outbox/ACK-<batch id>.dat} with one status line per
 *       referral (ACC with the number, or REJ with the reason); {@link #sendStatus} writes a later status file.</li>
 * </ul>
 * Nothing personal is logged: only file names, batch ids, referral ids and counts.
 */
public final class FloridaSftpPeer implements AutoCloseable {

    public static final String INBOX = "inbox";
    public static final String OUTBOX = "outbox";

    private static final Logger LOG = LoggerFactory.getLogger(FloridaSftpPeer.class);
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

    /**
     * How the peer runs.
     *
     * @param host            interface to bind, e.g. {@code 127.0.0.1}
     * @param port            TCP port; 0 picks a free one ({@link #port()} tells which)
     * @param username        the one SFTP user
     * @param password        its password
     * @param serverDirectory the server's own folder: {@code sftp/} (what clients see), host key, processed files
     * @param recordDirectory where each accepted referral is recorded as {@code <referralId>.dat}
     * @param categories      the DCF category codes the records must carry
     * @param clock           for intake numbers and status times
     */
    public record Settings(String host, int port, String username, String password, Path serverDirectory,
                           Path recordDirectory, FloridaCategories categories, Clock clock) {

        public Settings {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(serverDirectory, "serverDirectory");
            Objects.requireNonNull(recordDirectory, "recordDirectory");
            Objects.requireNonNull(categories, "categories");
            Objects.requireNonNull(clock, "clock");
        }

        /** Loopback, a free port, placeholder codes, the system clock. */
        public static Settings local(String username, String password, Path serverDirectory, Path recordDirectory) {
            return new Settings("127.0.0.1", 0, username, password, serverDirectory, recordDirectory,
                    FloridaCategories.PLACEHOLDERS, Clock.systemUTC());
        }
    }

    /**
     * One accepted referral as the state recorded it.
     *
     * @param referralId   the referral id
     * @param intakeNumber the number the peer gave it
     * @param batchId      the batch it came in (the latest, for a redelivery)
     * @param records      its detail records, parsed with the bundle's Bindy layout
     * @param lines        the detail lines exactly as received
     */
    public record Delivery(String referralId, String intakeNumber, String batchId, List<AllegationRecord> records,
                           String lines) {
    }

    /** A referral the peer rejected, with the reason it wrote in the acknowledgement. */
    public record Rejection(String referralId, String batchId, String reason) {
    }

    private final Settings settings;
    private final Path sftpRoot;
    private final Path processed;
    private final Path refused;
    private final FixedWidth fixedWidth = new FixedWidth("safeharbor-us-fl-sandbox-bindy");
    private final Map<String, Delivery> deliveries = new LinkedHashMap<>();
    private final List<Rejection> rejections = new ArrayList<>();
    private final List<String> refusedFiles = new ArrayList<>();
    private final List<String> batches = new ArrayList<>();
    /** The referral id of every referral of every batch taken, in order: a redelivery appears again. */
    private final List<String> received = new ArrayList<>();
    private final AtomicInteger intakeSequence = new AtomicInteger();
    private final AtomicInteger statusSequence = new AtomicInteger();
    private SshServer server;

    public FloridaSftpPeer(Settings settings) {
        this.settings = settings;
        this.sftpRoot = settings.serverDirectory().resolve("sftp").toAbsolutePath().normalize();
        this.processed = settings.serverDirectory().resolve("processed").toAbsolutePath().normalize();
        this.refused = settings.serverDirectory().resolve("refused").toAbsolutePath().normalize();
    }

    /** Starts the SFTP server. */
    public synchronized void start() throws IOException {
        Files.createDirectories(sftpRoot.resolve(INBOX));
        Files.createDirectories(sftpRoot.resolve(OUTBOX));
        Files.createDirectories(processed);
        Files.createDirectories(refused);
        Files.createDirectories(settings.recordDirectory());
        try (Stream<Path> recorded = Files.list(settings.recordDirectory())) {
            // numbers go on from the referrals recorded before a restart
            intakeSequence.set((int) recorded.filter(p -> p.getFileName().toString().endsWith(".dat")).count());
        }
        SftpSubsystemFactory sftp = new SftpSubsystemFactory.Builder().build();
        sftp.addSftpEventListener(new Listener());
        SshServer ssh = SshServer.setUpDefaultServer();
        ssh.setHost(settings.host());
        ssh.setPort(settings.port());
        ssh.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(settings.serverDirectory().resolve("hostkey.ser")));
        byte[] expected = settings.password().getBytes(StandardCharsets.UTF_8);
        ssh.setPasswordAuthenticator((user, password, session) -> settings.username().equals(user)
                && MessageDigest.isEqual(expected, password.getBytes(StandardCharsets.UTF_8)));
        ssh.setPublickeyAuthenticator(null);
        ssh.setKeyboardInteractiveAuthenticator(null);
        ssh.setFileSystemFactory(new VirtualFileSystemFactory(sftpRoot));
        ssh.setSubsystemFactories(List.of(sftp));
        ssh.start();
        server = ssh;
        LOG.info("Florida SFTP peer listening on {}:{}", settings.host(), port());
    }

    /** The port it listens on. */
    public int port() {
        return server.getPort();
    }

    /** The folder clients see as {@code /}. */
    public Path sftpRoot() {
        return sftpRoot;
    }

    /** Every accepted referral, in order of first arrival. */
    public synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries.values());
    }

    public synchronized Optional<Delivery> delivery(String referralId) {
        return Optional.ofNullable(deliveries.get(referralId));
    }

    /** Every referral rejected so far. */
    public synchronized List<Rejection> rejections() {
        return List.copyOf(rejections);
    }

    /** Names of the files refused whole at the transport. */
    public synchronized List<String> refusedFiles() {
        return List.copyOf(refusedFiles);
    }

    /** How many batches taken carried this referral, whatever the peer answered (a redelivery counts again). */
    public synchronized long timesReceived(String referralId) {
        return received.stream().filter(referralId::equals).count();
    }

    /** Batch ids of the files taken. */
    public synchronized List<String> batches() {
        return List.copyOf(batches);
    }

    /**
     * Writes a later status for an accepted referral into the outbox (e.g. screened in), as the state would.
     *
     * @throws IllegalArgumentException for a status the state does not send, or a referral it never accepted
     */
    public synchronized void sendStatus(String referralId, DeliveryStatus status, String reason) throws IOException {
        Delivery delivery = deliveries.get(referralId);
        if (delivery == null) {
            throw new IllegalArgumentException("no accepted referral " + referralId);
        }
        StatusRecord line = status(referralId, StatusCode.of(status), delivery.intakeNumber(), null, reason);
        writeOutbox("STS-" + FILE_TIME.format(settings.clock().instant()) + "-"
                + String.format("%06d", statusSequence.incrementAndGet()) + ".dat", List.of(line));
    }

    @Override
    public synchronized void close() throws IOException {
        if (server != null) {
            server.stop(true);
            server = null;
        }
        fixedWidth.close();
    }

    // ------------------------------------------------------------------ receiving

    /** The SFTP server's events: a file becomes a batch when renamed into the inbox, or closed after writing there. */
    private final class Listener implements SftpEventListener {

        @Override
        public void moving(ServerSession session, Path srcPath, Path dstPath, Collection<CopyOption> opts) throws IOException {
            if (isInboxFile(dstPath)) {
                // refused before the rename: a bad file never appears under its final name
                checkEnvelope(local(srcPath), dstPath.getFileName().toString());
            }
        }

        @Override
        public void moved(ServerSession session, Path srcPath, Path dstPath, Collection<CopyOption> opts, Throwable thrown)
                throws IOException {
            if (thrown == null && isInboxFile(dstPath)) {
                take(local(dstPath));
            }
        }

        @Override
        public void closed(ServerSession session, String remoteHandle, Handle localHandle, Throwable thrown) throws IOException {
            if (thrown == null && localHandle instanceof FileHandle file
                    && file.getOpenOptions().contains(StandardOpenOption.WRITE) && isInboxFile(file.getFile())) {
                Path path = local(file.getFile());
                checkEnvelope(path, path.getFileName().toString());
                take(path);
            }
        }
    }

    private static boolean isInboxFile(Path path) {
        Path parent = path.getParent();
        String name = path.getFileName() == null ? "" : path.getFileName().toString();
        return parent != null && parent.getFileName() != null && INBOX.equals(parent.getFileName().toString())
                && parent.getParent() != null && parent.getParent().getFileName() == null && !name.startsWith(".");
    }

    /** The real file behind a path of the virtual file system. */
    private Path local(Path virtual) throws IOException {
        Path real = sftpRoot.resolve(virtual.toString().replaceFirst("^/+", "")).normalize();
        if (!real.startsWith(sftpRoot)) {
            throw new IOException("outside the SFTP root");
        }
        return real;
    }

    /** The whole-file check; a failure is thrown back to the client as the SFTP operation's error. */
    private synchronized void checkEnvelope(Path file, String name) throws IOException {
        try {
            parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
            refusedFiles.add(name);
            Files.move(file, refused.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            LOG.warn("Florida SFTP peer refused file {}: {}", name, e.getMessage());
            throw new IOException("batch file refused: " + e.getMessage());
        }
    }

    /** A batch file's header and its detail lines, the envelope checked (the records not yet, one by one). */
    private record Batch(BatchHeaderRecord header, List<String> detailLines) {
    }

    /**
     * Checks the envelope: a header of a known layout version first, a trailer last with the same batch id and the
     * right counts. A file that fails here was truncated or is not a batch at all: the receiver refuses it whole.
     *
     * @throws IllegalArgumentException naming what is wrong (no record content, no personal data)
     */
    private Batch parse(String content) {
        List<String> lines = FixedWidth.lines(content);
        if (lines.size() < 2 || !lines.get(0).startsWith(BatchHeaderRecord.TYPE)
                || !lines.get(lines.size() - 1).startsWith(BatchTrailerRecord.TYPE)) {
            throw new IllegalArgumentException("not a batch file: header or trailer missing");
        }
        BatchHeaderRecord header = fixedWidth.readLine(BatchHeaderRecord.class, lines.get(0));
        if (!BatchHeaderRecord.LAYOUT_VERSION.equals(header.getLayoutVersion())) {
            throw new IllegalArgumentException("unknown layout version");
        }
        BatchTrailerRecord trailer = fixedWidth.readLine(BatchTrailerRecord.class, lines.get(lines.size() - 1));
        if (!header.getBatchId().equals(trailer.getBatchId())) {
            throw new IllegalArgumentException("trailer names another batch");
        }
        List<String> details = lines.subList(1, lines.size() - 1);
        if (trailer.getRecordCount() != details.size()) {
            throw new IllegalArgumentException("trailer counts " + trailer.getRecordCount() + " records, file has " + details.size());
        }
        long referrals = details.stream().map(FloridaSftpPeer::referralIdOf).distinct().count();
        if (trailer.getReferralCount() != referrals) {
            throw new IllegalArgumentException("trailer counts " + trailer.getReferralCount() + " referrals, file has " + referrals);
        }
        return new Batch(header, List.copyOf(details));
    }

    /** The referral id at its fixed position (2 to 65) of a detail line, even of a malformed one; blank if absent. */
    private static String referralIdOf(String detailLine) {
        return detailLine.length() <= 1 ? "" : detailLine.substring(1, Math.min(detailLine.length(), 1 + 64)).trim();
    }

    /** Validates every record, records the accepted referrals, acknowledges them all, and moves the file aside. */
    private synchronized void take(Path file) throws IOException {
        String name = file.getFileName().toString();
        Batch batch = parse(Files.readString(file, StandardCharsets.UTF_8));
        String batchId = batch.header().getBatchId();
        Map<String, List<String>> linesByReferral = new LinkedHashMap<>();
        for (String line : batch.detailLines()) {
            linesByReferral.computeIfAbsent(referralIdOf(line), k -> new ArrayList<>()).add(line);
        }
        List<StatusRecord> answer = new ArrayList<>();
        for (Map.Entry<String, List<String>> referral : linesByReferral.entrySet()) {
            String referralId = referral.getKey();
            if (!FloridaFormat.REFERRAL_ID.matcher(referralId).matches()) {
                LOG.warn("Florida SFTP peer: batch {} has {} record(s) without a usable referral id", batchId, referral.getValue().size());
                continue;
            }
            received.add(referralId);
            List<AllegationRecord> records = new ArrayList<>();
            String problem = null;
            for (int i = 0; i < referral.getValue().size() && problem == null; i++) {
                try {
                    AllegationRecord record = fixedWidth.readLine(AllegationRecord.class, referral.getValue().get(i));
                    problem = ruleProblem(record);
                    records.add(record);
                } catch (IllegalArgumentException malformed) {
                    // Bindy's message may quote the field's content: the reason names only the record
                    problem = "record " + (i + 1) + " does not match the " + BatchHeaderRecord.LAYOUT_VERSION + " fixed-width layout";
                }
            }
            if (problem == null) {
                problem = numberingProblem(records);
            }
            if (problem != null) {
                rejections.add(new Rejection(referralId, batchId, problem));
                answer.add(status(referralId, StatusCode.REJ, null, batchId, problem));
                continue;
            }
            Delivery before = deliveries.get(referralId);
            String number = before != null ? before.intakeNumber() : nextIntakeNumber();
            String lines = String.join("\r\n", referral.getValue()) + "\r\n";
            deliveries.put(referralId, new Delivery(referralId, number, batchId, List.copyOf(records), lines));
            writeAtomically(settings.recordDirectory().resolve(referralId + ".dat"), lines);
            answer.add(status(referralId, StatusCode.ACC, number, batchId, null));
        }
        writeOutbox("ACK-" + batchId + ".dat", answer);
        batches.add(batchId);
        Files.move(file, processed.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        long accepted = answer.stream().filter(a -> StatusCode.ACC.name().equals(a.getStatusCode())).count();
        LOG.info("Florida SFTP peer took batch {}: {} referral(s) accepted, {} rejected", batchId, accepted, answer.size() - accepted);
    }

    /** The state's rules for one record; null when it holds. */
    private String ruleProblem(AllegationRecord record) {
        if (record.isRiskSignal()) {
            // a child in DCF's care's at-risk signal (42 U.S.C. 671(a)(34)): the rule and a known form, no certainty
            try {
                FloridaFormat.allegation(record);
                return null;
            } catch (IllegalArgumentException notASignal) {
                return "not a valid risk-signal record (rule " + AllegationRecord.SIGNAL_RULE + ", a known form, nothing else)";
            }
        }
        if (!AllegationRecord.TYPE.equals(record.getRecordType())) {
            return "not a detail record";
        }
        Allegation allegation;
        try {
            allegation = FloridaFormat.allegation(record);
        } catch (IllegalArgumentException unknownCode) {
            return "unknown shared allegation code";
        }
        if (allegation.certainty() != Certainty.SUSPECTED && allegation.certainty() != Certainty.CONFIRMED) {
            return "only suspected or confirmed allegations are taken";
        }
        if (!settings.categories().isKnown(record.getDcfCategory())) {
            return "unknown DCF category code";
        }
        if (!settings.categories().categoryOf(allegation).equals(record.getDcfCategory())) {
            return "DCF category does not match the allegation's type and perpetrator";
        }
        return null;
    }

    private static String numberingProblem(List<AllegationRecord> records) {
        int count = records.size();
        for (int i = 0; i < count; i++) {
            if (records.get(i).getAllegationSeq() != i + 1 || records.get(i).getAllegationCount() != count) {
                return "allegation numbering is not 1.." + count + " of " + count;
            }
        }
        return null;
    }

    private String nextIntakeNumber() {
        int year = LocalDateTime.ofInstant(settings.clock().instant(), ZoneOffset.UTC).getYear();
        return String.format("FL-%d-%06d", year, intakeSequence.incrementAndGet());
    }

    private StatusRecord status(String referralId, StatusCode code, String intakeNumber, String batchId, String reason) {
        StatusRecord r = new StatusRecord();
        r.setReferralId(referralId);
        r.setStatusCode(code.name());
        r.setIntakeNumber(intakeNumber);
        r.setStatusAt(LocalDateTime.ofInstant(settings.clock().instant().truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC));
        r.setBatchId(batchId);
        r.setReason(reason);
        return r;
    }

    /** An outbox file appears whole: written under a dot-name (clients skip those), then renamed. */
    private void writeOutbox(String name, List<StatusRecord> lines) throws IOException {
        if (lines.isEmpty()) {
            return;
        }
        writeAtomically(sftpRoot.resolve(OUTBOX).resolve(name), fixedWidth.write(lines));
    }

    private static void writeAtomically(Path target, String content) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + ".part");
        Files.writeString(temp, content, StandardCharsets.UTF_8);
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
