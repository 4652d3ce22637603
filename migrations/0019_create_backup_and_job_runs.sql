-- Issue 18: what the secretariat and a monitor need to know that the portal looks after itself.

-- Every backup, by the server's nightly job or `npm run backup`: when, which archive, how big, and
-- why it failed (error is NULL for a backup that was written and checked).
CREATE TABLE backup_runs (
  id           INTEGER PRIMARY KEY,
  started_at   TEXT NOT NULL,
  finished_at  TEXT,
  archive      TEXT,
  bytes        INTEGER,
  trigger      TEXT NOT NULL CHECK (trigger IN ('schedule', 'command')),
  error        TEXT
) STRICT;
CREATE INDEX backup_runs_by_time ON backup_runs (started_at);

-- The background jobs' last runs, written by the process that runs them, read by /healthz and
-- /admin/system in any process: interval_seconds says how often the job is meant to run.
CREATE TABLE job_runs (
  name              TEXT PRIMARY KEY,
  interval_seconds  INTEGER NOT NULL CHECK (interval_seconds > 0),
  -- When the running scheduler took the job on (its start): a job not yet run is late only after that.
  registered_at     TEXT NOT NULL,
  last_started_at   TEXT,
  last_finished_at  TEXT,
  last_error        TEXT,
  last_error_at     TEXT
) STRICT;
