-- What members did (issue 22.1), for the secretariat's insights and each vendor's own figures. Written
-- in batches by src/features/usage/usage.recorder.ts, never in the request that caused it, and pruned
-- after USAGE_RETENTION_DAYS (default two years). `day` is the date in Japan ('2026-12-02'), the unit of
-- every report. The organisation is kept for the secretariat alone: no page outside /admin reads it, and
-- a vendor's figures count organisations without naming them (and show nothing below 3).

-- One row per search (the first results page of a set of conditions; paging is not a new search).
CREATE TABLE usage_searches (
  id                 INTEGER PRIMARY KEY,
  at                 TEXT NOT NULL,
  day                TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  organisation_kind  TEXT NOT NULL CHECK (organisation_kind IN ('municipality', 'vendor', 'secretariat', 'guest')),
  organisation_id    INTEGER REFERENCES organisations (id) ON DELETE SET NULL,
  q                  TEXT NOT NULL DEFAULT '' CHECK (length(q) <= 100),
  genre_ids          TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(genre_ids)),
  type_ids           TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(type_ids)),
  hits               INTEGER NOT NULL CHECK (hits >= 0)
) STRICT;
CREATE INDEX usage_searches_by_day ON usage_searches (day, organisation_kind, hits);
-- The searches that found nothing, grouped by keyword or by conditions.
CREATE INDEX usage_searches_found_nothing ON usage_searches (day, q) WHERE hits = 0;

-- The genres each search selected, with its day and outcome copied so the per-genre demand of a period
-- is one covering-index scan (a year is 600,000 searches).
CREATE TABLE usage_search_genres (
  search_id          INTEGER NOT NULL REFERENCES usage_searches (id) ON DELETE CASCADE,
  genre_id           INTEGER NOT NULL,
  day                TEXT NOT NULL,
  organisation_kind  TEXT NOT NULL,
  found_nothing      INTEGER NOT NULL CHECK (found_nothing IN (0, 1)),
  PRIMARY KEY (search_id, genre_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX usage_search_genres_by_day ON usage_search_genres (day, genre_id, organisation_kind, found_nothing);

-- Detail views, PDF downloads, likes, inquiries and registrations, each about one entry.
CREATE TABLE usage_events (
  id                 INTEGER PRIMARY KEY,
  at                 TEXT NOT NULL,
  day                TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  kind               TEXT NOT NULL CHECK (kind IN ('view', 'download', 'like', 'inquiry', 'registration')),
  organisation_kind  TEXT NOT NULL CHECK (organisation_kind IN ('municipality', 'vendor', 'secretariat', 'guest')),
  organisation_id    INTEGER REFERENCES organisations (id) ON DELETE SET NULL,
  entry_id           INTEGER NOT NULL
) STRICT;
CREATE INDEX usage_events_by_day ON usage_events (day, kind, organisation_kind);
-- A vendor's figures: its entries' events by month.
CREATE INDEX usage_events_by_entry ON usage_events (entry_id, kind, day, organisation_kind, organisation_id);
