import type { Db } from '../../db/connection.js';

export const adoptionVisibilities = ['none', 'municipalities', 'all'] as const;
export type AdoptionVisibility = (typeof adoptionVisibilities)[number];

/** An organisation's own mark on an entry, as its form shows it. */
export type OwnAdoption = { sinceYear: number | null; visibility: AdoptionVisibility };

/** A named adopter, as a detail page lists it. */
export type NamedAdopter = { organisationName: string; sinceYear: number | null };

/**
 * Who sees which marks (migration 0025): vendors only those made visible to all, municipalities and the
 * secretariat every mark in the counts and the names of those not kept anonymous. The SQL takes the
 * audience, so no screen can get a vendor more than it may see.
 */
export type AdoptionAudience = 'vendor' | 'member';

const COUNTED = `(@audience = 'member' OR a.visibility = 'all')`;
const NAMED = `(a.visibility = 'all' OR (@audience = 'member' AND a.visibility = 'municipalities'))`;

export function adoptionsRepository(db: Db) {
  const own = db.prepare<[number, number], { sinceYear: number | null; visibility: AdoptionVisibility }>(
    'SELECT since_year AS sinceYear, visibility FROM adoptions WHERE entry_id = ? AND organisation_id = ?');
  const upsert = db.prepare(`
    INSERT INTO adoptions (entry_id, organisation_id, user_id, since_year, visibility, created_at, updated_at)
    VALUES (@entryId, @organisationId, @userId, @sinceYear, @visibility, @at, @at)
    ON CONFLICT (entry_id, organisation_id) DO UPDATE
       SET user_id = excluded.user_id, since_year = excluded.since_year, visibility = excluded.visibility, updated_at = excluded.updated_at`);
  const remove = db.prepare('DELETE FROM adoptions WHERE entry_id = ? AND organisation_id = ?');
  const count = db.prepare<{ entryId: number; audience: AdoptionAudience }, number>(
    `SELECT count(*) FROM adoptions a WHERE a.entry_id = @entryId AND ${COUNTED}`).pluck();
  const named = db.prepare<{ entryId: number; audience: AdoptionAudience }, NamedAdopter>(`
    SELECT o.name AS organisationName, a.since_year AS sinceYear
      FROM adoptions a JOIN organisations o ON o.id = a.organisation_id
     WHERE a.entry_id = @entryId AND ${NAMED}
     ORDER BY a.since_year IS NULL, a.since_year, o.name`);
  const counts = db.prepare<{ ids: string; audience: AdoptionAudience }, { entryId: number; count: number }>(`
    SELECT a.entry_id AS entryId, count(*) AS count FROM adoptions a
     WHERE a.entry_id IN (SELECT value FROM json_each(@ids)) AND ${COUNTED}
     GROUP BY a.entry_id`);

  return {
    ownOf(entryId: number, organisationId: number): OwnAdoption | undefined {
      return own.get(entryId, organisationId);
    },

    /** Marks (or changes the mark): one a municipality and entry. */
    save(mark: { entryId: number; organisationId: number; userId: number; sinceYear: number | null; visibility: AdoptionVisibility; at: string }): void {
      upsert.run(mark);
    },

    /** False when the organisation had no mark on the entry. */
    remove(entryId: number, organisationId: number): boolean {
      return remove.run(entryId, organisationId).changes > 0;
    },

    /** What the audience sees on a detail page: how many, and the names it may see. */
    seenBy(entryId: number, audience: AdoptionAudience): { count: number; named: NamedAdopter[] } {
      return { count: count.get({ entryId, audience }) ?? 0, named: named.all({ entryId, audience }) };
    },

    /** For a results page: the count each row shows the audience (rows without marks left out). */
    countsOf(entryIds: readonly number[], audience: AdoptionAudience): Map<number, number> {
      if (entryIds.length === 0) return new Map();
      return new Map(counts.all({ ids: JSON.stringify(entryIds), audience }).map((r) => [r.entryId, r.count]));
    },
  };
}

export type AdoptionsRepository = ReturnType<typeof adoptionsRepository>;
