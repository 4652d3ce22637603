-- Catalog freshness (issue 10): link checks, confirmations without changes, stale reminders.

-- The last check of each entry's external URL. `url` is the address checked: an edit to another
-- address starts over. `failures` counts broken or unreachable checks in a row; `reported_at` is when
-- the owner was mailed about the current run of failures (cleared when the link works again).
CREATE TABLE link_checks (
  entry_id     INTEGER PRIMARY KEY REFERENCES entries (id),
  url          TEXT NOT NULL,
  checked_at   TEXT NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('ok', 'broken', 'unreachable', 'refused')),
  http_status  INTEGER,
  final_url    TEXT NOT NULL DEFAULT '',
  detail       TEXT NOT NULL DEFAULT '',
  failures     INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
  reported_at  TEXT
) STRICT;
CREATE INDEX link_checks_failing ON link_checks (failures) WHERE failures > 0;

-- "No changes, still current": counts as an update of the freshness date without moving the entry
-- up the results (which follow updated_at), so confirming cannot be used to stay on top.
ALTER TABLE entries ADD COLUMN confirmed_at TEXT;

-- The last stale-entry reminder mailed to each organisation: at most one a period.
CREATE TABLE stale_reminders (
  organisation_id  INTEGER PRIMARY KEY REFERENCES organisations (id),
  sent_at          TEXT NOT NULL,
  entry_count      INTEGER NOT NULL
) STRICT;

INSERT INTO settings (key, value, updated_at) VALUES
  ('link_check_allow_private', '0', strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  ('stale_after_months', '12', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
