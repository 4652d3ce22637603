-- The guidebook self-check: each municipality marks the 10 checklist items for itself.
CREATE TABLE guidebook_self_checks (
  organisation_id  INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  item_number      INTEGER NOT NULL CHECK (item_number BETWEEN 1 AND 10),
  status           TEXT NOT NULL CHECK (status IN ('doing', 'considering', 'not_started')),
  note             TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 200),
  updated_at       TEXT NOT NULL,
  updated_by       INTEGER REFERENCES users (id),
  PRIMARY KEY (organisation_id, item_number)
) STRICT, WITHOUT ROWID;
