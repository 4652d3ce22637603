-- The change feed of the in-memory search index (src/features/search/search.index.ts). Triggers note
-- every entry whose searchable state changes, whichever connection or process wrote it: the server
-- itself, create-user, an import, or the sqlite3 shell. The index applies the rows after the last seq
-- it has seen. entry_id NULL means "rebuild everything" (a genre added or moved, a type added).
CREATE TABLE search_changes (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  entry_id  INTEGER
) STRICT;

CREATE TRIGGER entries_insert_feeds_search AFTER INSERT ON entries
BEGIN INSERT INTO search_changes (entry_id) VALUES (NEW.id); END;

CREATE TRIGGER entries_update_feeds_search
AFTER UPDATE OF type_id, title, summary, updated_at, deleted_at, suspended_at ON entries
BEGIN INSERT INTO search_changes (entry_id) VALUES (NEW.id); END;

CREATE TRIGGER entries_delete_feeds_search AFTER DELETE ON entries
BEGIN INSERT INTO search_changes (entry_id) VALUES (OLD.id); END;

CREATE TRIGGER entry_genres_insert_feeds_search AFTER INSERT ON entry_genres
BEGIN INSERT INTO search_changes (entry_id) VALUES (NEW.entry_id); END;

CREATE TRIGGER entry_genres_delete_feeds_search AFTER DELETE ON entry_genres
BEGIN INSERT INTO search_changes (entry_id) VALUES (OLD.entry_id); END;

CREATE TRIGGER genres_insert_feeds_search AFTER INSERT ON genres
BEGIN INSERT INTO search_changes (entry_id) VALUES (NULL); END;

CREATE TRIGGER genres_move_feeds_search AFTER UPDATE OF parent_id ON genres
BEGIN INSERT INTO search_changes (entry_id) VALUES (NULL); END;

CREATE TRIGGER info_types_insert_feeds_search AFTER INSERT ON info_types
BEGIN INSERT INTO search_changes (entry_id) VALUES (NULL); END;
