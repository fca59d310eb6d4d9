-- A bundle's first version (BundleSchemaTest).
CREATE TABLE bundle_note (id VARCHAR(40) NOT NULL PRIMARY KEY, body VARCHAR(200));
