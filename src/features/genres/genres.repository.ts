import type { Db } from '../../db/connection.js';
import { groupBy } from '../../group-by.js';

export type Genre = { id: number; parentId: number | null; name: string; sortOrder: number; retired: boolean; version: number };

/** A genre with its children, for the nested checkboxes. */
export type GenreNode = Genre & { children: readonly GenreNode[] };

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

const activeTrees = new WeakMap<readonly Genre[], readonly GenreNode[]>();

/**
 * The tree of genres shown in forms: retired genres and everything under them are left out. Built
 * once per list read (listGenres keeps its list until the genres change) and shared, so frozen.
 */
export function activeGenreTree(genres: readonly Genre[]): readonly GenreNode[] {
  let tree = activeTrees.get(genres);
  if (!tree) activeTrees.set(genres, (tree = deepFreeze(buildActiveTree(genres))));
  return tree;
}

const selectableSets = new WeakMap<readonly Genre[], ReadonlySet<number>>();

/** The ids a form may tick: those of the active tree (not retired, nor under a retired genre). */
export function selectableGenreIds(genres: readonly Genre[]): ReadonlySet<number> {
  let ids = selectableSets.get(genres);
  if (!ids) {
    const found = new Set<number>();
    const walk = (nodes: readonly GenreNode[]) => nodes.forEach((n) => { found.add(n.id); walk(n.children); });
    walk(activeGenreTree(genres));
    selectableSets.set(genres, (ids = found));
  }
  return ids;
}

function deepFreeze(nodes: readonly GenreNode[]): readonly GenreNode[] {
  for (const node of nodes) {
    deepFreeze(node.children);
    Object.freeze(node);
  }
  return Object.freeze(nodes);
}

function buildActiveTree(genres: readonly Genre[]): GenreNode[] {
  const nodes = new Map(genres.map((g) => [g.id, { ...g, children: [] as GenreNode[] }]));
  const roots: GenreNode[] = [];
  for (const node of nodes.values()) {
    if (node.retired) continue;
    const parent = node.parentId === null ? undefined : nodes.get(node.parentId);
    if (node.parentId === null) roots.push(node);
    else if (parent && !parent.retired) parent.children.push(node);
  }
  // A child whose ancestor is retired hangs under a retired node and so is never reached from a root.
  return roots;
}

/**
 * The genre and its ancestors, nearest first. Stops at a cycle (which the editor refuses, but a bad
 * import or a hand edit could make) and at 32 levels, so no walk up the tree can loop.
 */
export function ancestorChain(parentOf: ReadonlyMap<number, number | null>, genreId: number): number[] {
  const chain: number[] = [];
  for (let id: number | null | undefined = genreId; id !== null && id !== undefined && chain.length < 32 && !chain.includes(id); id = parentOf.get(id)) {
    chain.push(id);
  }
  return chain;
}

/** Whether `genreId` is `ancestorId` or lies under it. */
export function isWithin(parentOf: ReadonlyMap<number, number | null>, genreId: number, ancestorId: number): boolean {
  return ancestorChain(parentOf, genreId).includes(ancestorId);
}

/**
 * Genre id → 「防災 › 避難所運営」 (or 「防災/避難所運営」 with '/'), from one read of the table, and each
 * genre's place in the tree as the forms show it (depth first, siblings in sort order), for listing
 * an entry's genres in that order rather than by character code.
 */
export function genrePaths(genres: readonly Genre[], separator = ' › '): {
  parentOf: Map<number, number | null>; path(id: number): string; treeRank(id: number): number;
} {
  const names = new Map(genres.map((g) => [g.id, g.name]));
  const parentOf = new Map(genres.map((g) => [g.id, g.parentId]));
  const path = (id: number): string => ancestorChain(parentOf, id).filter((g) => names.has(g)).map((g) => names.get(g)!).reverse().join(separator);
  let ranks: Map<number, number> | undefined;
  const treeRank = (id: number): number => {
    ranks ??= depthFirstRanks(genres);
    return ranks.get(id) ?? Number.MAX_SAFE_INTEGER; // a genre caught in a cycle sorts last
  };
  return { parentOf, path, treeRank };
}

/** `genres` come in sort order (listGenres), so children are pushed in the order they are shown. */
function depthFirstRanks(genres: readonly Genre[]): Map<number, number> {
  const known = new Set(genres.map((g) => g.id));
  const children = new Map([...groupBy(genres, (g) => (g.parentId !== null && known.has(g.parentId) ? g.parentId : null))]
    .map(([parent, list]) => [parent, list.map((g) => g.id)]));
  const ranks = new Map<number, number>();
  const stack = [...(children.get(null) ?? [])].reverse();
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (ranks.has(id)) continue;
    ranks.set(id, ranks.size);
    stack.push(...[...(children.get(id) ?? [])].reverse());
  }
  return ranks;
}
