import type { Db } from '../../db/connection.js';

/** An entry as the CSV export writes it, for comparing with an imported row. */
export type ExportedEntry = {
  id: number; type: string; title: string; summary: string; url: string; ownerOrg: string;
  contact_company: string; contact_department: string; contact_name: string; contact_phone: string; contact_email: string;
  updatedAt: string; genreIds: number[];
};

/** SQL of the CSV export and import: the rows written, and imports kept between preview and commit. */
export function adminImportRepository(db: Db) {
  const columns = `e.id, t.name AS type, e.title, e.summary, coalesce(e.url, '') AS url, o.name AS ownerOrg,
    e.contact_company, e.contact_department, e.contact_name, e.contact_phone, e.contact_email, e.updated_at AS updatedAt,
    (SELECT json_group_array(eg.genre_id) FROM entry_genres eg WHERE eg.entry_id = e.id) AS genreIds`;
  const from = 'entries e JOIN info_types t ON t.id = e.type_id JOIN organisations o ON o.id = e.organisation_id';
  type Row = Omit<ExportedEntry, 'genreIds'> & { genreIds: string };
  const statements = {
    all: db.prepare<[], Row>(`SELECT ${columns} FROM ${from} WHERE e.deleted_at IS NULL ORDER BY e.id`),
    byIds: db.prepare<[string], Row>(`SELECT ${columns} FROM ${from}
      WHERE e.deleted_at IS NULL AND e.id IN (SELECT value FROM json_each(?))`),
    keep: db.prepare(`INSERT INTO csv_imports (key, user_id, create_orgs, content, created_at) VALUES (?, ?, ?, ?, ?)`),
    find: db.prepare<[string, number], { content: Buffer; createOrgs: number; createdAt: string }>(`
      SELECT content, create_orgs AS createOrgs, created_at AS createdAt FROM csv_imports WHERE key = ? AND user_id = ? AND kind = 'entries'`),
    remove: db.prepare('DELETE FROM csv_imports WHERE key = ?'),
    removeOlder: db.prepare('DELETE FROM csv_imports WHERE created_at < ?'),
  };
  const parse = (row: Row): ExportedEntry => ({ ...row, genreIds: JSON.parse(row.genreIds) as number[] });

  return {
    /** Every entry that is not deleted, in id order (the export). */
    exportedEntries(): ExportedEntry[] {
      return statements.all.all().map(parse);
    },
    /** The named entries that are not deleted, by id (what an import's `id` column may update). */
    exportedEntriesByIds(ids: number[]): Map<number, ExportedEntry> {
      return new Map(statements.byIds.all(JSON.stringify(ids)).map((row) => [row.id, parse(row)]));
    },
    keepUpload(key: string, userId: number, createOrgs: boolean, content: Buffer, at: string): void {
      statements.keep.run(key, userId, createOrgs ? 1 : 0, content, at);
    },
    /** A kept upload of this user's (a colleague's key finds nothing). */
    findUpload(key: string, userId: number) {
      const row = statements.find.get(key, userId);
      return row && { content: row.content, createOrgs: row.createOrgs === 1, createdAt: row.createdAt };
    },
    removeUpload(key: string): boolean {
      return statements.remove.run(key).changes > 0;
    },
    /** Previews never committed; returns how many were removed. */
    removeUploadsOlderThan(before: string): number {
      return statements.removeOlder.run(before).changes;
    },
  };
}

export type AdminImportRepository = ReturnType<typeof adminImportRepository>;
