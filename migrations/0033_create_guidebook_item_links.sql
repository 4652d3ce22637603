-- The guidebook linked to the catalog (issue 23.4): for each of the ten checklist items, the genres
-- and entries that help with it, edited by the secretariat at /admin/guidebook. An item page lists
-- the genres that are not retired and the entries that are published; a removed genre or entry drops
-- out of the mapping with it.
CREATE TABLE guidebook_item_genres (
  item_number  INTEGER NOT NULL CHECK (item_number BETWEEN 1 AND 10),
  genre_id     INTEGER NOT NULL REFERENCES genres (id) ON DELETE CASCADE,
  sort_order   INTEGER NOT NULL,
  PRIMARY KEY (item_number, genre_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE guidebook_item_entries (
  item_number  INTEGER NOT NULL CHECK (item_number BETWEEN 1 AND 10),
  entry_id     INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
  sort_order   INTEGER NOT NULL,
  PRIMARY KEY (item_number, entry_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX guidebook_item_entries_by_entry ON guidebook_item_entries (entry_id);
CREATE INDEX guidebook_item_genres_by_genre ON guidebook_item_genres (genre_id);
