-- Version 6: dead letters and quarantined referrals that expired from the broker (README "Audit and privacy"). A
-- message waits on referrals.US-XX.DLQ or referrals.US-XX.quarantine only until deadLetterExpiry
-- (etc/org.safeharbor.retention.cfg); then the core takes it off the broker and records here which referral it
-- carried, so harbor:dead-letters still lists it and harbor:replay still sends it from the store (which keeps the
-- referral, encrypted). Ids, queue names and times only: the message's body is not kept, the referral row has it.
CREATE TABLE expired_queue_message (
    message_id    VARCHAR(200) PRIMARY KEY,
    referral_id   VARCHAR(64)  NOT NULL REFERENCES referral (id) ON DELETE CASCADE,
    jurisdiction  VARCHAR(16)  NOT NULL,
    queue         VARCHAR(200) NOT NULL,
    parked_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    expired_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX expired_queue_message_jurisdiction ON expired_queue_message (jurisdiction, queue);
