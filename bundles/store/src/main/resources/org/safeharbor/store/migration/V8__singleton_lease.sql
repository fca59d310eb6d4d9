-- Version 8: the lease of the work one node at a time does when several nodes share this database (routes' Singletons:
-- the outbox sweep, the clock scan and its alerts, retention, batches). ShedLock's table as its JDBC provider documents
-- it; lock_until and locked_at are on the database's clock (usingDbTime), so the nodes' clocks need not agree.
-- Portable SQL for H2 2.x and PostgreSQL.
CREATE TABLE shedlock (
    name       VARCHAR(64)  NOT NULL,
    lock_until TIMESTAMP    NOT NULL,
    locked_at  TIMESTAMP    NOT NULL,
    locked_by  VARCHAR(255) NOT NULL,
    PRIMARY KEY (name)
);
