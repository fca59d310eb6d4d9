-- Version 1: services referrals (bundle safeharbor-services-referral), in the message store's database, versioned by
-- this bundle's own history table (BundleSchema owner "services").
-- One row per referral and provider: why it was sent, where the send stands, the provider's Task once created and
-- its status as last read. The payload (the FHIR transaction Bundle, personal data) is sealed with the message store's
-- keys (StoreCipher). A young adult the intake refused has no row in the referral table: no foreign key.
CREATE TABLE IF NOT EXISTS services_referral (
    referral_id      VARCHAR(64)   NOT NULL,
    provider         VARCHAR(32)   NOT NULL,
    trigger_code     VARCHAR(32)   NOT NULL,
    status           VARCHAR(16)   NOT NULL,
    provider_task    VARCHAR(200),
    provider_status  VARCHAR(32),
    reason           VARCHAR(1000),
    payload          BYTEA         NOT NULL,
    recorded_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (referral_id, provider)
);
CREATE INDEX IF NOT EXISTS services_referral_status ON services_referral (status, recorded_at);

-- Each attempt to send one services referral: numbered across retries and restarts, how it ended (codes only).
CREATE TABLE IF NOT EXISTS services_attempt (
    referral_id  VARCHAR(64)   NOT NULL,
    provider     VARCHAR(32)   NOT NULL,
    attempt      INTEGER       NOT NULL,
    started_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    outcome      VARCHAR(16),
    detail       VARCHAR(1000),
    PRIMARY KEY (referral_id, provider, attempt)
);

-- The referrals the watch has looked at, per trigger, so each is considered once.
CREATE TABLE IF NOT EXISTS services_considered (
    referral_id    VARCHAR(64)  NOT NULL,
    trigger_code   VARCHAR(32)  NOT NULL,
    considered_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (referral_id, trigger_code)
);
