-- The guidebook's self-check as a city hall works with it (issue 23.3).
--
-- One row per organisation, checklist and item: 'main' is the guidebook's ten items ('1' … '10'),
-- 'mynumber' the My Number version's 事業チェックリスト ('1-1' … '5-3'). A row is written only when
-- its item changes, so updated_at and updated_by say when and by whom that item was last answered.
-- status NULL is 未記入 (never answered, or set back to it); a row is never deleted, so `version`
-- only grows and a form read at an older version is always caught (the conflict check).
CREATE TABLE guidebook_checks (
  organisation_id  INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  checklist        TEXT NOT NULL CHECK (checklist IN ('main', 'mynumber')),
  item             TEXT NOT NULL,
  status           TEXT CHECK (status IS NULL OR status IN ('doing', 'considering', 'not_started')),
  note             TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 200),
  version          INTEGER NOT NULL DEFAULT 1,
  updated_at       TEXT NOT NULL,
  updated_by       INTEGER REFERENCES users (id),
  PRIMARY KEY (organisation_id, checklist, item)
) STRICT, WITHOUT ROWID;

INSERT INTO guidebook_checks (organisation_id, checklist, item, status, note, version, updated_at, updated_by)
  SELECT organisation_id, 'main', CAST(item_number AS TEXT), status, note, 1, updated_at, updated_by FROM guidebook_self_checks;

DROP TABLE guidebook_self_checks;

-- The whole checklist as it stood after each save (fiscal_year NULL, `changed` = the items that save
-- changed), and the record a municipality keeps of a fiscal year to compare later years with
-- (fiscal_year set, one per year: keeping the year again replaces it). `items` is
-- {"1": {"status": "doing", "note": "…"}, …} with every item that has a row.
CREATE TABLE guidebook_check_snapshots (
  id               INTEGER PRIMARY KEY,
  organisation_id  INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  checklist        TEXT NOT NULL CHECK (checklist IN ('main', 'mynumber')),
  fiscal_year      INTEGER CHECK (fiscal_year IS NULL OR fiscal_year BETWEEN 2000 AND 2999),
  items            TEXT NOT NULL CHECK (json_valid(items)),
  changed          TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(changed)),
  taken_at         TEXT NOT NULL,
  taken_by         INTEGER REFERENCES users (id)
) STRICT;

CREATE INDEX guidebook_check_snapshots_by_sheet ON guidebook_check_snapshots (organisation_id, checklist, taken_at);
CREATE UNIQUE INDEX guidebook_check_snapshots_by_year
  ON guidebook_check_snapshots (organisation_id, checklist, fiscal_year) WHERE fiscal_year IS NOT NULL;

-- The saves made before this migration: the state they left, as the first snapshot of each sheet.
INSERT INTO guidebook_check_snapshots (organisation_id, checklist, items, changed, taken_at, taken_by)
  SELECT organisation_id, 'main',
         json_group_object(item, json_object('status', status, 'note', note)),
         json_group_array(item), max(updated_at), NULL
    FROM guidebook_checks GROUP BY organisation_id;
