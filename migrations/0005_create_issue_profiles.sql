-- Issue profiles (spec 【地域課題入力】: a municipality ticks its regional issues in the genre tree) and
-- the messages municipalities relay to each other through the portal (機能２「類似団体の検索機能」,
-- the start of 機能３「コーディネーション機能」). None of this is ever shown to vendors (spec:
-- 課題選択した地方公共団体の情報は開示しない).

-- One row per municipality that has filled in its profile. Nothing is visible to other municipalities
-- until visible = 1; the liked entries and the contact person each have their own opt-in.
CREATE TABLE organisation_profiles (
  organisation_id  INTEGER PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
  prefecture       INTEGER CHECK (prefecture BETWEEN 1 AND 47),
  population_band  TEXT CHECK (population_band IN ('under_10k', '10k_50k', '50k_100k', '100k_300k', '300k_1m', 'over_1m')),
  visible          INTEGER NOT NULL DEFAULT 0 CHECK (visible IN (0, 1)),
  show_likes       INTEGER NOT NULL DEFAULT 0 CHECK (show_likes IN (0, 1)),
  -- The colleague who receives relayed messages; shown by name and department when publish_contact = 1.
  contact_user_id  INTEGER REFERENCES users (id),
  publish_contact  INTEGER NOT NULL DEFAULT 0 CHECK (publish_contact IN (0, 1)),
  updated_at       TEXT NOT NULL,
  updated_by       INTEGER REFERENCES users (id)
) STRICT;

-- The issues an organisation works on: a genre (any level of the tree), where it stands, and a note.
CREATE TABLE organisation_issues (
  organisation_id  INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  genre_id         INTEGER NOT NULL REFERENCES genres (id),
  status           TEXT NOT NULL CHECK (status IN ('considering', 'working', 'done')),
  note             TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 100),
  updated_at       TEXT NOT NULL,
  PRIMARY KEY (organisation_id, genre_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX organisation_issues_by_genre ON organisation_issues (genre_id);

-- A message relayed by mail from one municipality to another. The addresses stay in the mail outbox;
-- neither side's page or mail shows the other's. Kept for the reply right and the sending limit.
CREATE TABLE peer_messages (
  id                    INTEGER PRIMARY KEY,
  from_organisation_id  INTEGER NOT NULL REFERENCES organisations (id),
  from_user_id          INTEGER NOT NULL REFERENCES users (id),
  to_organisation_id    INTEGER NOT NULL REFERENCES organisations (id),
  subject               TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 100),
  body                  TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
  created_at            TEXT NOT NULL
) STRICT;
CREATE INDEX peer_messages_by_sender ON peer_messages (from_user_id, created_at);
CREATE INDEX peer_messages_between ON peer_messages (to_organisation_id, from_organisation_id);

-- The in-memory peer index (src/features/peers/peers.index.ts) keeps the opted-in profiles and the
-- genre tree; triggers bump this counter on every change it depends on, whichever process wrote it,
-- and the index rebuilds when the counter has moved.
CREATE TABLE peer_index_version (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  version  INTEGER NOT NULL
) STRICT;
INSERT INTO peer_index_version (id, version) VALUES (1, 0);

CREATE TRIGGER organisation_profiles_insert_bumps_peers AFTER INSERT ON organisation_profiles
BEGIN UPDATE peer_index_version SET version = version + 1; END;
CREATE TRIGGER organisation_profiles_update_bumps_peers
AFTER UPDATE OF prefecture, population_band, visible, show_likes ON organisation_profiles
BEGIN UPDATE peer_index_version SET version = version + 1; END;
CREATE TRIGGER organisation_profiles_delete_bumps_peers AFTER DELETE ON organisation_profiles
BEGIN UPDATE peer_index_version SET version = version + 1; END;
CREATE TRIGGER organisation_issues_insert_bumps_peers AFTER INSERT ON organisation_issues
BEGIN UPDATE peer_index_version SET version = version + 1; END;
CREATE TRIGGER organisation_issues_delete_bumps_peers AFTER DELETE ON organisation_issues
BEGIN UPDATE peer_index_version SET version = version + 1; END;
CREATE TRIGGER organisations_update_bumps_peers AFTER UPDATE OF name, kind ON organisations
BEGIN UPDATE peer_index_version SET version = version + 1; END;
CREATE TRIGGER organisations_delete_bumps_peers AFTER DELETE ON organisations
BEGIN UPDATE peer_index_version SET version = version + 1; END;
CREATE TRIGGER genres_insert_bumps_peers AFTER INSERT ON genres
BEGIN UPDATE peer_index_version SET version = version + 1; END;
CREATE TRIGGER genres_update_bumps_peers AFTER UPDATE OF parent_id, name, sort_order, retired_at ON genres
BEGIN UPDATE peer_index_version SET version = version + 1; END;
CREATE TRIGGER genres_delete_bumps_peers AFTER DELETE ON genres
BEGIN UPDATE peer_index_version SET version = version + 1; END;
