-- The client that asked for a young adult's services referral (the intake refused the report; nothing is stored about
-- it in the message store), so that client alone may read its Task (GET /fhir/Task/{id}). Null for the referrals the
-- watch makes of stored referrals, whose Task is the stored referral's.
ALTER TABLE services_referral ADD COLUMN requested_by VARCHAR(200);
