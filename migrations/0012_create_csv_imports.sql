-- Issue 15.9: the import's preview step.
-- A CSV import between its preview and its commit: the file as uploaded, under an opaque key, for the
-- secretariat user who previewed it. Committed or not, it is removed (commit, or the hourly sweep).
CREATE TABLE csv_imports (
  key          TEXT PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users (id),
  create_orgs  INTEGER NOT NULL CHECK (create_orgs IN (0, 1)),
  content      BLOB NOT NULL,
  created_at   TEXT NOT NULL
) STRICT;
CREATE INDEX csv_imports_created ON csv_imports (created_at);
