-- Version 7: de-identified aggregate counts (README "Federal and aggregate data"). Portable SQL for H2 2.x and PostgreSQL.
--
-- aggregate_count: how many referrals there are in each cell of jurisdiction x allegation type and form x certainty x
-- report source x outcome (the delivery's current status with that jurisdiction) x ISO week of receipt. Codes and
-- counts only: no id, no date finer than a week, nothing of a person. It has no reference to the referral table, so
-- a retention sweep that deletes a referral leaves its counts: the counts outlive referral retention by design.
CREATE TABLE aggregate_count (
    jurisdiction     VARCHAR(16) NOT NULL,
    allegation_type  VARCHAR(40) NOT NULL,
    allegation_form  VARCHAR(40) NOT NULL,
    certainty        VARCHAR(16) NOT NULL,
    source_kind      VARCHAR(32) NOT NULL,
    outcome          VARCHAR(32) NOT NULL,
    iso_week         VARCHAR(8)  NOT NULL,
    referrals        INTEGER     NOT NULL,
    PRIMARY KEY (jurisdiction, allegation_type, allegation_form, certainty, source_kind, outcome, iso_week)
);

-- aggregate_member: which cells (less the jurisdiction and outcome, which its deliveries give) a referral counts in,
-- so that a change of status moves its counts to the new outcome. Deleted with the referral (ON DELETE CASCADE):
-- once the referral is gone, nothing links a count to it.
CREATE TABLE aggregate_member (
    referral_id      VARCHAR(64) NOT NULL REFERENCES referral (id) ON DELETE CASCADE,
    allegation_type  VARCHAR(40) NOT NULL,
    allegation_form  VARCHAR(40) NOT NULL,
    certainty        VARCHAR(16) NOT NULL,
    source_kind      VARCHAR(32) NOT NULL,
    iso_week         VARCHAR(8)  NOT NULL,
    PRIMARY KEY (referral_id, allegation_type, allegation_form, certainty)
);
