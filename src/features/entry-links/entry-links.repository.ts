import type { Db } from '../../db/connection.js';
import { groupBy } from '../../group-by.js';

/** An entry at the other end of a link, as the detail pages list it. */
export type LinkedEntry = {
  id: number;
  title: string;
  typeId: number;
  typeName: string;
  organisationId: number;
  organisationName: string;
  /** `out`: this entry links to it (its owner chose it); `in`: it links to this entry. */
  direction: 'out' | 'in';
  /** An incoming link this entry's organisation hid from its pages (owner's view only). */
  hidden: boolean;
};

/** A results row's links, counted by the other entries' info type. */
export type LinkCount = { typeId: number; typeName: string; count: number };

/** Published = neither soft-deleted nor suspended: only these show at the other end of a link. */
const PUBLISHED = 'o.deleted_at IS NULL AND o.suspended_at IS NULL';

/**
 * Links between entries (migration 0024). Each link is stored once, in the direction its owner made it;
 * the pages read both directions. An entry linked both ways by the two owners is listed once, as the
 * owner's own (outgoing) link, which its organisation cannot hide because it made it.
 */
export function entryLinksRepository(db: Db) {
  const linked = db.prepare<{ id: number; withHidden: 0 | 1 }, Omit<LinkedEntry, 'hidden'> & { hidden: 0 | 1 }>(`
    SELECT o.id, o.title, o.type_id AS typeId, t.name AS typeName, o.organisation_id AS organisationId,
           org.name AS organisationName, l.direction, l.hidden
      FROM (SELECT to_entry_id AS other, 'out' AS direction, 0 AS hidden FROM entry_links WHERE from_entry_id = @id
            UNION ALL
            SELECT i.from_entry_id, 'in', i.hidden_at IS NOT NULL FROM entry_links i
             WHERE i.to_entry_id = @id AND (@withHidden = 1 OR i.hidden_at IS NULL)
               AND NOT EXISTS (SELECT 1 FROM entry_links b WHERE b.from_entry_id = @id AND b.to_entry_id = i.from_entry_id)) l
      JOIN entries o ON o.id = l.other AND ${PUBLISHED}
      JOIN info_types t ON t.id = o.type_id
      JOIN organisations org ON org.id = o.organisation_id
     ORDER BY t.sort_order, t.id, o.updated_at DESC, o.id DESC`);

  const published = db.prepare<[string], { id: number; title: string; typeName: string; organisationName: string }>(`
    SELECT o.id, o.title, t.name AS typeName, org.name AS organisationName
      FROM json_each(?) j JOIN entries o ON o.id = j.value AND ${PUBLISHED}
      JOIN info_types t ON t.id = o.type_id JOIN organisations org ON org.id = o.organisation_id
     ORDER BY j.key`);

  const insert = db.prepare(`
    INSERT INTO entry_links (from_entry_id, to_entry_id, created_by, created_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (from_entry_id, to_entry_id) DO NOTHING`);
  // Only links to published entries: those are what the form showed, so those are what it can take
  // away. A link to an entry that is deleted or suspended now stays for when it comes back.
  const removeUnlisted = db.prepare(`
    DELETE FROM entry_links
     WHERE from_entry_id = @from AND to_entry_id NOT IN (SELECT value FROM json_each(@keep))
       AND to_entry_id IN (SELECT o.id FROM entries o WHERE ${PUBLISHED})`);

  // Ownership in the SQL: the target entry must be the organisation's, the linking one another's.
  const OTHERS_LINK_TO_OWN = `from_entry_id = @from AND to_entry_id = @to
       AND to_entry_id IN (SELECT id FROM entries WHERE organisation_id = @organisationId AND deleted_at IS NULL)
       AND from_entry_id IN (SELECT id FROM entries WHERE organisation_id <> @organisationId)`;
  const hiddenState = db.prepare<{ from: number; to: number; organisationId: number }, { hiddenAt: string | null }>(
    `SELECT hidden_at AS hiddenAt FROM entry_links WHERE ${OTHERS_LINK_TO_OWN}`);
  const setHidden = db.prepare(`UPDATE entry_links SET hidden_at = @at, hidden_by = @userId WHERE ${OTHERS_LINK_TO_OWN}`);

  const counts = db.prepare<{ ids: string }, LinkCount & { entryId: number }>(`
    SELECT p.entry_id AS entryId, o.type_id AS typeId, t.name AS typeName, count(*) AS count
      FROM (SELECT from_entry_id AS entry_id, to_entry_id AS other FROM entry_links
             WHERE from_entry_id IN (SELECT value FROM json_each(@ids))
            UNION
            SELECT to_entry_id, from_entry_id FROM entry_links
             WHERE to_entry_id IN (SELECT value FROM json_each(@ids)) AND hidden_at IS NULL) p
      JOIN entries o ON o.id = p.other AND ${PUBLISHED}
      JOIN info_types t ON t.id = o.type_id
     GROUP BY p.entry_id, o.type_id
     ORDER BY t.sort_order, t.id`);

  return {
    /**
     * The published entries linked with this one, both ways, grouped by type in the types' order. Incoming
     * links the organisation hid are left out unless `withHidden` (the owner's page, to show them again).
     */
    linkedWith(entryId: number, options: { withHidden?: boolean } = {}): LinkedEntry[] {
      return linked.all({ id: entryId, withHidden: options.withHidden ? 1 : 0 }).map((row) => ({ ...row, hidden: row.hidden === 1 }));
    },

    /** Of these ids, the published entries, in the order given, with what the form and confirm page show. */
    publishedOf(ids: readonly number[]) {
      return ids.length === 0 ? [] : published.all(JSON.stringify(ids));
    },

    /**
     * Makes the entry's links to published entries exactly `ids` (links to unpublished ones are kept).
     * Call inside the save's transaction.
     */
    replaceOutgoing(entryId: number, ids: readonly number[], userId: number, at: string): void {
      removeUnlisted.run({ from: entryId, keep: JSON.stringify(ids) });
      for (const id of ids) if (id !== entryId) insert.run(entryId, id, userId, at);
    },

    /**
     * Whether another organisation's link to one of this organisation's entries is hidden from it;
     * undefined when there is no such link (none, the organisation's own, or not its entry).
     */
    isHidden(link: { from: number; to: number }, organisationId: number): boolean | undefined {
      const row = hiddenState.get({ ...link, organisationId });
      return row && row.hiddenAt !== null;
    },

    /** Hides (`at`) or shows again (`at` null) such a link, recording who hid it. */
    setHidden(link: { from: number; to: number }, organisationId: number, userId: number, at: string | null): void {
      setHidden.run({ ...link, organisationId, userId: at === null ? null : userId, at });
    },

    /** For a results page: each row's published linked entries, counted by type (two index lookups a row). */
    countsOf(entryIds: readonly number[]): Map<number, LinkCount[]> {
      if (entryIds.length === 0) return new Map();
      const byEntry = groupBy(counts.all({ ids: JSON.stringify(entryIds) }), (row) => row.entryId);
      return new Map([...byEntry].map(([id, rows]) => [id, rows.map(({ typeId, typeName, count }) => ({ typeId, typeName, count }))]));
    },
  };
}

export type EntryLinksRepository = ReturnType<typeof entryLinksRepository>;
