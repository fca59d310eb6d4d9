-- Version 4: the personal data the store keeps is encrypted (README "Audit and privacy"): the raw submission and the
-- canonical referral, every state payload, every notice payload and every kept refused submission, with AES-256-GCM
-- (store/FieldCipher). The values stay in their columns, as base64 text; key_id names the key of the key store
-- (etc/safeharbor-store.p12) that encrypted every value of its row. NULL: written in plain text before this version;
-- such a row is read as it is until harbor:rotate-key encrypts it.
ALTER TABLE referral ADD COLUMN key_id VARCHAR(16);
ALTER TABLE delivery_attempt ADD COLUMN key_id VARCHAR(16);
ALTER TABLE referral_notice ADD COLUMN key_id VARCHAR(16);
ALTER TABLE notice_attempt ADD COLUMN key_id VARCHAR(16);
ALTER TABLE intake_rejection ADD COLUMN key_id VARCHAR(16);
