-- Issue 15.11: an entry form submitted after its session timed out is kept here (its text fields and
-- its PDF, under an opaque key) until its user logs in again and returns to the form, for 24 hours.
-- Only a form the portal rendered for that user is kept: the form carries a signed token naming them.
CREATE TABLE parked_entry_forms (
  key                   TEXT PRIMARY KEY,
  user_id               INTEGER NOT NULL REFERENCES users (id),
  entry_id              INTEGER REFERENCES entries (id),
  fields                TEXT NOT NULL CHECK (json_valid(fields)),
  upload_stored_name    TEXT,
  upload_original_name  TEXT,
  created_at            TEXT NOT NULL
) STRICT;
CREATE INDEX parked_entry_forms_created ON parked_entry_forms (created_at);
