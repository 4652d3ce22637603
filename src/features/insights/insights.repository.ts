import type { Db } from '../../db/connection.js';

export type NearVendor = { organisationId: number; name: string; entries: number };

/** The vendors a 登録依頼 can go to (issue 22.2). */
export function insightsRepository(db: Db) {
  // Vendor organisations with published entries in a subtree (or anywhere, for null), most entries first.
  const under = db.prepare<[{ genre: number | null; limit: number }], NearVendor>(`
    WITH RECURSIVE sub(id) AS (SELECT id FROM genres WHERE id = @genre UNION SELECT g.id FROM genres g JOIN sub ON g.parent_id = sub.id)
    SELECT o.id AS organisationId, o.name, count(DISTINCT e.id) AS entries
      FROM entries e JOIN organisations o ON o.id = e.organisation_id
     WHERE e.deleted_at IS NULL AND e.suspended_at IS NULL AND o.kind = 'vendor'
       AND (@genre IS NULL OR e.id IN (SELECT entry_id FROM entry_genres WHERE genre_id IN (SELECT id FROM sub)))
     GROUP BY o.id ORDER BY entries DESC, o.name LIMIT @limit`);
  const addresses = db.prepare<[string], { organisationId: number; email: string }>(`
    SELECT u.organisation_id AS organisationId, u.email FROM users u JOIN organisations o ON o.id = u.organisation_id
     WHERE o.kind = 'vendor' AND u.active = 1 AND u.email <> '' AND u.organisation_id IN (SELECT value FROM json_each(?))
     ORDER BY u.organisation_id, u.id`);
  const vendorNames = db.prepare<[string], { id: number; name: string }>(
    `SELECT id, name FROM organisations WHERE kind = 'vendor' AND id IN (SELECT value FROM json_each(?)) ORDER BY name`);

  return {
    vendorsUnder(genreId: number | null, limit: number): NearVendor[] {
      return under.all({ genre: genreId, limit });
    },
    /** Each of the given vendor organisations with the addresses of its active users (none for a non-vendor). */
    vendorAddresses(organisationIds: readonly number[]): { organisationId: number; emails: string[] }[] {
      const byOrg = new Map<number, string[]>();
      for (const { organisationId, email } of addresses.all(JSON.stringify(organisationIds))) {
        byOrg.set(organisationId, [...(byOrg.get(organisationId) ?? []), email]);
      }
      return [...byOrg].map(([organisationId, emails]) => ({ organisationId, emails }));
    },
    /** The names of those of the ids that are vendor organisations. */
    vendorNames(organisationIds: readonly number[]): { id: number; name: string }[] {
      return vendorNames.all(JSON.stringify(organisationIds));
    },
  };
}

export type InsightsRepository = ReturnType<typeof insightsRepository>;
