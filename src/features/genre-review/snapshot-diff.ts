import type { Genre } from '../genres/genres.repository.js';
import type { SnapshotGenre } from './genre-review.repository.js';

export type SnapshotNode = SnapshotGenre & { depth: number };

/** A saved tree in display order with depths (the snapshot page draws it as an indented list). */
function ordered(genres: readonly SnapshotGenre[]): SnapshotNode[] {
  const children = new Map<number | null, SnapshotGenre[]>();
  const known = new Set(genres.map((g) => g.id));
  for (const g of genres) {
    const parent = g.parentId !== null && known.has(g.parentId) ? g.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), g]);
  }
  const out: SnapshotNode[] = [];
  const seen = new Set<number>();
  const walk = (parent: number | null, depth: number) => {
    for (const g of (children.get(parent) ?? []).sort((a, b) => a.sortOrder - b.sortOrder || a.id - b.id)) {
      if (seen.has(g.id)) continue;
      seen.add(g.id);
      out.push({ ...g, depth });
      walk(g.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

/**
 * A fiscal year's tree against today's: the genres added since, retired since, renamed and moved,
 * by their paths then and now. What the WG's review changed, in one list.
 */
export function snapshotComparison(saved: readonly SnapshotGenre[], now: readonly Genre[]) {
  const pathIn = (list: readonly { id: number; parentId: number | null; name: string }[]) => {
    const byId = new Map(list.map((g) => [g.id, g]));
    return (id: number) => {
      const parts: string[] = [];
      for (let g = byId.get(id); g && parts.length < 32; g = g.parentId === null ? undefined : byId.get(g.parentId)) parts.unshift(g.name);
      return parts.join(' › ');
    };
  };
  const thenPath = pathIn(saved);
  const nowPath = pathIn(now);
  const before = new Map(saved.map((g) => [g.id, g]));
  const after = new Map(now.map((g) => [g.id, g]));
  return {
    tree: ordered(saved),
    added: now.filter((g) => !before.has(g.id) && !g.retired).map((g) => nowPath(g.id)),
    retired: saved.filter((g) => !g.retired && (after.get(g.id)?.retired ?? true)).map((g) => thenPath(g.id)),
    renamed: saved.filter((g) => after.has(g.id) && after.get(g.id)!.name !== g.name).map((g) => ({ then: thenPath(g.id), now: nowPath(g.id) })),
    moved: saved.filter((g) => after.has(g.id) && after.get(g.id)!.parentId !== g.parentId).map((g) => ({ then: thenPath(g.id), now: nowPath(g.id) })),
  };
}
