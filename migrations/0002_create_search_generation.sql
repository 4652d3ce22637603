-- A counter that every write affecting search results bumps, so the in-memory search index
-- (src/features/search/search.index.ts) can tell with one cheap read that it is stale, whichever
-- connection or process wrote: the server itself, create-user, an import, or the sqlite3 shell.
CREATE TABLE search_generation (
  id     INTEGER PRIMARY KEY CHECK (id = 1),
  value  INTEGER NOT NULL
) STRICT;
INSERT INTO search_generation (id, value) VALUES (1, 1);

CREATE TRIGGER entries_insert_bumps_search AFTER INSERT ON entries
BEGIN UPDATE search_generation SET value = value + 1 WHERE id = 1; END;

CREATE TRIGGER entries_update_bumps_search
AFTER UPDATE OF type_id, updated_at, deleted_at, suspended_at ON entries
BEGIN UPDATE search_generation SET value = value + 1 WHERE id = 1; END;

CREATE TRIGGER entries_delete_bumps_search AFTER DELETE ON entries
BEGIN UPDATE search_generation SET value = value + 1 WHERE id = 1; END;

CREATE TRIGGER entry_genres_insert_bumps_search AFTER INSERT ON entry_genres
BEGIN UPDATE search_generation SET value = value + 1 WHERE id = 1; END;

CREATE TRIGGER entry_genres_delete_bumps_search AFTER DELETE ON entry_genres
BEGIN UPDATE search_generation SET value = value + 1 WHERE id = 1; END;

CREATE TRIGGER genres_insert_bumps_search AFTER INSERT ON genres
BEGIN UPDATE search_generation SET value = value + 1 WHERE id = 1; END;

CREATE TRIGGER genres_move_bumps_search AFTER UPDATE OF parent_id ON genres
BEGIN UPDATE search_generation SET value = value + 1 WHERE id = 1; END;

CREATE TRIGGER info_types_insert_bumps_search AFTER INSERT ON info_types
BEGIN UPDATE search_generation SET value = value + 1 WHERE id = 1; END;
