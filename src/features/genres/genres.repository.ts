import type { Db } from '../../db/connection.js';

export type Genre = { id: number; parentId: number | null; name: string; sortOrder: number; retired: boolean; version: number };


export function genresRepository(db: Db) {
  const insert = db.prepare(
    `INSERT INTO genres (parent_id, name, sort_order, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
  );
  const all = db.prepare<[], Omit<Genre, 'retired'> & { retired: number }>(
    `SELECT id, parent_id AS parentId, name, sort_order AS sortOrder, retired_at IS NOT NULL AS retired, version
       FROM genres ORDER BY sort_order, id`,
  );
  const treeVersion = db.prepare<[], number>('SELECT version FROM genre_tree_version').pluck();
  // The whole table, kept until genre_tree_version moves (migration 0008): reading and mapping 252 rows
  // was half a millisecond of every search page. Frozen, because every caller shares it.
  let cached: { version: number; genres: readonly Genre[] } | undefined;
  const ofEntry = db.prepare<[number], number>('SELECT genre_id FROM entry_genres WHERE entry_id = ?').pluck();
  // Each requested genre with its ancestors, nearest first; depth is capped in case of a bad cycle.
  const chains = db.prepare<[string], { start: number; name: string }>(`
    WITH RECURSIVE chain(start, id, parent_id, name, depth) AS (
      SELECT g.id, g.id, g.parent_id, g.name, 0 FROM genres g WHERE g.id IN (SELECT value FROM json_each(?))
      UNION ALL
      SELECT c.start, p.id, p.parent_id, p.name, c.depth + 1 FROM chain c JOIN genres p ON p.id = c.parent_id
       WHERE c.depth < 32)
    SELECT start, name FROM chain ORDER BY start, depth DESC`);

  const statements = {
    find: db.prepare<[number], Omit<Genre, 'retired'> & { retired: number }>(
      `SELECT id, parent_id AS parentId, name, sort_order AS sortOrder, retired_at IS NOT NULL AS retired, version FROM genres WHERE id = ?`,
    ),
    siblingNamed: db.prepare<[number | null, string, number], number>(
      `SELECT id FROM genres WHERE coalesce(parent_id, 0) = coalesce(?, 0) AND name = ? AND id <> ?`,
    ).pluck(),
    nextSortOrder: db.prepare<[number | null], number>(
      `SELECT coalesce(max(sort_order), 0) + 1 FROM genres WHERE coalesce(parent_id, 0) = coalesce(?, 0)`,
    ).pluck(),
    isInSubtree: db.prepare<[number, number], number>(`
      WITH RECURSIVE sub(id) AS (SELECT ? UNION SELECT g.id FROM genres g JOIN sub ON g.parent_id = sub.id)
      SELECT count(*) FROM sub WHERE id = ?`).pluck(),
    update: db.prepare(`UPDATE genres SET name = @name, parent_id = @parentId, sort_order = @sortOrder, updated_at = @at
                         WHERE id = @id AND version = @version`),
    retireSubtree: db.prepare(`
      WITH RECURSIVE sub(id) AS (SELECT ? UNION SELECT g.id FROM genres g JOIN sub ON g.parent_id = sub.id)
      UPDATE genres SET retired_at = coalesce(retired_at, ?), updated_at = ? WHERE id IN (SELECT id FROM sub)`),
    restoreSubtree: db.prepare(`
      WITH RECURSIVE sub(id) AS (SELECT ? UNION SELECT g.id FROM genres g JOIN sub ON g.parent_id = sub.id)
      UPDATE genres SET retired_at = NULL, updated_at = ? WHERE id IN (SELECT id FROM sub)`),
    entryCount: db.prepare<[number], number>(`SELECT count(DISTINCT entry_id) FROM entry_genres WHERE genre_id = ?`).pluck(),
  };

  return {
    findGenre(id: number): Genre | undefined {
      const row = statements.find.get(id);
      return row && { ...row, retired: row.retired === 1 };
    },
    /** Another genre of that name under the same parent, if any (sibling names are unique). */
    siblingNamed(parentId: number | null, name: string, exceptId = 0): boolean {
      return statements.siblingNamed.get(parentId, name, exceptId) !== undefined;
    },
    nextSortOrder(parentId: number | null): number {
      return statements.nextSortOrder.get(parentId) ?? 1;
    },
    /** Whether `candidate` is `root` or one of its descendants: the parents a move must refuse. */
    isInSubtree(root: number, candidate: number): boolean {
      return (statements.isInSubtree.get(root, candidate) ?? 0) > 0;
    },
    /** False when the genre has moved past `version` since the form was read: nothing is changed then. */
    updateGenre(id: number, version: number, fields: { name: string; parentId: number | null; sortOrder: number }, at: string): boolean {
      return statements.update.run({ id, version, ...fields, at }).changes > 0;
    },
    retireSubtree(id: number, at: string): void {
      statements.retireSubtree.run(id, at, at);
    },
    restoreSubtree(id: number, at: string): void {
      statements.restoreSubtree.run(id, at);
    },
    entryCount(id: number): number {
      return statements.entryCount.get(id) ?? 0;
    },
    insertGenre(parentId: number | null, name: string, sortOrder: number, now: string): number {
      return Number(insert.run(parentId, name, sortOrder, now, now).lastInsertRowid);
    },
    /** Every genre, in sort order. The list is shared between callers and frozen. */
    listGenres(): readonly Genre[] {
      const version = treeVersion.get()!;
      if (cached?.version !== version) {
        cached = { version, genres: Object.freeze(all.all().map((g) => Object.freeze({ ...g, retired: g.retired === 1 }))) };
      }
      return cached.genres;
    },
    /** Whether every id names a genre. */
    genreIdsOfEntry(entryId: number): number[] {
      return ofEntry.all(entryId);
    },
    /** 「防災 › 避難所運営 › 避難者名簿管理」 for each of the given genres (only those, not the whole tree). */
    pathsOf(ids: number[]): Map<number, string> {
      const names = new Map<number, string[]>();
      for (const { start, name } of chains.all(JSON.stringify(ids))) names.set(start, [...(names.get(start) ?? []), name]);
      return new Map([...names].map(([id, parts]) => [id, parts.join(' › ')]));
    },
  };
}

export type GenresRepository = ReturnType<typeof genresRepository>;
