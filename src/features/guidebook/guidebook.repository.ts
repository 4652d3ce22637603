import type { Db } from '../../db/connection.js';
import type { ChecklistKey } from './guidebook.checklists.js';

export const selfCheckStatuses = ['doing', 'considering', 'not_started'] as const;
export type SelfCheckStatus = (typeof selfCheckStatuses)[number];
export const selfCheckLabels: Record<SelfCheckStatus, string> = { doing: '取り組んでいる', considering: '検討中', not_started: '未着手' };
/** What an item without a status shows. */
export const UNANSWERED_LABEL = '未記入';

/** An item's answer as saved: null status is 未記入 (migration 0032). */
export type ItemCheck = {
  item: string; status: SelfCheckStatus | null; note: string; version: number; updatedAt: string; updatedByName: string | null;
};

/** The answers of a sheet at one moment: item → status and note. */
export type SheetState = Record<string, { status: SelfCheckStatus | null; note: string }>;

export type Snapshot = {
  id: number; fiscalYear: number | null; items: SheetState; changed: string[]; takenAt: string; takenByName: string | null;
};

/** What helps with a checklist item: genres to search and entries to read. */
export type ItemLinks = { genreIds: number[]; entryIds: number[] };

type SnapshotRow = Omit<Snapshot, 'items' | 'changed'> & { items: string; changed: string };

const snapshotColumns = `s.id, s.fiscal_year AS fiscalYear, s.items, s.changed, s.taken_at AS takenAt, u.name AS takenByName
  FROM guidebook_check_snapshots s LEFT JOIN users u ON u.id = s.taken_by`;

const parseSnapshot = (row: SnapshotRow): Snapshot => ({ ...row, items: JSON.parse(row.items) as SheetState, changed: JSON.parse(row.changed) as string[] });

/** SQL of the self-check: every statement names the organisation, so another one's answers are never read. */
export function guidebookRepository(db: Db) {
  const statements = {
    checks: db.prepare<[number, string], ItemCheck>(`
      SELECT c.item, c.status, c.note, c.version, c.updated_at AS updatedAt, u.name AS updatedByName
        FROM guidebook_checks c LEFT JOIN users u ON u.id = c.updated_by
       WHERE c.organisation_id = ? AND c.checklist = ?`),
    write: db.prepare(`
      INSERT INTO guidebook_checks (organisation_id, checklist, item, status, note, version, updated_at, updated_by)
      VALUES (@organisationId, @checklist, @item, @status, @note, 1, @at, @userId)
      ON CONFLICT (organisation_id, checklist, item) DO UPDATE
        SET status = excluded.status, note = excluded.note, version = version + 1,
            updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
    insertSnapshot: db.prepare(`
      INSERT INTO guidebook_check_snapshots (organisation_id, checklist, fiscal_year, items, changed, taken_at, taken_by)
      VALUES (@organisationId, @checklist, @fiscalYear, @items, @changed, @at, @userId)`),
    deleteYear: db.prepare('DELETE FROM guidebook_check_snapshots WHERE organisation_id = ? AND checklist = ? AND fiscal_year = ?'),
    saves: db.prepare<[number, string, number, number], SnapshotRow>(`SELECT ${snapshotColumns}
       WHERE s.organisation_id = ? AND s.checklist = ? AND s.fiscal_year IS NULL ORDER BY s.taken_at DESC, s.id DESC LIMIT ? OFFSET ?`),
    countSaves: db.prepare<[number, string], number>(
      'SELECT count(*) FROM guidebook_check_snapshots WHERE organisation_id = ? AND checklist = ? AND fiscal_year IS NULL').pluck(),
    years: db.prepare<[number, string], SnapshotRow>(`SELECT ${snapshotColumns}
       WHERE s.organisation_id = ? AND s.checklist = ? AND s.fiscal_year IS NOT NULL ORDER BY s.fiscal_year DESC`),
    itemGenres: db.prepare<[], { item: number; id: number }>('SELECT item_number AS item, genre_id AS id FROM guidebook_item_genres ORDER BY item_number, sort_order'),
    itemEntries: db.prepare<[], { item: number; id: number }>('SELECT item_number AS item, entry_id AS id FROM guidebook_item_entries ORDER BY item_number, sort_order'),
    clearItemGenres: db.prepare('DELETE FROM guidebook_item_genres WHERE item_number = ?'),
    clearItemEntries: db.prepare('DELETE FROM guidebook_item_entries WHERE item_number = ?'),
    addItemGenre: db.prepare('INSERT INTO guidebook_item_genres (item_number, genre_id, sort_order) VALUES (?, ?, ?)'),
    addItemEntry: db.prepare('INSERT INTO guidebook_item_entries (item_number, entry_id, sort_order) VALUES (?, ?, ?)'),
  };

  return {
    checksOf(organisationId: number, checklist: ChecklistKey): Map<string, ItemCheck> {
      return new Map(statements.checks.all(organisationId, checklist).map((c) => [c.item, c]));
    },

    /** An item's new answer; its version goes up by one. */
    writeCheck(check: { organisationId: number; checklist: ChecklistKey; item: string; status: SelfCheckStatus | null; note: string; at: string; userId: number }): void {
      statements.write.run(check);
    },

    insertSnapshot(snapshot: { organisationId: number; checklist: ChecklistKey; fiscalYear: number | null; items: SheetState; changed: string[]; at: string; userId: number }): void {
      statements.insertSnapshot.run({ ...snapshot, items: JSON.stringify(snapshot.items), changed: JSON.stringify(snapshot.changed) });
    },

    deleteYearRecord(organisationId: number, checklist: ChecklistKey, fiscalYear: number): void {
      statements.deleteYear.run(organisationId, checklist, fiscalYear);
    },

    /** The saves, newest first, a page at a time. */
    savesOf(organisationId: number, checklist: ChecklistKey, limit: number, offset: number): { total: number; items: Snapshot[] } {
      return {
        total: statements.countSaves.get(organisationId, checklist) ?? 0,
        items: statements.saves.all(organisationId, checklist, limit, offset).map(parseSnapshot),
      };
    },

    /** Each checklist item's genres and entries (migration 0033), in the secretariat's order; items without any are absent. */
    itemLinks(): Map<number, ItemLinks> {
      const links = new Map<number, ItemLinks>();
      const of = (item: number) => links.get(item) ?? links.set(item, { genreIds: [], entryIds: [] }).get(item)!;
      for (const row of statements.itemGenres.all()) of(row.item).genreIds.push(row.id);
      for (const row of statements.itemEntries.all()) of(row.item).entryIds.push(row.id);
      return links;
    },

    /** Makes an item's genres and entries exactly these. Call inside the save's transaction. */
    replaceItemLinks(item: number, links: ItemLinks): void {
      statements.clearItemGenres.run(item);
      statements.clearItemEntries.run(item);
      links.genreIds.forEach((id, i) => statements.addItemGenre.run(item, id, i + 1));
      links.entryIds.forEach((id, i) => statements.addItemEntry.run(item, id, i + 1));
    },

    /** The records kept of fiscal years, the latest year first. */
    yearRecordsOf(organisationId: number, checklist: ChecklistKey): Snapshot[] {
      return statements.years.all(organisationId, checklist).map(parseSnapshot);
    },
  };
}

export type GuidebookRepository = ReturnType<typeof guidebookRepository>;
