-- Stands for the retired version 5 (SchemaMigrations): a table a bundle keeps, made by the store's migration before
-- the bundle made its own.
CREATE TABLE bundle_rows (
    id        VARCHAR(255) NOT NULL PRIMARY KEY,
    exchange  BYTEA        NOT NULL,
    version   BIGINT       NOT NULL
);
