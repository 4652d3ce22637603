-- migrate: rebuilds tables (login_events, below)
-- Issue 17: accounts that look after themselves (password reset and invitations by mail, two-factor
-- login, the mails a user chooses).

-- Single-use links mailed to a user: a password reset (30 minutes) or an invitation to set the first
-- password (7 days). Only the SHA-256 of the token is kept, so a copy of the database opens nothing.
-- A new link of the same purpose voids the older ones (voided_at).
CREATE TABLE account_tokens (
  id          INTEGER PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users (id),
  purpose     TEXT NOT NULL CHECK (purpose IN ('reset', 'invite')),
  token_hash  TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
  created_at  TEXT NOT NULL,
  expires_at  TEXT NOT NULL,
  used_at     TEXT,
  voided_at   TEXT
) STRICT;
CREATE INDEX account_tokens_by_user ON account_tokens (user_id, purpose, created_at);

-- Every password-reset request as typed (also for IDs that do not exist), for the limits per ID and
-- per address; nothing here says whether the ID exists.
CREATE TABLE password_reset_requests (
  id        INTEGER PRIMARY KEY,
  at        TEXT NOT NULL,
  login_id  TEXT NOT NULL,
  ip_key    TEXT NOT NULL
) STRICT;
CREATE INDEX password_reset_requests_by_login_id ON password_reset_requests (login_id, at);
CREATE INDEX password_reset_requests_by_ip_key ON password_reset_requests (ip_key, at);

-- Two-factor login (TOTP, RFC 6238). totp_secret is set once the user confirmed a code from the app;
-- totp_last_step is the last time step accepted, so a code is never accepted twice.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_enabled_at TEXT;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
-- The reminders about the organisation's own entries (failing links, entries not updated for a long
-- time) go to every account of the organisation unless the account turns them off.
ALTER TABLE users ADD COLUMN mail_freshness INTEGER NOT NULL DEFAULT 1 CHECK (mail_freshness IN (0, 1));

-- Ten one-time recovery codes per account with two-factor login, kept as SHA-256 of the code.
CREATE TABLE recovery_codes (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users (id),
  code_hash  TEXT NOT NULL CHECK (length(code_hash) = 64),
  used_at    TEXT
) STRICT;
CREATE INDEX recovery_codes_by_user ON recovery_codes (user_id);

-- Login events learn two outcomes: the password was right and a code is asked for (second_factor),
-- and a wrong code (bad_otp, counted as a failure toward the ID's lock). SQLite cannot change a
-- CHECK, so the table is rebuilt (with foreign keys off: see migrate.ts); login_anomalies refers to
-- it by name and finds the new table under the old name.
CREATE TABLE login_events_new (
  id               INTEGER PRIMARY KEY,
  at               TEXT NOT NULL,
  login_id         TEXT NOT NULL,
  user_id          INTEGER REFERENCES users (id),
  organisation_id  INTEGER REFERENCES organisations (id),
  ip               TEXT NOT NULL,
  user_agent       TEXT NOT NULL DEFAULT '',
  success          INTEGER NOT NULL CHECK (success IN (0, 1)),
  reason           TEXT NOT NULL CHECK (reason IN (
                     'ok', 'bad_credentials', 'inactive', 'locked', 'lock_started', 'ip_throttled',
                     'outside_range_denied', 'second_factor', 'bad_otp')),
  ip_key           TEXT NOT NULL DEFAULT '',
  pending          INTEGER NOT NULL DEFAULT 0 CHECK (pending IN (0, 1))
) STRICT;
INSERT INTO login_events_new (id, at, login_id, user_id, organisation_id, ip, user_agent, success, reason, ip_key, pending)
  SELECT id, at, login_id, user_id, organisation_id, ip, user_agent, success, reason, ip_key, pending FROM login_events;
DROP TABLE login_events;
ALTER TABLE login_events_new RENAME TO login_events;
CREATE INDEX login_events_by_login_id ON login_events (login_id, at);
CREATE INDEX login_events_by_ip ON login_events (ip, at);
CREATE INDEX login_events_by_time ON login_events (at);
CREATE INDEX login_events_by_ip_key ON login_events (ip_key, at);
CREATE INDEX login_events_ok_by_login_id ON login_events (login_id, ip_key, at) WHERE reason = 'ok';
