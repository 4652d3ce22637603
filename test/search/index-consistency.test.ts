import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.js';
import { SearchIndex } from '../../src/features/search/search.index.js';
import { searchRepository } from '../../src/features/search/search.repository.js';
import { createEntry, createGenre, createUser } from '../helpers/factories.js';
import { createTestPortal } from '../helpers/portal.js';

/** A seeded generator, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** The answer computed the slow, obvious way in SQL: what the index must always agree with. */
function bruteForce(db: Db, genreIds: number[], typeIds: number[]): number[] {
  const subtree = genreIds.length === 0 ? null : new Set(
    db.prepare(`
      WITH RECURSIVE sub(id) AS (SELECT value FROM json_each(?) UNION SELECT g.id FROM genres g JOIN sub ON g.parent_id = sub.id)
      SELECT id FROM sub`).pluck().all(JSON.stringify(genreIds)) as number[],
  );
  const rows = db.prepare(`
    SELECT e.id, e.type_id AS typeId, (SELECT json_group_array(genre_id) FROM entry_genres WHERE entry_id = e.id) AS genres
      FROM entries e WHERE e.deleted_at IS NULL AND e.suspended_at IS NULL ORDER BY e.updated_at DESC, e.id DESC`).all() as { id: number; typeId: number; genres: string }[];
  return rows
    .filter((r) => typeIds.length === 0 || typeIds.includes(r.typeId))
    .filter((r) => !subtree || (JSON.parse(r.genres) as number[]).some((g) => subtree.has(g)))
    .map((r) => r.id);
}

describe('SearchIndex › follows every kind of write', () => {
  it('agrees with a brute-force SQL answer after inserts, edits, suspensions, deletions, genre and tree changes', () => {
    const random = rng(20261126);
    const { db } = createTestPortal();
    const genres: number[] = [];
    for (let a = 0; a < 4; a++) {
      const top = createGenre(db, `上位${a}`);
      genres.push(top);
      for (let b = 0; b < 3; b++) {
        const mid = createGenre(db, `中位${a}-${b}`, top);
        genres.push(mid);
        for (let c = 0; c < 2; c++) genres.push(createGenre(db, `下位${a}-${b}-${c}`, mid));
      }
    }
    const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
    const someGenres = () => Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(genres));
    const vendor = createUser(db, 'vendor');
    const entries: number[] = [];
    const day = (n: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + n * 86_400_000).toISOString();
    for (let i = 0; i < 150; i++) {
      entries.push(createEntry(db, vendor, { typeId: 1 + Math.floor(random() * 3), genreIds: someGenres(), updatedAt: day(Math.floor(random() * 50)) }));
    }
    const index = new SearchIndex(searchRepository(db));

    const check = (round: number) => {
      for (let q = 0; q < 8; q++) {
        const genreIds = random() < 0.2 ? [] : Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(genres));
        const typeIds = random() < 0.4 ? [] : [1 + Math.floor(random() * 3)];
        const expected = bruteForce(db, [...new Set(genreIds)], typeIds);
        const pages = Math.max(1, Math.ceil(expected.length / 7));
        const got: number[] = [];
        let total = -1;
        for (let page = 1; page <= pages; page++) {
          const result = index.search({ genreIds, typeIds }, page, 7);
          total = result.total;
          got.push(...result.entryIds);
        }
        expect({ round, genreIds, typeIds, total, ids: got }).toEqual({ round, genreIds, typeIds, total: expected.length, ids: expected });
      }
    };

    check(0);
    const writes: (() => void)[] = [
      () => entries.push(createEntry(db, vendor, { typeId: 1 + Math.floor(random() * 3), genreIds: someGenres(), updatedAt: day(Math.floor(random() * 60)) })),
      () => db.prepare('UPDATE entries SET updated_at = ? WHERE id = ?').run(day(Math.floor(random() * 60)), pick(entries)),
      () => db.prepare('UPDATE entries SET type_id = ? WHERE id = ?').run(1 + Math.floor(random() * 3), pick(entries)),
      () => db.prepare(`UPDATE entries SET suspended_at = 'x', suspended_reason = 'r' WHERE id = ?`).run(pick(entries)),
      () => db.prepare('UPDATE entries SET suspended_at = NULL, suspended_reason = NULL WHERE id = ?').run(pick(entries)),
      () => db.prepare(`UPDATE entries SET deleted_at = 'x' WHERE id = ?`).run(pick(entries)),
      () => {
        const id = pick(entries);
        db.transaction(() => {
          db.prepare('DELETE FROM entry_genres WHERE entry_id = ?').run(id);
          for (const g of new Set(someGenres())) db.prepare('INSERT INTO entry_genres (entry_id, genre_id) VALUES (?, ?)').run(id, g);
        })();
      },
      () => {
        // Move a leaf genre under another middle genre: every subtree above it changes.
        const leaf = pick(genres.filter((g) => (db.prepare('SELECT count(*) FROM genres WHERE parent_id = ?').pluck().get(g) as number) === 0));
        const mid = pick(genres.filter((g) => db.prepare('SELECT parent_id FROM genres WHERE id = ?').pluck().get(g) !== null && g !== leaf));
        db.prepare('UPDATE genres SET parent_id = ? WHERE id = ?').run(mid, leaf);
      },
    ];
    for (let round = 1; round <= 40; round++) {
      const batch = 1 + Math.floor(random() * 4);
      for (let w = 0; w < batch; w++) pick(writes)();
      check(round);
    }
  });
});
