-- Issue 21.1: entries point at each other — a case at the products it used and the people involved, a
-- product at its cases. The owner of `from_entry_id` sets its links on the entry form; both detail
-- pages show them. A link whose other end is deleted or suspended is kept and simply not shown, so it
-- comes back with the entry.
--
-- `hidden_at`: the organisation of `to_entry_id`, when it is another organisation, may hide the link
-- from its own entry's pages; the link stays on the linking entry, which is not theirs to change.
CREATE TABLE entry_links (
  from_entry_id  INTEGER NOT NULL REFERENCES entries (id),
  to_entry_id    INTEGER NOT NULL REFERENCES entries (id),
  created_by     INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at     TEXT NOT NULL,
  hidden_at      TEXT,
  hidden_by      INTEGER REFERENCES users (id) ON DELETE SET NULL,
  PRIMARY KEY (from_entry_id, to_entry_id),
  CHECK (from_entry_id <> to_entry_id)
) STRICT, WITHOUT ROWID;

-- The other side's page and the results rows' counts look links up by their target.
CREATE INDEX entry_links_to ON entry_links (to_entry_id, from_entry_id);
