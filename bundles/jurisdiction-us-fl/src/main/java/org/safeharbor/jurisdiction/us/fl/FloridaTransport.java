package org.safeharbor.jurisdiction.us.fl;

import static org.safeharbor.jurisdiction.us.fl.FloridaAdapter.CODE;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.concurrent.Semaphore;

import javax.sql.DataSource;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.dataformat.bindy.fixed.BindyFixedLengthDataFormat;
import org.apache.camel.processor.aggregate.jdbc.JdbcAggregationRepository;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.jurisdiction.support.v1.StateRejectedException;
import org.safeharbor.jurisdiction.us.fl.layout.AllegationRecord;
import org.safeharbor.jurisdiction.us.fl.layout.BatchHeaderRecord;
import org.safeharbor.jurisdiction.us.fl.layout.BatchTrailerRecord;
import org.safeharbor.jurisdiction.us.fl.layout.FixedWidth;
import org.safeharbor.store.BundleSchema;
import org.safeharbor.store.StoreCipher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * Florida's transport (REFERENCE DESIGN): each referral's records collected into one batch file by Camel's Aggregator,
 * whose open and completed batches live in the message store's database, sent over SFTP; the state's acknowledgement
 * and status files read back from the SFTP outbox.
 * <pre>
 * deliver ─▶ US-FL-deliver: the records, in the current layout ─▶ US-FL-collect: Aggregator (the referrals by id,
 *            JdbcAggregationRepository: tables batch_us_fl, batch_us_fl_completed) ─ maxReferralsPerBatch, or every
 *            batchInterval ─▶ Bindy (H header, D records, T footer) ─▶ sftp: inbox ─▶ DELIVERED per referral
 * sftp: outbox ─▶ US-FL-status: each status line ─▶ ACKNOWLEDGED / REJECTED / SCREENED_IN / SCREENED_OUT / ...
 * </pre>
 * An attempt is done once its referral is in the open batch in the database: then the queue message is acknowledged.
 * A completed batch stays in the database until its file is on the server (the repository confirms it then) and is
 * sent again every resendInterval until it is (the repository's recovery, without limit); only then is it DELIVERED.
 * A crash after the upload and before the confirmation sends the batch again: at least once, and the state
 * de-duplicates by referral id. The batches are encrypted in the tables with the message store's keys
 * ({@link SealedBatchCodec}).
 */
final class FloridaTransport {

    /** Sends the open batch now; tests call it instead of waiting for the interval. */
    static final String FLUSH_ENDPOINT = "direct:" + CODE + "-flush";
    /**
     * The aggregation repository's table; completed batches are in {@code batch_us_fl_completed}. Both are this bundle's
     * own, made in the message store's database by its migrations ({@code migration/V<n>__*.sql} beside this class).
     */
    static final String REPOSITORY = "batch_us_fl";

    private static final Logger LOG = LoggerFactory.getLogger(FloridaTransport.class);
    private static final String COLLECT = "direct:" + CODE + "-collect";
    private static final String REFERRALS = "safeharborFloridaReferrals";
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final FloridaConfig config;
    private final FloridaFormat format;
    private final StatusReporter reporter;
    private final DataSource dataSource;
    private final StoreCipher cipher;
    private final Clock clock;
    private final Duration batchInterval;
    private final Duration resendInterval;
    private final Duration pollInterval;
    /** Held while a batch goes out, so a fast acknowledgement is never reported before its DELIVERED. */
    private final Semaphore batchInFlight = new Semaphore(1);

    FloridaTransport(FloridaConfig config, FloridaFormat format, StatusReporter reporter, DataSource dataSource, StoreCipher cipher,
                     Clock clock, Duration batchInterval, Duration resendInterval, Duration pollInterval) {
        this.config = config;
        this.format = format;
        this.reporter = reporter;
        this.dataSource = dataSource;
        this.cipher = cipher;
        this.clock = clock;
        this.batchInterval = batchInterval;
        this.resendInterval = resendInterval;
        this.pollInterval = pollInterval;
    }

    /** The routes (see the class comment); {@code formerSpool}: where an earlier version kept referrals for the batch. */
    void configure(RouteBuilder routes, String deliver, Path formerSpool) {
        migrate(dataSource);
        JdbcAggregationRepository batches = repository(dataSource, cipher);
        batches.setRecoveryInterval(resendInterval.toMillis());

        routes.from(deliver).routeId(CODE + "-deliver")
                .process(this::currentLayout)
                .to(COLLECT);
        routes.from(FLUSH_ENDPOINT).routeId(CODE + "-flush")
                .setHeader(Exchange.AGGREGATION_COMPLETE_ALL_GROUPS, routes.constant(true))
                .to(COLLECT);
        routes.from(COLLECT).routeId(CODE + "-collect")
                .aggregate(routes.constant(CODE), FloridaTransport::collect).aggregationRepository(batches)
                    .completionSize(config.maxReferralsPerBatch()).completionInterval(batchInterval.toMillis())
                    .process(this::batch)
                    .marshal(new BindyFixedLengthDataFormat(AllegationRecord.class))
                    .process(exchange -> batchInFlight.acquire())
                    .doTry()
                        .to(FloridaSftp.endpoint(routes.getContext(), config, config.inboxDirectory(),
                                "&tempPrefix=.inprogress-&fileExist=Override"))
                        .process(this::delivered)
                    .doFinally()
                        .process(exchange -> batchInFlight.release())
                    .end()
                .end();

        routes.from(FloridaSftp.endpoint(routes.getContext(), config, config.outboxDirectory(), "&delete=true&idempotent=true&antInclude=*.dat"
                        + "&sortBy=file:modified;file:name&delay=" + pollInterval.toMillis() + "&initialDelay=" + pollInterval.toMillis()))
                .routeId(CODE + "-status")
                .process(this::statuses);

        if (Files.isDirectory(formerSpool)) {
            // referrals an earlier version of this bundle left in its spool folder join the batch, then leave the folder
            LOG.info("Florida: the referrals in the former spool folder {} join the next batch", formerSpool);
            routes.from("file:" + formerSpool.toAbsolutePath().toString().replace('\\', '/')
                            + "?antInclude=*.dat&antExclude=.*&delete=true&charset=UTF-8")
                    .routeId(CODE + "-former-spool")
                    .setHeader(DeliveryContract.STATE_REFERRAL_ID, routes.simple("${file:onlyname.noext}"))
                    .to(deliver);
        }
    }

    /** The batch tables in {@code dataSource} at this bundle's newest version (history {@code safeharbor_schema_history_us_fl}). */
    static void migrate(DataSource dataSource) {
        BundleSchema.migrate(dataSource, "us_fl", FloridaTransport.class.getClassLoader(), "org/safeharbor/jurisdiction/us/fl/migration");
    }

    /** The batch tables in {@code dataSource}, their exchanges sealed with {@code cipher} (the message store's keys). */
    static JdbcAggregationRepository repository(DataSource dataSource, StoreCipher cipher) {
        JdbcAggregationRepository batches = new JdbcAggregationRepository(new DataSourceTransactionManager(dataSource), REPOSITORY,
                dataSource);
        batches.setJdbcCamelCodec(new SealedBatchCodec(cipher, REPOSITORY));
        return batches;
    }

    /** The attempt's records in the current layout (a stored payload may predate FL2); anything else is refused. */
    private void currentLayout(Exchange exchange) {
        FixedWidth fixedWidth = format.fixedWidth();
        List<AllegationRecord> records = new ArrayList<>();
        try {
            for (String line : FixedWidth.lines(exchange.getMessage().getBody(String.class))) {
                records.add(fixedWidth.readLine(AllegationRecord.class, AllegationRecord.fromFormerLayout(line, fixedWidth)));
            }
        } catch (IllegalArgumentException notFloridaRecords) {
            throw new StateRejectedException("the payload is not " + BatchHeaderRecord.LAYOUT_VERSION + " detail records");
        }
        exchange.getMessage().setBody(fixedWidth.write(records));
    }

    /**
     * The open batch: its referrals' records by referral id, in arrival order (a redelivered referral replaces its own).
     * The first attempt's exchange is kept, as the JDBC repository wants, without the attempt's headers.
     */
    private static Exchange collect(Exchange batch, Exchange attempt) {
        String referralId = attempt.getMessage().getHeader(DeliveryContract.STATE_REFERRAL_ID, String.class);
        String records = attempt.getMessage().getBody(String.class);
        if (batch == null) {
            attempt.getMessage().setHeaders(new HashMap<>());
            attempt.getMessage().setBody(new LinkedHashMap<>(Map.of(referralId, records)));
            return attempt;
        }
        @SuppressWarnings("unchecked")
        Map<String, String> referrals = batch.getMessage().getBody(Map.class);
        referrals.put(referralId, records);
        return batch;
    }

    /** The completed batch as Bindy's model: its records as body, header and trailer as Bindy's header and footer. */
    private void batch(Exchange exchange) {
        @SuppressWarnings("unchecked")
        Map<String, String> referrals = exchange.getMessage().getBody(Map.class);
        List<AllegationRecord> records = referrals.values().stream()
                .flatMap(lines -> format.fixedWidth().readLines(AllegationRecord.class, lines).stream()).toList();
        String batchId = ID_TIME.format(clock.instant()) + "-" + UUID.randomUUID().toString().substring(0, 8);
        exchange.setProperty(REFERRALS, List.copyOf(referrals.keySet()));
        exchange.getMessage().setBody(records);
        exchange.getMessage().setHeader(Exchange.FILE_NAME, "SH-FL-" + batchId + ".dat");
        exchange.getMessage().setHeader(BindyFixedLengthDataFormat.CAMEL_BINDY_FIXED_LENGTH_HEADER,
                Map.of(BatchHeaderRecord.class.getName(), new BatchHeaderRecord(batchId, clock.instant(), config.senderId())));
        exchange.getMessage().setHeader(BindyFixedLengthDataFormat.CAMEL_BINDY_FIXED_LENGTH_FOOTER,
                Map.of(BatchTrailerRecord.class.getName(), new BatchTrailerRecord(batchId, records.size(), referrals.size())));
    }

    /** The batch file is on the server: every referral in it is DELIVERED. */
    private void delivered(Exchange exchange) {
        String file = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
        @SuppressWarnings("unchecked")
        List<String> referrals = exchange.getProperty(REFERRALS, List.class);
        for (String id : referrals) {
            reporter.report(new StatusUpdate(new ReferralId(id), FloridaAdapter.FLORIDA, DeliveryStatus.DELIVERED, null,
                    clock.instant(), "in batch file " + file + " on the Florida SFTP server"));
        }
        LOG.info("Florida batch file {} delivered with {} referral(s)", file, referrals.size());
    }

    /** Each status line of an acknowledgement or status file becomes a status update. */
    private void statuses(Exchange exchange) throws InterruptedException {
        String file = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
        // the whole file is read first: a bad line fails it before anything is reported, and it is read again
        // at the next poll (it stays on the server), so no status is reported twice or lost
        List<StatusUpdate> updates = StatusFile.read(format.fixedWidth(), exchange.getMessage().getBody(String.class));
        batchInFlight.acquire();
        try {
            for (StatusUpdate update : updates) {
                try {
                    reporter.report(update);
                } catch (NoSuchElementException notOurs) {
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
}
