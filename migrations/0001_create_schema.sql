-- The portal's whole data model (design.md, "Data"). Times are ISO 8601 UTC text
-- ('2026-11-26T04:11:00.000Z'), which sorts correctly as text. Tables are STRICT so a wrong type is
-- refused by SQLite instead of being stored silently.

-- Member organisations. What a user may do follows from the organisation's kind.
CREATE TABLE organisations (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
  kind        TEXT NOT NULL CHECK (kind IN ('municipality', 'vendor', 'secretariat')),
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
) STRICT;

-- The addresses an organisation logs in from (one IPv4/IPv6 address or CIDR a row); a login from
-- elsewhere is an anomaly (spec 管理者側機能 5).
CREATE TABLE organisation_ip_ranges (
  id               INTEGER PRIMARY KEY,
  organisation_id  INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  cidr             TEXT NOT NULL CHECK (length(cidr) BETWEEN 2 AND 49),
  UNIQUE (organisation_id, cidr)
) STRICT;

CREATE TABLE users (
  id               INTEGER PRIMARY KEY,
  organisation_id  INTEGER NOT NULL REFERENCES organisations (id),
  login_id         TEXT NOT NULL UNIQUE CHECK (length(login_id) BETWEEN 1 AND 64),
  password_hash    TEXT NOT NULL CHECK (password_hash LIKE '$2%'),
  name             TEXT NOT NULL DEFAULT '',
  department       TEXT NOT NULL DEFAULT '',
  phone            TEXT NOT NULL DEFAULT '',
  email            TEXT NOT NULL DEFAULT '',
  active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL
) STRICT;
CREATE INDEX users_organisation ON users (organisation_id);

-- Administrative issue genres (行政課題のジャンル): a tree of any depth as an adjacency list.
-- A retired genre is hidden from forms; entries keep their link to it.
CREATE TABLE genres (
  id          INTEGER PRIMARY KEY,
  parent_id   INTEGER REFERENCES genres (id),
  name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
  sort_order  INTEGER NOT NULL DEFAULT 0,
  retired_at  TEXT,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  CHECK (parent_id IS NULL OR parent_id <> id)
) STRICT;
CREATE INDEX genres_children ON genres (parent_id, sort_order, id);
-- Siblings have distinct names (top-level genres count as siblings of each other).
CREATE UNIQUE INDEX genres_sibling_name ON genres (coalesce(parent_id, 0), name);

-- Info types (情報種別): flat, editable by the secretariat.
CREATE TABLE info_types (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 50),
  sort_order  INTEGER NOT NULL DEFAULT 0,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
) STRICT;

-- Entries (コンテンツ管理テーブル): products/services, cases and people.
-- registrant_* is a snapshot of the registering user's profile, shown read-only on the form.
CREATE TABLE entries (
  id                     INTEGER PRIMARY KEY,
  type_id                INTEGER NOT NULL REFERENCES info_types (id),
  title                  TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
  summary                TEXT NOT NULL CHECK (length(summary) BETWEEN 1 AND 4000),
  url                    TEXT CHECK (url IS NULL OR url LIKE 'http://_%' OR url LIKE 'https://_%'),
  contact_company        TEXT NOT NULL CHECK (length(contact_company) BETWEEN 1 AND 100),
  contact_department     TEXT NOT NULL DEFAULT '',
  contact_name           TEXT NOT NULL CHECK (length(contact_name) BETWEEN 1 AND 100),
  contact_phone          TEXT NOT NULL CHECK (length(contact_phone) BETWEEN 1 AND 30),
  contact_email          TEXT NOT NULL CHECK (contact_email LIKE '%_@_%'),
  registrant_company     TEXT NOT NULL DEFAULT '',
  registrant_department  TEXT NOT NULL DEFAULT '',
  registrant_name        TEXT NOT NULL DEFAULT '',
  registrant_phone       TEXT NOT NULL DEFAULT '',
  registrant_email       TEXT NOT NULL DEFAULT '',
  organisation_id        INTEGER NOT NULL REFERENCES organisations (id),
  user_id                INTEGER NOT NULL REFERENCES users (id),
  created_at             TEXT NOT NULL,
  updated_at             TEXT NOT NULL,
  operator_ip            TEXT NOT NULL DEFAULT '',
  suspended_at           TEXT,
  suspended_reason       TEXT,
  suspended_by           INTEGER REFERENCES users (id),
  deleted_at             TEXT,
  deleted_by             INTEGER REFERENCES users (id),
  CHECK ((suspended_at IS NULL) = (suspended_reason IS NULL))
) STRICT;
-- The results list: published entries, newest update first, ties by id.
CREATE INDEX entries_published ON entries (updated_at DESC, id DESC)
  WHERE deleted_at IS NULL AND suspended_at IS NULL;
CREATE INDEX entries_published_by_type ON entries (type_id, updated_at DESC, id DESC)
  WHERE deleted_at IS NULL AND suspended_at IS NULL;
-- A registrant's own list (suspended included, deleted never).
CREATE INDEX entries_by_organisation ON entries (organisation_id, updated_at DESC, id DESC)
  WHERE deleted_at IS NULL;

CREATE TABLE entry_genres (
  entry_id  INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
  genre_id  INTEGER NOT NULL REFERENCES genres (id),
  PRIMARY KEY (entry_id, genre_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX entry_genres_by_genre ON entry_genres (genre_id, entry_id);

-- Keyword search over NFKC-normalised, lower-cased text kept by the application (SQLite has no NFKC,
-- so triggers cannot fill it). rowid = entries.id. The trigram tokenizer matches substrings of three
-- or more characters in Japanese text without spaces; shorter keywords fall back to LIKE on the
-- same columns. `details` holds the contact and registrant fields for the registrant's own search.
CREATE VIRTUAL TABLE entry_search USING fts5 (title, summary, details, tokenize = 'trigram');

-- The entry's PDF brochure, stored under a random name outside public/.
CREATE TABLE attachments (
  id             INTEGER PRIMARY KEY,
  entry_id       INTEGER NOT NULL UNIQUE REFERENCES entries (id) ON DELETE CASCADE,
  stored_name    TEXT NOT NULL UNIQUE,
  original_name  TEXT NOT NULL CHECK (length(original_name) BETWEEN 1 AND 255),
  size           INTEGER NOT NULL CHECK (size BETWEEN 1 AND 10485760),
  sha256         TEXT NOT NULL CHECK (length(sha256) = 64),
  created_at     TEXT NOT NULL
) STRICT;

-- A confirmed-but-not-yet-saved entry form (between 確認画面 and 登録). used_at makes a draft
-- single-use, so a second POST of the same draft cannot create a second entry.
CREATE TABLE entry_drafts (
  key                     TEXT PRIMARY KEY,
  user_id                 INTEGER NOT NULL REFERENCES users (id),
  organisation_id         INTEGER NOT NULL REFERENCES organisations (id),
  entry_id                INTEGER REFERENCES entries (id),
  payload                 TEXT NOT NULL CHECK (json_valid(payload)),
  upload_stored_name      TEXT,
  upload_original_name    TEXT,
  upload_size             INTEGER,
  upload_sha256           TEXT,
  created_at              TEXT NOT NULL,
  used_at                 TEXT,
  saved_entry_id          INTEGER REFERENCES entries (id)
) STRICT;
CREATE INDEX entry_drafts_created ON entry_drafts (created_at);

-- Likes (イイネ管理テーブル): one per entry and organisation; the user is kept for the audit.
CREATE TABLE likes (
  id               INTEGER PRIMARY KEY,
  entry_id         INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
  organisation_id  INTEGER NOT NULL REFERENCES organisations (id),
  user_id          INTEGER NOT NULL REFERENCES users (id),
  created_at       TEXT NOT NULL,
  UNIQUE (entry_id, organisation_id)
) STRICT;
CREATE INDEX likes_by_organisation ON likes (organisation_id, created_at);

-- Every login attempt. login_id is what was typed, so failures for unknown IDs are kept too.
CREATE TABLE login_events (
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
                     'outside_range_denied'))
) STRICT;
CREATE INDEX login_events_by_login_id ON login_events (login_id, at);
CREATE INDEX login_events_by_ip ON login_events (ip, at);
CREATE INDEX login_events_by_time ON login_events (at);

-- Suspicious logins for the secretariat (spec 管理者側機能 5).
CREATE TABLE login_anomalies (
  id               INTEGER PRIMARY KEY,
  kind             TEXT NOT NULL CHECK (kind IN ('outside-range', 'shared-ip')),
  login_event_id   INTEGER NOT NULL REFERENCES login_events (id),
  at               TEXT NOT NULL,
  ip               TEXT NOT NULL,
  user_id          INTEGER REFERENCES users (id),
  organisation_id  INTEGER REFERENCES organisations (id),
  detail           TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail)),
  acknowledged_at  TEXT
) STRICT;
CREATE INDEX login_anomalies_by_time ON login_anomalies (at);

-- Every change, with who, from where, in which session, and its diff ({field: [before, after]}).
CREATE TABLE audit_log (
  id               INTEGER PRIMARY KEY,
  at               TEXT NOT NULL,
  user_id          INTEGER REFERENCES users (id),
  organisation_id  INTEGER REFERENCES organisations (id),
  ip               TEXT NOT NULL DEFAULT '',
  session_id       TEXT,
  action           TEXT NOT NULL,
  target_type      TEXT NOT NULL,
  target_id        INTEGER,
  diff             TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(diff))
) STRICT;
CREATE INDEX audit_log_by_target ON audit_log (target_type, target_id, at);
CREATE INDEX audit_log_by_session ON audit_log (session_id);

-- Notifications are written here first and sent later, so nothing is lost while SMTP is down.
CREATE TABLE mail_outbox (
  id               INTEGER PRIMARY KEY,
  created_at       TEXT NOT NULL,
  kind             TEXT NOT NULL,
  recipients       TEXT NOT NULL CHECK (json_valid(recipients)),
  subject          TEXT NOT NULL,
  body             TEXT NOT NULL,
  status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  TEXT NOT NULL,
  last_error       TEXT,
  sent_at          TEXT
) STRICT;
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);

-- Portal-wide settings the secretariat changes at run time.
CREATE TABLE settings (
  key         TEXT PRIMARY KEY,
  value       TEXT NOT NULL,
  updated_at  TEXT NOT NULL
) STRICT;

-- express-session's store (better-sqlite3-session-store): the same shape the library would create,
-- made here so the schema is complete and recorded; expire is indexed for its cleanup.
CREATE TABLE sessions (
  sid     TEXT NOT NULL PRIMARY KEY,
  sess    JSON NOT NULL,
  expire  TEXT NOT NULL
);
CREATE INDEX sessions_expire ON sessions (expire);

-- The spec's initial values (データ仕様: 情報種別の初期値).
INSERT INTO info_types (name, sort_order, created_at, updated_at) VALUES
  ('製品・サービス情報', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  ('事例情報',           2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  ('人材情報',           3, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

INSERT INTO settings (key, value, updated_at) VALUES
  ('outside_range_policy', 'notify', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
