package org.safeharbor.jurisdiction.us.fl;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;

import org.apache.camel.Endpoint;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.file.remote.SftpEndpoint;
import org.apache.camel.support.SynchronizationAdapter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StateFormat;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.jurisdiction.support.v1.StateTransport;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.jurisdiction.support.v1.SandboxPeer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Florida (US-FL): DCF's three trafficking categories (F.S. 409.1754, Rule 65C-43.002; code values unconfirmed,
 * so configuration), delivered as a fixed-width batch file over SFTP on a schedule; the state's acknowledgement
 * and later status files come back in the SFTP outbox. REFERENCE DESIGN: Florida publishes no intake interface.
 *
 * <pre>
 * referrals.US-FL ─▶ US-FL-receive (base class) ─▶ US-FL-spool: the referral's records, written and fsynced to
 *                    the spool directory, one file per referral; only then is the queue message acknowledged
 * timer every batchInterval ─▶ US-FL-batch: spool files ─▶ one batch file ─▶ sftp: inbox (temp name, then
 *                    rename) ─▶ DELIVERED per referral ─▶ spool files deleted
 * sftp: outbox (delete after read, idempotent) ─▶ US-FL-status: each status line ─▶ ACKNOWLEDGED (intake
 *                    number) / REJECTED / SCREENED_IN / SCREENED_OUT / INVESTIGATION_OPENED
 * </pre>
 *
 * Why a spool directory: the queue is transacted, and its message must not be acknowledged before the referral
 * is safely in a batch. Camel's aggregator keeps its groups in memory unless given a persistent repository, and
 * the platform ships none; a file per referral, written with fsync under a temporary name and then renamed, is
 * durable, needs nothing more, and makes a redelivered referral overwrite itself instead of doubling. A crash
 * after the upload and before the spool is cleared resends those referrals in the next batch: at least once, and
 * the state de-duplicates by referral id.
 *
 * <p>No statutory clock: docs/domain.md gives none for Florida, so {@link #deadlineRules()} is empty.
 *
 * <p>The adapter follows the sandbox peer's service ({@link SandboxPeer}, {@code safeharbor.sandbox=US-FL}, bundle
 * {@code safeharbor-jurisdiction-us-fl-sandbox}): while it is there, it takes from it the server, port, user and
 * password its configuration leaves unset, and accepts a loopback server with an unchecked host key. Without it, the
 * SFTP server ({@code sftpHost}, no default) and user are required, its host key must be checked against
 * {@code knownHostsFile}, a server on this machine's loopback interface is refused, and a password
 * ({@code .sftpPassword}) or a private key ({@code privateKeyFile}) is required; the routes do not start otherwise.
 * Credentials are set on the SFTP endpoints, never written into their URIs.
 */
@Component(service = JurisdictionAdapter.class, property = Jurisdiction.SERVICE_PROPERTY + "=" + FloridaAdapter.CODE,
        configurationPid = FloridaAdapter.PID)
@Designate(ocd = FloridaAdapter.Config.class)
public class FloridaAdapter implements JurisdictionAdapter, StateTransport {

    public static final String PID = "org.safeharbor.jurisdiction.us.fl";
    public static final String CODE = "US-FL";
    public static final Jurisdiction FLORIDA = Jurisdiction.of(CODE);

    private static final Logger LOG = LoggerFactory.getLogger(FloridaAdapter.class);
    private static final String SPOOL_SUFFIX = ".dat";

    @ObjectClassDefinition(name = "SafeHarbor Bridge: Florida (US-FL)",
            description = "Florida DCF reference intake: fixed-width batch files over SFTP. No server ships: production "
                    + "endpoints are not public (the safeharbor-sandbox feature supplies its peer's).")
    public @interface Config {
        @AttributeDefinition(description = "SFTP server host; required (with the sandbox, blank takes its peer's)")
        String sftpHost() default "";

        @AttributeDefinition(description = "SFTP server port")
        int sftpPort() default 22;

        @AttributeDefinition(description = "SFTP user name; required (with the sandbox, blank takes its peer's)")
        String sftpUsername() default "";

        /** Key {@code .sftpPassword}: private, never a service property. No default: in the sandbox, the sandbox's is taken. */
        @AttributeDefinition(description = "SFTP password; empty for key authentication", type = AttributeType.PASSWORD, required = false)
        String _sftpPassword() default "";

        @AttributeDefinition(description = "Private key file (OpenSSH/PEM) for key authentication; empty for the password", required = false)
        String privateKeyFile() default "";

        /** Key {@code .privateKeyPassphrase}: private. */
        @AttributeDefinition(description = "Passphrase of the private key", type = AttributeType.PASSWORD, required = false)
        String _privateKeyPassphrase() default "";

        @AttributeDefinition(description = "Folder on the SFTP server that takes batch files")
        String inboxDirectory() default "inbox";

        @AttributeDefinition(description = "Folder on the SFTP server where the state leaves acknowledgement and status files")
        String outboxDirectory() default "outbox";

        @AttributeDefinition(description = "known_hosts file holding the server's host key (StrictHostKeyChecking yes); "
                + "required outside the sandbox, where empty accepts any key")
        String knownHostsFile() default "";

        @AttributeDefinition(description = "How long referrals are collected into one batch file (ISO-8601 duration)")
        String batchInterval() default "PT5M";

        @AttributeDefinition(description = "Most referrals in one batch file; the rest wait for the next interval")
        int maxReferralsPerBatch() default 500;

        @AttributeDefinition(description = "How often the outbox is read for acknowledgement and status files (ISO-8601 duration)")
        String statusPollInterval() default "PT1M";

        @AttributeDefinition(description = "Local spool folder holding referrals until their batch is on the server; "
                + "empty: ${karaf.data}/safeharbor/US-FL/spool. Holds personal data: protect it like the broker journal")
        String spoolDirectory() default "";

        @AttributeDefinition(description = "Sender id written in each batch header")
        String senderId() default "SAFEHARBOR";

        @AttributeDefinition(description = "DCF category code for sexual exploitation by a non-caregiver. "
                + "PLACEHOLDER: the official value is unconfirmed")
        String categorySexualNonCaregiver() default "SXN";

        @AttributeDefinition(description = "DCF category code for sexual exploitation by a parent/guardian/caregiver. "
                + "PLACEHOLDER: the official value is unconfirmed")
        String categorySexualCaregiver() default "SXC";

        @AttributeDefinition(description = "DCF category code for labor trafficking. PLACEHOLDER: the official value is unconfirmed")
        String categoryLabor() default "LAB";

        @AttributeDefinition(description = "File other-family-member, multiple and unknown perpetrators under the "
                + "caregiver category (default: non-caregiver, with the relation in its own field)")
        boolean undeterminedRelationAsCaregiver() default false;

        @AttributeDefinition(description = "Retries of a referral whose delivery (here: writing it to the spool) failed "
                + "for a passing reason, before it goes to the dead-letter queue referrals.US-FL.DLQ and FAILED is reported")
        int maximumRedeliveries() default 6;

        @AttributeDefinition(description = "Wait before the first retry (ISO-8601 duration)")
        String redeliveryDelay() default "PT2S";

        @AttributeDefinition(description = "Backoff factor applied to the wait after each retry (at least 1.0)")
        double redeliveryMultiplier() default 2.0;

        @AttributeDefinition(description = "Cap on any single wait between retries (ISO-8601 duration)")
        String maximumRedeliveryDelay() default "PT5M";
    }

    private final Config config;
    private final StatusReporter statusReporter;
    private final Clock clock;
    /** The core's CamelContext, once it adds this state's routes. */
    private CamelContext camel;
    private final FloridaFormat format;
    private final Path spool;
    private final Duration batchInterval;
    private final Duration statusPollInterval;
    private final Redelivery redelivery;
    /** Held while a batch goes out, so a fast acknowledgement is never reported before its DELIVERED. */
    private final Semaphore batchInFlight = new Semaphore(1);

    private final String sftpPassword;
    /** Why this adapter may not deliver (sandbox settings outside the sandbox), or null. */
    private final String refusal;

    /**
     * In OSGi: in the sandbox while its peer's service is there (a static greedy reference: it re-creates the
     * adapter), which fills what the configuration leaves unset.
     */
    @Activate
    public FloridaAdapter(Config config, @Reference StatusReporter statusReporter,
                          @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY,
                                  target = "(" + SandboxPeer.MARKER + "=" + CODE + ")") SandboxPeer sandbox) {
        this(SandboxPeer.fill(Config.class, config, sandbox), statusReporter, Clock.systemUTC(), sandbox != null, false);
    }

    /** Outside OSGi (tests against the sandbox peer): as in the sandbox. */
    public FloridaAdapter(Config config, StatusReporter statusReporter) {
        this(config, statusReporter, Clock.systemUTC());
    }

    /** Outside OSGi (tests against the sandbox peer): as in the sandbox. */
    public FloridaAdapter(Config config, StatusReporter statusReporter, Clock clock) {
        this(config, statusReporter, clock, true);
    }

    /** @param sandbox true when the sandbox is on: a loopback server and an unchecked host key are allowed */
    public FloridaAdapter(Config config, StatusReporter statusReporter, Clock clock, boolean sandbox) {
        this(config, statusReporter, clock, sandbox, true);
    }

    /**
     * {@code failFast}: no server, or a sandbox-only setting outside the sandbox, throws here; otherwise (in OSGi) the component
     * starts but its routes do not ({@link #configure(RouteBuilder, String)} throws, the core logs it), so that the sandbox arriving
     * later re-creates it through the greedy reference (a component that failed to activate would not be).
     */
    private FloridaAdapter(Config config, StatusReporter statusReporter, Clock clock, boolean sandbox, boolean failFast) {
        this.sftpPassword = config._sftpPassword();
        this.refusal = config.sftpHost().isBlank() || config.sftpUsername().isBlank()
                ? CODE + ": no SFTP server configured: set sftpHost and sftpUsername in etc/" + PID + ".cfg (or install the "
                        + "safeharbor-sandbox feature, whose peer supplies them); no batch goes to Florida"
                : sandbox ? null : uncheckedRefusal(config, sftpPassword);
        if (refusal != null) {
            LOG.error(refusal);
            if (failFast) {
                throw new IllegalArgumentException(refusal);
            }
        }
        this.config = config;
        this.statusReporter = statusReporter;
        this.clock = clock;
        this.batchInterval = positive(config.batchInterval(), "batchInterval");
        this.statusPollInterval = positive(config.statusPollInterval(), "statusPollInterval");
        if (config.maxReferralsPerBatch() < 1) {
            throw new IllegalArgumentException("maxReferralsPerBatch must be at least 1");
        }
        this.redelivery = Redelivery.parse(PID, config.maximumRedeliveries(), config.redeliveryDelay(), config.redeliveryMultiplier(), config.maximumRedeliveryDelay());
        this.spool = config.spoolDirectory().isBlank()
                ? Paths.get(System.getProperty("karaf.data", "data"), "safeharbor", CODE, "spool")
                : Paths.get(config.spoolDirectory());
        this.format = new FloridaFormat(new FloridaCategories(config.categorySexualNonCaregiver(),
                config.categorySexualCaregiver(), config.categoryLabor(), config.undeterminedRelationAsCaregiver()));
        if (config.knownHostsFile().isBlank()) {
            LOG.warn("Florida SFTP host key is not checked (knownHostsFile is empty): the sandbox only");
        }
    }

    /** Outside the sandbox: a checked host key, a server that is not this machine, and a credential. */
    private static String uncheckedRefusal(Config config, String password) {
        String host = config.sftpHost().trim();
        String why = null;
        if (config.knownHostsFile().isBlank()) {
            why = "knownHostsFile is required: the SFTP server's host key must be checked";
        } else if (!Files.isReadable(Paths.get(config.knownHostsFile().trim()))) {
            why = "knownHostsFile " + config.knownHostsFile().trim() + " cannot be read";
        } else if ("localhost".equalsIgnoreCase(host) || host.startsWith("127.") || host.contains("::1")) {
            why = "the production feature refuses to start with sandbox endpoints or sandbox trust stores configured (sftpHost is this machine)";
        } else if (password.isEmpty() && config.privateKeyFile().isBlank()) {
            why = "no SFTP credential: set .sftpPassword or privateKeyFile";
        }
        return why == null ? null : CODE + ": " + why + " in " + PID + ".cfg, or install the safeharbor-sandbox feature";
    }

    @Deactivate
    void deactivate() {
        format.close();
    }

    // ------------------------------------------------------------------ JurisdictionAdapter

    @Override
    public Jurisdiction jurisdiction() {
        return FLORIDA;
    }

    @Override
    public String displayName() {
        return "Florida DCF (reference fixed-width batch over SFTP)";
    }

    @Override
    public StateFormat format() {
        return format;
    }

    /** None: docs/domain.md gives no Florida statutory clock, and a clock without a citable basis is not declared. */
    @Override
    public List<DeadlineRule> deadlineRules() {
        return List.of();
    }

    /** The configured retry policy (maximumRedeliveries, redeliveryDelay, redeliveryMultiplier, maximumRedeliveryDelay). */
    @Override
    public Redelivery redelivery() {
        return redelivery;
    }

    /** The local spool folder (one file per referral waiting for its batch). */
    public Path spoolDirectory() {
        return spool;
    }

    // ------------------------------------------------------------------ routes

    /** Endpoint that sends one batch now; the timer uses it, and tests call it instead of waiting. */
    public static final String FLUSH_ENDPOINT = "direct:" + CODE + "-flush";

    /** The spool, batch and status routes; none while the configuration is refused (see {@link #uncheckedRefusal}): the core logs why. */
    @Override
    public void configure(RouteBuilder routes, String deliveryEndpoint) throws Exception {
        if (refusal != null) {
            throw new IllegalStateException(refusal);
        }
        camel = routes.getContext();
        Files.createDirectories(spool);

        // 1. the referral's records to the spool, synchronously and fsynced (forceWrites), under a temporary name
        //    renamed when complete: when this returns, the transacted queue may acknowledge the message
        routes.from(deliveryEndpoint).routeId(CODE + "-spool")
                .to("file:" + uriPath(spool) + "?fileName=${header.referralId}" + SPOOL_SUFFIX
                        + "&tempPrefix=.inprogress-&fileExist=Override&forceWrites=true&charset=UTF-8")
                .log("Referral ${header.referralId} spooled for the next Florida batch");

        // 2. every batchInterval: the spooled referrals as one batch file on the SFTP server
        long intervalMs = batchInterval.toMillis();
        routes.from("timer:" + CODE + "-batch?delay=" + intervalMs + "&period=" + intervalMs).routeId(CODE + "-batch-timer")
                .to(FLUSH_ENDPOINT);
        routes.from(FLUSH_ENDPOINT).routeId(CODE + "-batch")
                .process(this::collectBatch)
                .choice().when(routes.exchangeProperty(BATCH).isNotNull())
                    .to(sftp(config.inboxDirectory(), "&tempPrefix=.inprogress-&fileExist=Override"))
                    .process(this::batchDelivered)
                .end();

        // 3. the state's acknowledgement and later status files from the outbox
        long pollMs = statusPollInterval.toMillis();
        routes.from(sftp(config.outboxDirectory(), "&delete=true&idempotent=true&antInclude=*.dat"
                + "&sortBy=file:modified;file:name&delay=" + pollMs + "&initialDelay=" + pollMs))
                .routeId(CODE + "-status")
                .process(this::readStatuses);
    }

    private static final String BATCH = "safeharborFloridaBatch";

    /** One batch in flight: its id and the spool files it holds. */
    private record Batch(String id, List<Path> files, List<ReferralId> referrals) {
    }

    /** Reads the spool into one batch file (body), or leaves the property unset when nothing waits. */
    private void collectBatch(Exchange exchange) throws Exception {
        List<Path> files;
        try (Stream<Path> listing = Files.list(spool)) {
            files = listing.filter(p -> Files.isRegularFile(p) && isSpoolFile(p.getFileName().toString()))
                    .sorted(Comparator.comparing(FloridaAdapter::modified).thenComparing(Path::getFileName))
                    .limit(config.maxReferralsPerBatch())
                    .toList();
        }
        if (files.isEmpty()) {
            return;
        }
        batchInFlight.acquire();
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                batchInFlight.release();
            }
        });
        List<BatchFile.Entry> entries = new ArrayList<>();
        List<Path> taken = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            try {
                entries.add(new BatchFile.Entry(name.substring(0, name.length() - SPOOL_SUFFIX.length()),
                        Files.readString(file, StandardCharsets.UTF_8)));
                taken.add(file);
            } catch (java.nio.file.NoSuchFileException replacedMeanwhile) {
                // a redelivery is renaming its file into place: it goes with the next batch
            }
        }
        if (entries.isEmpty()) {
            return;
        }
        String batchId = BatchFile.newBatchId(clock.instant());
        exchange.getMessage().setBody(batchFile(batchId, entries));
        exchange.getMessage().setHeader(Exchange.FILE_NAME, BatchFile.fileName(batchId));
        exchange.setProperty(BATCH, new Batch(batchId, taken,
                entries.stream().map(e -> new ReferralId(e.referralId())).toList()));
    }

    /** The batch file's text for these spooled referrals (a seam for tests that need a damaged file). */
    protected String batchFile(String batchId, List<BatchFile.Entry> entries) {
        return BatchFile.write(format.fixedWidth(), batchId, clock.instant(), config.senderId(), entries);
    }

    /** The batch file is on the server: every referral in it is DELIVERED, and leaves the spool. */
    private void batchDelivered(Exchange exchange) throws IOException {
        Batch batch = exchange.getProperty(BATCH, Batch.class);
        exchange.getMessage().setBody(null);
        for (ReferralId id : batch.referrals()) {
            statusReporter.report(new StatusUpdate(id, FLORIDA, DeliveryStatus.DELIVERED, null, clock.instant(),
                    "in batch file " + BatchFile.fileName(batch.id()) + " on the Florida SFTP server"));
        }
        for (Path file : batch.files()) {
            Files.deleteIfExists(file);
        }
        LOG.info("Florida batch {} delivered with {} referral(s)", batch.id(), batch.referrals().size());
    }

    /** Each status line of an acknowledgement or status file becomes a status update. */
    private void readStatuses(Exchange exchange) throws Exception {
        String file = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
        // the whole file is read first: a bad line fails it before anything is reported, and it is read again
        // at the next poll (it stays on the server), so no status is reported twice or lost
        List<StatusUpdate> updates = StatusFile.read(format.fixedWidth(), exchange.getMessage().getBody(String.class));
        batchInFlight.acquire();
        try {
            for (StatusUpdate update : updates) {
                try {
                    statusReporter.report(update);
                } catch (java.util.NoSuchElementException notOurs) {
                    // a line for a referral Florida never received from us: skipped, or the file would be read for ever
                    LOG.warn("Florida status file {}: status {} for referral {} refused: not delivered to {}", file, update.status(),
                            update.referralId(), CODE);
                }
            }
        } finally {
            batchInFlight.release();
        }
        LOG.info("Florida status file {}: {} status line(s)", file, updates.size());
    }

    /**
     * The SFTP endpoint: its URI (which Camel may log) holds no secret; the password or key passphrase is
     * set on the endpoint's configuration.
     */
    private Endpoint sftp(String directory, String options) {
        StringBuilder uri = new StringBuilder("sftp://").append(config.sftpHost()).append(':').append(config.sftpPort())
                .append('/').append(directory)
                .append("?username=").append(URLEncoder.encode(config.sftpUsername(), StandardCharsets.UTF_8))
                .append("&useUserKnownHostsFile=false&binary=true");
        if (config.knownHostsFile().isBlank()) {
            uri.append("&strictHostKeyChecking=no");
        } else {
            uri.append("&strictHostKeyChecking=yes&knownHostsFile=").append(URLEncoder.encode(config.knownHostsFile(), StandardCharsets.UTF_8));
        }
        if (!config.privateKeyFile().isBlank()) {
            uri.append("&privateKeyFile=").append(URLEncoder.encode(config.privateKeyFile().trim(), StandardCharsets.UTF_8));
        }
        SftpEndpoint endpoint = camel.getEndpoint(uri.append(options).toString(), SftpEndpoint.class);
        // set every time: the endpoint is cached by URI, and a new configuration may bring another password
        endpoint.getConfiguration().setPassword(sftpPassword.isEmpty() ? null : sftpPassword);
        endpoint.getConfiguration().setPrivateKeyPassphrase(config._privateKeyPassphrase().isEmpty() ? null : config._privateKeyPassphrase());
        return endpoint;
    }

    private static boolean isSpoolFile(String name) {
        return name.endsWith(SPOOL_SUFFIX) && !name.startsWith(".");
    }

    private static java.nio.file.attribute.FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException goneMeanwhile) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }

    private static String uriPath(Path p) {
        return p.toAbsolutePath().toString().replace('\\', '/');
    }

    private static Duration positive(String iso, String name) {
        Duration d;
        try {
            d = Duration.parse(iso);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + " is not an ISO-8601 duration: " + iso, e);
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + iso);
        }
        return d;
    }
}
