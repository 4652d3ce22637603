-- Issue 21.2: 「導入しています」. A municipality marks that it uses a product or service, with the year
-- it started (optional) and who may see its name:
--   none            — nobody: it is counted for other municipalities and the secretariat only;
--   municipalities  — other municipalities and the secretariat see its name;
--   all             — vendors too, the entry's own organisation among them.
-- Vendors see only `all` marks, in counts as in names: a mark made without that consent changes
-- nothing a vendor can see (design.md: what a municipality chose is never disclosed without it).
CREATE TABLE adoptions (
  entry_id         INTEGER NOT NULL REFERENCES entries (id),
  organisation_id  INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  user_id          INTEGER REFERENCES users (id) ON DELETE SET NULL,
  since_year       INTEGER CHECK (since_year BETWEEN 1980 AND 2100),
  visibility       TEXT NOT NULL CHECK (visibility IN ('none', 'municipalities', 'all')),
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  PRIMARY KEY (entry_id, organisation_id)
) STRICT, WITHOUT ROWID;

-- Which info types take the mark: products and services, not cases or people. The spec's initial
-- type is marked here; a type the secretariat adds starts without it.
ALTER TABLE info_types ADD COLUMN adoptable INTEGER NOT NULL DEFAULT 0 CHECK (adoptable IN (0, 1));
UPDATE info_types SET adoptable = 1 WHERE name = '製品・サービス情報';
