-- The genre tree is read on every search page (252 rows). Processes keep it in memory and re-read it
-- only when this number has moved: any change to genres, from any process or a hand edit, moves it.
CREATE TABLE genre_tree_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
);
INSERT INTO genre_tree_version (id, version) VALUES (1, 0);

CREATE TRIGGER genres_insert_bumps_tree AFTER INSERT ON genres
BEGIN UPDATE genre_tree_version SET version = version + 1; END;
CREATE TRIGGER genres_update_bumps_tree AFTER UPDATE ON genres
BEGIN UPDATE genre_tree_version SET version = version + 1; END;
CREATE TRIGGER genres_delete_bumps_tree AFTER DELETE ON genres
BEGIN UPDATE genre_tree_version SET version = version + 1; END;
