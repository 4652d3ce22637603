import { andInto, createBitset, fullBitset, orInto, popcount, setBit, slicePositions, type Bitset } from './bitset.js';
import type { SearchRepository } from './search.repository.js';

export type SearchConditions = { genreIds: number[]; typeIds: number[]; keywordEntryIds?: number[] };
export type SearchPage = { total: number; entryIds: number[] };

type Snapshot = {
  generation: number;
  /** Entry ids of the published entries in result order (newest update first, ties by id). */
  order: Int32Array;
  /** Entry id → position in `order`, or -1 for entries that are not published. */
  positionOf: Int32Array;
  /** Per genre: the entries tagged with the genre or any of its descendants. */
  genreSubtree: Map<number, Bitset>;
  typeBits: Map<number, Bitset>;
  builtInMs: number;
};

/**
 * The in-memory search index. SQLite stays the source of truth; this is a derived snapshot: one bitset
 * per genre subtree and per info type over the published entries, in result order. A query ORs the
 * chosen genres, ORs the chosen types, ANDs the two (and the keyword matches), counts the hits by
 * popcount and reads the page off the set bits, so broad genres and deep pages cost the same.
 *
 * Before each query it reads search_generation (bumped by triggers on every relevant write, from any
 * connection or process) and rebuilds when that has moved.
 */
export class SearchIndex {
  private snapshot: Snapshot | undefined;

  constructor(private readonly repository: SearchRepository) {}

  /** The current snapshot, rebuilt first if the database has changed since it was built. */
  private fresh(): Snapshot {
    const generation = this.repository.generation();
    if (!this.snapshot || this.snapshot.generation !== generation) this.snapshot = this.build(generation);
    return this.snapshot;
  }

  private build(generation: number): Snapshot {
    const started = performance.now();
    const published = this.repository.publishedInOrder();
    const size = published.length;
    const order = new Int32Array(size);
    let maxId = 0;
    for (const [id] of published) if (id > maxId) maxId = id;
    const positionOf = new Int32Array(maxId + 1).fill(-1);
    const typeBits = new Map<number, Bitset>(this.repository.typeIds().map((id) => [id, createBitset(size)]));
    published.forEach(([id, typeId], position) => {
      order[position] = id;
      positionOf[id] = position;
      const bits = typeBits.get(typeId);
      if (bits) setBit(bits, position);
    });

    const parents = this.repository.genreParents();
    const direct = new Map<number, Bitset>(parents.map(([id]) => [id, createBitset(size)]));
    for (const [entryId, genreId] of this.repository.entryGenres()) {
      const position = entryId <= maxId ? positionOf[entryId]! : -1;
      const bits = direct.get(genreId);
      if (position >= 0 && bits) setBit(bits, position);
    }
    const children = new Map<number, number[]>();
    for (const [id, parentId] of parents) {
      if (parentId !== null) children.set(parentId, [...(children.get(parentId) ?? []), id]);
    }
    // Subtree bitsets bottom-up; `visiting` guards against a cycle that a bad edit might have made.
    const genreSubtree = new Map<number, Bitset>();
    const visiting = new Set<number>();
    const subtree = (id: number): Bitset => {
      const done = genreSubtree.get(id);
      if (done) return done;
      const bits = Uint32Array.from(direct.get(id) ?? createBitset(size));
      visiting.add(id);
      for (const child of children.get(id) ?? []) if (!visiting.has(child)) orInto(bits, subtree(child));
      visiting.delete(id);
      genreSubtree.set(id, bits);
      return bits;
    };
    for (const [id] of parents) subtree(id);

    return { generation, order, positionOf, genreSubtree, typeBits, builtInMs: performance.now() - started };
  }

  /** Whether every id is a genre / info type the index knows (unknown ids are a client error). */
  hasGenres(ids: number[]): boolean {
    const { genreSubtree } = this.fresh();
    return ids.every((id) => genreSubtree.has(id));
  }

  hasTypes(ids: number[]): boolean {
    const { typeBits } = this.fresh();
    return ids.every((id) => typeBits.has(id));
  }

  /** The hit count and one page of entry ids, in result order. */
  search(conditions: SearchConditions, page: number, perPage: number): SearchPage {
    const snapshot = this.fresh();
    const hits = this.matching(snapshot, conditions);
    const total = popcount(hits);
    const positions = slicePositions(hits, (page - 1) * perPage, perPage);
    return { total, entryIds: positions.map((p) => snapshot.order[p]!) };
  }

  private matching(snapshot: Snapshot, { genreIds, typeIds, keywordEntryIds }: SearchConditions): Bitset {
    const size = snapshot.order.length;
    const union = (ids: number[], sets: Map<number, Bitset>): Bitset => {
      const bits = createBitset(size);
      for (const id of ids) {
        const set = sets.get(id);
        if (set) orInto(bits, set);
      }
      return bits;
    };
    const hits = genreIds.length > 0 ? union(genreIds, snapshot.genreSubtree) : fullBitset(size);
    if (typeIds.length > 0) andInto(hits, union(typeIds, snapshot.typeBits));
    if (keywordEntryIds) {
      const keywordBits = createBitset(size);
      for (const id of keywordEntryIds) {
        const position = id < snapshot.positionOf.length ? snapshot.positionOf[id]! : -1;
        if (position >= 0) setBit(keywordBits, position);
      }
      andInto(hits, keywordBits);
    }
    return hits;
  }

  /** For the bench and the logs: how big the index is and how long its last build took. */
  stats(): { entries: number; genres: number; builtInMs: number; bytes: number } {
    const s = this.fresh();
    const words = [...s.genreSubtree.values(), ...s.typeBits.values()].reduce((n, b) => n + b.byteLength, 0);
    return { entries: s.order.length, genres: s.genreSubtree.size, builtInMs: s.builtInMs, bytes: words + s.order.byteLength + s.positionOf.byteLength };
  }
}
