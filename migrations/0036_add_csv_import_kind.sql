-- Issue 24.4: the bulk link of accounts to the association's IDs is a CSV import too, checked whole,
-- previewed, then committed, so its uploads wait between preview and commit where the entry import's
-- do (and are swept with them after an hour). The kind keeps a key of one from committing the other.
ALTER TABLE csv_imports ADD COLUMN kind TEXT NOT NULL DEFAULT 'entries' CHECK (kind IN ('entries', 'oidc_links'));
