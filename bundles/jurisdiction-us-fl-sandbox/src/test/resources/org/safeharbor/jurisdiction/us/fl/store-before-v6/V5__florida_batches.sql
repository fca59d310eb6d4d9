-- Version 5: Florida's batch files (bundles/jurisdiction-us-fl, FloridaTransport). Camel's JdbcAggregationRepository
-- keeps the batch being collected (batch_us_fl: one row per open batch, the serialized exchange holding its referrals'
-- fixed-width records) and every completed batch until its file is on DCF's SFTP server (batch_us_fl_completed, keyed
-- by exchange id), so that no referral accepted into a batch is lost to a restart. The table layout is Camel's own
-- (id, exchange, version for its optimistic locking). The records hold personal data, as the referral table does.
CREATE TABLE batch_us_fl (
    id        VARCHAR(255) NOT NULL PRIMARY KEY,
    exchange  BYTEA        NOT NULL,
    version   BIGINT       NOT NULL
);
CREATE TABLE batch_us_fl_completed (
    id        VARCHAR(255) NOT NULL PRIMARY KEY,
    exchange  BYTEA        NOT NULL,
    version   BIGINT       NOT NULL
);
