-- Issue 19: several processes may send the outbox (each worker sends what its own request queued,
-- the background process sends the rest). A process claims a mail before sending it, for a few
-- minutes: no two processes send the same mail, and a claim a crashed process left runs out.
ALTER TABLE mail_outbox ADD COLUMN claimed_until TEXT;
