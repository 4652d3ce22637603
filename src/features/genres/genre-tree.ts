import { groupBy } from '../../group-by.js';
import type { Genre } from './genres.repository.js';

/*
 * The genre tree as pure functions over the rows genresRepository.listGenres() reads: the active tree
 * of the forms, the editor's whole tree, ancestor chains and paths. No SQL here.
 */

/** A genre with its children, for the nested checkboxes. */
export type GenreNode = Genre & { children: readonly GenreNode[] };

/** A genre in the editor's tree: retired ones included, with its depth (0 = top level). */
export type EditorTreeNode = Genre & { children: EditorTreeNode[]; depth: number };

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
  parentOf: Map<number, number | null>; path: (id: number) => string; treeRank: (id: number) => number;
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

/** Every genre, retired ones included, as a tree in display order (the secretariat's editor). */
export function editorGenreTree(all: readonly Genre[]): EditorTreeNode[] {
  const nodes = new Map(all.map((g) => [g.id, { ...g, children: [] as EditorTreeNode[], depth: 0 }]));
  const roots: EditorTreeNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId === null ? undefined : nodes.get(node.parentId);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const setDepth = (list: EditorTreeNode[], depth: number) => list.forEach((n) => { n.depth = depth; setDepth(n.children, depth + 1); });
  setDepth(roots, 0);
  return roots;
}

/** The active genres a genre can be merged into or moved under, for a <select>: not itself nor its subtree. */
export function placesOutside(all: readonly Genre[], genreId: number): EditorTreeNode[] {
  const parentOf = new Map(all.map((g) => [g.id, g.parentId]));
  return flattenGenreTree(editorGenreTree(all)).filter((o) => !o.retired && !isWithin(parentOf, o.id, genreId));
}

/** The tree flattened for a <select>: each genre with its depth, in tree order. */
export function flattenGenreTree(tree: EditorTreeNode[]): EditorTreeNode[] {
  return tree.flatMap((n) => [n, ...flattenGenreTree(n.children)]);
}
