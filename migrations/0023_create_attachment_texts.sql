-- Issue 20.3: the keyword search reads the entry's PDF too. The text is extracted in the background
-- (src/features/attachment-text/): a PDF is saved at once, its text follows a few seconds later.
--
-- attachment_texts: one row an attachment, made by the trigger below whichever path inserted the
-- attachment (the entry form, the demo data, a restore), so nothing can forget to queue one. `text`
-- is what a results row quotes: NFKC, variation selectors dropped, white space collapsed, so that
-- the folded copy in attachment_search lines up with it character for character (search-fold.ts
-- maps one character to at most one) and a passage can be cut by the match's position.
-- `failure` says why no text could be read; the owner's entry page shows it.
CREATE TABLE attachment_texts (
  attachment_id  INTEGER PRIMARY KEY REFERENCES attachments (id) ON DELETE CASCADE,
  state          TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'extracted', 'failed')),
  failure        TEXT CHECK (failure IN ('unreadable', 'encrypted', 'timeout', 'too_large', 'no_text')),
  text           TEXT,
  pages          INTEGER,
  truncated      INTEGER NOT NULL DEFAULT 0 CHECK (truncated IN (0, 1)),
  -- Raised when an extraction starts: a PDF that took its process down with it is not tried forever.
  attempts       INTEGER NOT NULL DEFAULT 0,
  finished_at    TEXT,
  CHECK ((state = 'failed') = (failure IS NOT NULL)),
  CHECK ((state = 'extracted') = (text IS NOT NULL))
) STRICT;
CREATE INDEX attachment_texts_pending ON attachment_texts (attachment_id) WHERE state = 'pending';

-- The folded text for keywords, as entry_search and entry_bigrams hold the title and summary
-- (migrations 0001 and 0007). rowid = entries.id: an entry has at most one attachment. The pair
-- index is only ever asked for one token, so it keeps no positions (detail = none): a third faster
-- to read and smaller; the trigram index needs them for words longer than three characters.
CREATE VIRTUAL TABLE attachment_search USING fts5 (text, tokenize = 'trigram');
CREATE VIRTUAL TABLE attachment_bigrams USING fts5 (text, tokenize = 'unicode61 remove_diacritics 0', detail = none, columnsize = 0);

CREATE TRIGGER attachments_insert_queues_text AFTER INSERT ON attachments
BEGIN INSERT INTO attachment_texts (attachment_id) VALUES (NEW.id); END;

-- A PDF replaced or removed takes its text out of the search at once; the change feed tells every
-- worker's index (search.index.ts) to test the entry again.
CREATE TRIGGER attachments_delete_drops_text AFTER DELETE ON attachments
BEGIN
  DELETE FROM attachment_search WHERE rowid = OLD.entry_id;
  DELETE FROM attachment_bigrams WHERE rowid = OLD.entry_id;
  INSERT INTO search_changes (entry_id) VALUES (OLD.entry_id);
END;

-- The attachments saved before this migration: extracted once, by the same background job.
INSERT INTO attachment_texts (attachment_id) SELECT id FROM attachments;
