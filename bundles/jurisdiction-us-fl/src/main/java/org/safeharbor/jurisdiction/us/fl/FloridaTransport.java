package org.safeharbor.jurisdiction.us.fl;

import static org.safeharbor.jurisdiction.us.fl.FloridaAdapter.CODE;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.dataformat.bindy.fixed.BindyFixedLengthDataFormat;
import org.apache.camel.processor.aggregate.jdbc.JdbcAggregationRepository;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.jurisdiction.support.v1.FixedWidth;
import org.safeharbor.jurisdiction.support.v1.ReferralBatches;
import org.safeharbor.jurisdiction.support.v1.SealedAggregationRepository;
import org.safeharbor.jurisdiction.support.v1.SftpServer;
import org.safeharbor.jurisdiction.support.v1.StateRejectedException;
import org.safeharbor.jurisdiction.us.fl.layout.AllegationRecord;
import org.safeharbor.jurisdiction.us.fl.layout.BatchHeaderRecord;
import org.safeharbor.jurisdiction.us.fl.layout.BatchTrailerRecord;
import org.safeharbor.store.BundleSchema;
import org.safeharbor.store.StoreCipher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * de-duplicates by referral id. The batches are encrypted in the tables with the message store's keys (the kit's
 * {@link SealedAggregationRepository}); collecting by referral id, DELIVERED per referral and the order of DELIVERED
 * before the state's answers are the kit's {@link ReferralBatches}; the server is the kit's {@link SftpServer}.
 *
 * @param batchInterval  how long referrals are collected into one file
 * @param resendInterval how often a batch the server did not take is sent again
 * @param pollInterval   how often the outbox is read
 */
record FloridaTransport(FloridaConfig config, FloridaFormat format, ReferralBatches batches, DataSource dataSource, StoreCipher cipher,
                        Clock clock, Duration batchInterval, Duration resendInterval, Duration pollInterval) {

    /** Sends the open batch now; tests call it instead of waiting for the interval. */
    static final String FLUSH_ENDPOINT = "direct:" + CODE + "-flush";
    /**
     * The aggregation repository's table; completed batches are in {@code batch_us_fl_completed}. Both are this bundle's
     * own, made in the message store's database by its migrations ({@code migration/V<n>__*.sql} beside this class).
     */
    static final String REPOSITORY = "batch_us_fl";

    private static final Logger LOG = LoggerFactory.getLogger(FloridaTransport.class);
    private static final String COLLECT = "direct:" + CODE + "-collect";
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** @throws IllegalArgumentException for a maxReferralsPerBatch below 2 (a batch of one would be sent before the database holds it) */
    FloridaTransport {
        if (config.maxReferralsPerBatch() < 2) {
            throw new IllegalArgumentException(FloridaAdapter.PID + ": maxReferralsPerBatch must be at least 2");
        }
    }

    /** The routes (see the class comment), and those of the former spool folder ({@link #formerSpool}). */
    void configure(RouteBuilder routes, String deliver) {
        Path formerSpool = formerSpool(config);
        migrate(dataSource);
        SftpServer sftp = sftp(config);
        JdbcAggregationRepository repository = repository(dataSource, cipher);
        repository.setRecoveryInterval(resendInterval.toMillis());

        routes.from(deliver).routeId(CODE + "-deliver")
                .process(this::currentLayout)
                .to(COLLECT);
        routes.from(FLUSH_ENDPOINT).routeId(CODE + "-flush")
                .setHeader(Exchange.AGGREGATION_COMPLETE_ALL_GROUPS, routes.constant(true))
                .to(COLLECT);
        // the batch's timer and its recovery read the shared database: one node collects and sends, and the core then
        // runs all of Florida's path on that node (DeliveryContract.SINGLETON_ROUTES)
        routes.from(COLLECT).routeId(CODE + "-collect").routeGroup(DeliveryContract.SINGLETON_ROUTES)
                .aggregate(routes.constant(CODE), ReferralBatches.byReferralId()).aggregationRepository(repository)
                    .completionSize(config.maxReferralsPerBatch()).completionInterval(batchInterval.toMillis())
                    .process(this::batch)
                    .marshal(new BindyFixedLengthDataFormat(AllegationRecord.class))
                    .process(batches::lock)
                    .doTry()
                        .to(sftp.endpoint(routes.getContext(), config.inboxDirectory(), "&tempPrefix=.inprogress-&fileExist=Override"))
                        .process(batch -> batches.delivered(batch, "in batch file " + batch.getMessage().getHeader(Exchange.FILE_NAME)
                                + " on the Florida SFTP server"))
                    .doFinally()
                        .process(batches::unlock)
                    .end()
                .end();

        routes.from(sftp.endpoint(routes.getContext(), config.outboxDirectory(), "&delete=true&idempotent=true&antInclude=*.dat"
                        + "&sortBy=file:modified;file:name&delay=" + pollInterval.toMillis() + "&initialDelay=" + pollInterval.toMillis()))
                .routeId(CODE + "-status").routeGroup(DeliveryContract.SINGLETON_ROUTES)
                // the whole file is read first: a bad line fails it before anything is reported, and it is read again
                // at the next poll (it stays on the server), so no status is reported twice or lost
                .process(file -> batches.report(format.statuses(file.getMessage().getBody(String.class)),
                        file.getMessage().getHeader(Exchange.FILE_NAME, String.class)));

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

    /** Where an earlier version kept referrals for the batch: {@code spoolDirectory}, by default under {@code karaf.data}. */
    static Path formerSpool(FloridaConfig config) {
        return config.spoolDirectory().isBlank()
                ? Path.of(System.getProperty("karaf.data", "data"), "safeharbor", CODE, "spool") : Path.of(config.spoolDirectory());
    }

    /** The batch tables in {@code dataSource} at this bundle's newest version (history {@code safeharbor_schema_history_us_fl}). */
    static void migrate(DataSource dataSource) {
        BundleSchema.migrate(dataSource, "us_fl", FloridaTransport.class.getClassLoader(), "org/safeharbor/jurisdiction/us/fl/migration");
    }

    /** The batch tables in {@code dataSource}, their exchanges sealed with {@code cipher} (the message store's keys). */
    static JdbcAggregationRepository repository(DataSource dataSource, StoreCipher cipher) {
        return new SealedAggregationRepository(dataSource, REPOSITORY, cipher);
    }

    /** DCF's SFTP server, as the configuration names it. */
    static SftpServer sftp(FloridaConfig config) {
        return new SftpServer(config.sftpHost(), config.sftpPort(), config.sftpUsername(), config._sftpPassword(), config.privateKeyFile(),
                config._privateKeyPassphrase(), config.knownHostsFile());
    }

    /** The attempt's records in the current layout (a stored payload may predate FL2); anything else is refused. */
    private void currentLayout(Exchange exchange) {
        FixedWidth fixedWidth = format.fixedWidth();
        List<AllegationRecord> records = new ArrayList<>();
        try {
            for (String line : FixedWidth.lines(exchange.getMessage().getBody(String.class))) {
                AllegationRecord record = fixedWidth.readLine(AllegationRecord.class, AllegationRecord.fromFormerLayout(line, fixedWidth));
                FloridaFormat.allegation(record); // its codes: a D record's four, an R record's form and rule
                records.add(record);
            }
        } catch (IllegalArgumentException notFloridaRecords) {
            throw new StateRejectedException("the payload is not " + BatchHeaderRecord.LAYOUT_VERSION + " detail records");
        }
        exchange.getMessage().setBody(fixedWidth.write(records));
    }

    /** The completed batch as Bindy's model: its records as body, header and trailer as Bindy's header and footer. */
    private void batch(Exchange exchange) {
        List<AllegationRecord> records = ReferralBatches.payloads(exchange).stream()
                .flatMap(lines -> format.fixedWidth().readLines(AllegationRecord.class, lines).stream()).toList();
        int referrals = exchange.getProperty(ReferralBatches.REFERRALS, List.class).size();
        String batchId = ID_TIME.format(clock.instant()) + "-" + UUID.randomUUID().toString().substring(0, 8);
        exchange.getMessage().setBody(records);
        exchange.getMessage().setHeader(Exchange.FILE_NAME, "SH-FL-" + batchId + ".dat");
        exchange.getMessage().setHeader(BindyFixedLengthDataFormat.CAMEL_BINDY_FIXED_LENGTH_HEADER,
                Map.of(BatchHeaderRecord.class.getName(), new BatchHeaderRecord(batchId, clock.instant(), config.senderId())));
        exchange.getMessage().setHeader(BindyFixedLengthDataFormat.CAMEL_BINDY_FIXED_LENGTH_FOOTER,
                Map.of(BatchTrailerRecord.class.getName(), new BatchTrailerRecord(batchId, records.size(), referrals)));
    }
}
