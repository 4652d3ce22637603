-- Saved searches (issue 9): a municipality or secretariat user keeps the conditions of a search under
-- a name, runs it again in a click, and may ask for a daily digest of new or updated entries that
-- match it. checked_until is where the last digest run stopped: the next one covers what changed
-- after it, so no entry is reported twice for the same update.
CREATE TABLE saved_searches (
  id             INTEGER PRIMARY KEY,
  user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
  genre_ids      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(genre_ids)),
  type_ids       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(type_ids)),
  q              TEXT NOT NULL DEFAULT '' CHECK (length(q) <= 100),
  alert          INTEGER NOT NULL DEFAULT 0 CHECK (alert IN (0, 1)),
  checked_until  TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL
) STRICT;
CREATE INDEX saved_searches_by_user ON saved_searches (user_id, id);
CREATE INDEX saved_searches_due ON saved_searches (alert, checked_until);
