-- Version 3: the audit trail (README "Audit and privacy"). One row per FHIR R4 AuditEvent (IHE BALP shape): who
-- received, read, disclosed or changed what, and when. Append-only: the adapter only inserts, and deletes only by the
-- trail's own retention (MessageStore's auditRetention, 6 years by default), oldest first. No foreign key: a row
-- outlives the referral it names, which retention deletes far sooner.
--
-- Tamper evidence: hash = SHA-256 over (previous_hash, seq, resource_json); each row's previous_hash is the hash of
-- the row before it, so editing, removing or reordering a row breaks the chain at that row (harbor:audit-verify).
-- The searchable columns are copies of what resource_json says, checked against it by the verification.
CREATE TABLE audit_event (
    seq            BIGINT        PRIMARY KEY,
    recorded       TIMESTAMP WITH TIME ZONE NOT NULL,
    event_code     VARCHAR(40)   NOT NULL,
    action         VARCHAR(1)    NOT NULL,
    outcome        VARCHAR(2)    NOT NULL,
    agent          VARCHAR(200),
    entity         VARCHAR(200),
    jurisdiction   VARCHAR(16),
    resource_json  VARCHAR       NOT NULL,
    previous_hash  VARCHAR(64)   NOT NULL,
    hash           VARCHAR(64)   NOT NULL
);
CREATE INDEX audit_event_entity ON audit_event (entity, seq);
CREATE INDEX audit_event_agent ON audit_event (agent, seq);
CREATE INDEX audit_event_recorded ON audit_event (recorded);

-- The chain's head, one row: every append locks it (so appends are numbered and chained one at a time), and the
-- trail's retention moves its start: first_seq is the oldest row kept, first_previous_hash the hash it chains to.
CREATE TABLE audit_chain (
    id                   INTEGER      PRIMARY KEY,
    last_seq             BIGINT       NOT NULL,
    last_hash            VARCHAR(64)  NOT NULL,
    first_seq            BIGINT       NOT NULL,
    first_previous_hash  VARCHAR(64)  NOT NULL
);
INSERT INTO audit_chain (id, last_seq, last_hash, first_seq, first_previous_hash)
    VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 1,
            '0000000000000000000000000000000000000000000000000000000000000000');
