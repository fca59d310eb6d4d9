-- A bundle's second version (BundleSchemaTest).
ALTER TABLE bundle_note ADD COLUMN author VARCHAR(40);
