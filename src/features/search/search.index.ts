import { andCount, andInto, clearBit, createBitset, hasBit, orInto, popcount, setBit, type Bitset } from './bitset.js';
import { ancestorChain } from '../genres/genres.repository.js';
import type { SearchRepository } from './search.repository.js';

export type SearchConditions = {
  genreIds: number[];
  typeIds: number[];
  /** Entries matching the keyword's long terms (found by FTS5), if the keyword has any. */
  keywordEntryIds?: number[];
  /** Normalised keyword terms of one or two characters, matched here against the index's own text. */
  shortTerms?: string[];
};
export type SearchPage = { total: number; entryIds: number[] };

/**
 * Beside each genre and type checkbox: the published entries of that genre's subtree (or that type)
 * meeting every condition of the other group and the keyword, whatever is ticked in its own group
 * (http-contract.md, "Search extras").
 */
export type SearchCounts = { genres: Map<number, number>; types: Map<number, number> };

/** Beyond this many changed entries at once (an import), one full rebuild is cheaper than replaying. */
const MAX_INCREMENTAL = 2000;
/** Room for new entry ids before the bitsets must be reallocated by a rebuild. */
const HEADROOM = 4096;

/**
 * The in-memory search index. SQLite stays the source of truth; this is derived from it and follows it.
 *
 * Every bitset has one bit per entry id (ids are dense rowids): one per genre subtree (the entries
 * tagged with the genre or any descendant), one per info type, all over the published entries only.
 * A query ORs the chosen genres, ORs the chosen types, ANDs the two and the keyword matches, and
 * counts hits by popcount; `order` lists the published ids newest update first, and a page is read
 * by walking it and picking the ids whose bit is set. For 100,000 entries that is about 3 MB of
 * bitsets and well under a millisecond a query, whichever genres, types and page.
 *
 * It follows writes through search_changes, a feed filled by triggers (migration 0002): before each
 * query it reads the changes after the last one it applied, re-reads those entries and updates their
 * bits and their place in `order`. A genre added or moved, a type added, a gap in the feed or a very
 * large batch makes it rebuild from scratch instead (about a second at 100,000 entries).
 */
export class SearchIndex {
  private lastSeq = 0;
  private capacity = 0;
  private published: Bitset = createBitset(0);
  private updatedAt = new Float64Array(0);
  private order: number[] = [];
  private texts: string[] = [];
  private genreSubtree = new Map<number, Bitset>();
  /** Genre id → itself and its ancestors: the subtrees an entry tagged with it belongs to. */
  private ancestorsOf = new Map<number, number[]>();
  private typeBits = new Map<number, Bitset>();
  /** Entry id → the genres whose subtree it is in (each once): counts over a few matches walk these. */
  private entrySubtrees: (number[] | undefined)[] = [];
  private built = false;
  private lastBuildMs = 0;
  /** Moves with every change applied, so the counts without conditions can be kept between requests. */
  private generation = 0;
  private countCache: { generation: number; genresByTypes: Map<string, Map<number, number>> } = { generation: -1, genresByTypes: new Map() };

  constructor(private readonly repository: SearchRepository) {}

  /** Brings the index up to date with the database: replays the change feed or rebuilds. */
  refresh(): void {
    if (!this.built) return this.rebuild();
    const changes = this.repository.changesSince(this.lastSeq);
    if (changes.length === 0) return;
    // Seqs are contiguous (AUTOINCREMENT, and a rolled-back insert gives its number back), so a first
    // seq past lastSeq + 1 means another process pruned changes this index never saw.
    const missed = changes[0]![0] !== this.lastSeq + 1;
    const ids = new Set<number>();
    let full = missed || changes.length > MAX_INCREMENTAL * 4;
    for (const [, entryId] of changes) {
      if (entryId === null) full = true;
      else ids.add(entryId);
    }
    if (full || ids.size > MAX_INCREMENTAL) return this.rebuild();
    for (const id of ids) {
      if (id >= this.capacity) return this.rebuild();
      this.applyEntry(id);
    }
    this.generation++;
    this.lastSeq = changes[changes.length - 1]![0];
    this.repository.pruneChanges(this.lastSeq);
  }

  private rebuild(): void {
    const started = performance.now();
    this.lastSeq = this.repository.lastChange();
    const entries = this.repository.publishedEntries();
    let maxId = 0;
    for (const [id] of entries) if (id > maxId) maxId = id;
    this.capacity = maxId + HEADROOM;
    this.published = createBitset(this.capacity);
    this.updatedAt = new Float64Array(this.capacity);
    // Filled to capacity up front, and slots cleared by assignment, never `delete`: an array with holes
    // punched into it falls back to dictionary lookups, which made every scan several times slower.
    this.texts = new Array<string>(this.capacity).fill('');
    this.entrySubtrees = new Array<number[] | undefined>(this.capacity).fill(undefined);
    this.typeBits = new Map(this.repository.typeIds().map((id) => [id, createBitset(this.capacity)]));

    const parents = this.repository.genreParents();
    this.ancestorsOf = ancestorLists(parents);
    this.genreSubtree = new Map(parents.map(([id]) => [id, createBitset(this.capacity)]));

    for (const [id, typeId, updatedAt] of entries) {
      setBit(this.published, id);
      this.updatedAt[id] = Date.parse(updatedAt);
      const bits = this.typeBits.get(typeId);
      if (bits) setBit(bits, id);
    }
    for (const [entryId, genreId] of this.repository.entryGenres()) {
      if (entryId < this.capacity && hasBit(this.published, entryId)) this.tagWithGenre(entryId, genreId);
    }
    for (const [id, text] of this.repository.allTexts()) {
      if (id < this.capacity && hasBit(this.published, id)) this.texts[id] = text;
    }
    this.order = entries.map(([id]) => id).sort((a, b) => this.compare(a, b));
    this.built = true;
    this.repository.pruneChanges(this.lastSeq);
    this.lastBuildMs = performance.now() - started;
    this.generation++;
  }

  /** Newest update first, ties by the higher id: the results order. */
  private compare(a: number, b: number): number {
    return this.updatedAt[b]! - this.updatedAt[a]! || b - a;
  }

  /** Where `id` sits (or would sit) in `order`, by binary search on the results order. */
  private orderIndex(id: number): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(this.order[mid]!, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private tagWithGenre(entryId: number, genreId: number): void {
    const subtrees = (this.entrySubtrees[entryId] ??= []);
    for (const genre of this.ancestorsOf.get(genreId) ?? []) {
      setBit(this.genreSubtree.get(genre)!, entryId);
      if (!subtrees.includes(genre)) subtrees.push(genre);
    }
  }

  /** Re-reads one entry and puts it where it now belongs: out of every set, then back in if published. */
  private applyEntry(id: number): void {
    if (hasBit(this.published, id)) {
      const at = this.orderIndex(id);
      if (this.order[at] === id) this.order.splice(at, 1);
      clearBit(this.published, id);
      for (const bits of this.typeBits.values()) clearBit(bits, id);
      for (const bits of this.genreSubtree.values()) clearBit(bits, id);
      this.texts[id] = '';
      this.entrySubtrees[id] = undefined;
    }
    const state = this.repository.entryState(id);
    if (!state || state.published !== 1) return;
    setBit(this.published, id);
    this.updatedAt[id] = Date.parse(state.updatedAt);
    const typeBits = this.typeBits.get(state.typeId);
    if (typeBits) setBit(typeBits, id);
    for (const genreId of this.repository.genresOfEntry(id)) this.tagWithGenre(id, genreId);
    this.texts[id] = this.repository.text(id);
    this.order.splice(this.orderIndex(id), 0, id);
  }

  /** Whether every id is a genre / info type the index knows (unknown ids are a client error). */
  hasGenres(ids: number[]): boolean {
    this.refresh();
    return ids.every((id) => this.genreSubtree.has(id));
  }

  hasTypes(ids: number[]): boolean {
    this.refresh();
    return ids.every((id) => this.typeBits.has(id));
  }

  /** The hit count and one page of entry ids, in result order. */
  search(conditions: SearchConditions, page: number, perPage: number): SearchPage {
    this.refresh();
    const { genres, types, keyword } = this.masks(conditions);
    return this.pageOf(this.intersect([genres, types, keyword]), page, perPage);
  }

  /**
   * The published entries meeting the conditions whose last update falls in (since, until], newest
   * first: what a saved search's digest reports. Walks the results order and stops at `since`.
   */
  updatedBetween(conditions: SearchConditions, since: Date, until: Date): number[] {
    this.refresh();
    const { genres, types, keyword } = this.masks(conditions);
    const hits = this.intersect([genres, types, keyword]);
    const [from, to] = [since.getTime(), until.getTime()];
    const ids: number[] = [];
    for (const id of this.order) {
      const at = this.updatedAt[id]!;
      if (at <= from) break;
      if (at <= to && hasBit(hits, id)) ids.push(id);
    }
    return ids;
  }

  /**
   * The hit count, one page of entry ids in result order, and the counts for the form. The keyword is
   * matched once (its short terms scanned once over all published entries) and shared by all three.
   */
  searchWithCounts(conditions: SearchConditions, page: number, perPage: number): SearchPage & { counts: SearchCounts } {
    this.refresh();
    const { genres, types, keyword } = this.masks(conditions);
    const hits = this.intersect([genres, types, keyword]);
    return { ...this.pageOf(hits, page, perPage), counts: this.counts(genres, types, keyword, conditions.typeIds) };
  }

  /** Counts alone, for the search form. */
  countsFor(conditions: SearchConditions): SearchCounts {
    this.refresh();
    const { genres, types, keyword } = this.masks(conditions);
    return this.counts(genres, types, keyword, conditions.typeIds);
  }

  private counts(genres: Bitset | null, types: Bitset | null, keyword: Bitset | null, typeIds: number[]): SearchCounts {
    if (this.countCache.generation !== this.generation) this.countCache = { generation: this.generation, genresByTypes: new Map() };
    // Without a keyword the genre counts depend only on the chosen types (a handful of combinations):
    // kept until the next write. 252 subtree intersections cost about 3 ms at 100,000 entries.
    let genreCounts: Map<number, number> | undefined;
    const key = keyword ? undefined : [...typeIds].sort((a, b) => a - b).join(',');
    if (key !== undefined) genreCounts = this.countCache.genresByTypes.get(key);
    if (!genreCounts) {
      const forGenres = types || keyword ? this.intersect([types, keyword]) : null;
      genreCounts = forGenres ? this.subtreeCounts(forGenres) : new Map([...this.genreSubtree].map(([id, bits]) => [id, popcount(bits)]));
      if (key !== undefined) this.countCache.genresByTypes.set(key, genreCounts);
    }
    // Type counts are three or four intersections: cheap enough to compute every time.
    const forTypes = genres || keyword ? this.intersect([genres, keyword]) : null;
    const typeCounts = new Map([...this.typeBits].map(([id, bits]) => [id, forTypes ? andCount(bits, forTypes) : popcount(bits)]));
    return { genres: genreCounts, types: typeCounts };
  }

  /**
   * Each genre subtree's share of `mask`. Few matches (a keyword, a rare type): walk them and add one
   * to each subtree each entry is in. Many: one AND-popcount per subtree. The two cost the same at
   * about a quarter of the entries.
   */
  private subtreeCounts(mask: Bitset): Map<number, number> {
    const matches = popcount(mask);
    if (matches * 4 > this.order.length) return new Map([...this.genreSubtree].map(([id, bits]) => [id, andCount(bits, mask)]));
    let maxGenre = 0;
    for (const id of this.genreSubtree.keys()) maxGenre = Math.max(maxGenre, id);
    const counts = new Int32Array(maxGenre + 1);
    for (let word = 0; word < mask.length; word++) {
      let bits = mask[word]!;
      while (bits !== 0) {
        const low = bits & -bits;
        const subtrees = this.entrySubtrees[word * 32 + (31 - Math.clz32(low))];
        if (subtrees) for (let i = 0; i < subtrees.length; i++) counts[subtrees[i]!]!++;
        bits ^= low;
      }
    }
    return new Map([...this.genreSubtree.keys()].map((id) => [id, counts[id]!]));
  }

  private pageOf(hits: Bitset, page: number, perPage: number): SearchPage {
    const total = popcount(hits);
    const entryIds: number[] = [];
    let skip = (page - 1) * perPage;
    if (skip < total) {
      for (const id of this.order) {
        if (!hasBit(hits, id)) continue;
        if (skip > 0) skip--;
        else if (entryIds.push(id) === perPage) break;
      }
    }
    return { total, entryIds };
  }

  /** One bitset per condition group (null where the group sets no condition); the keyword matched once. */
  private masks(conditions: SearchConditions): { genres: Bitset | null; types: Bitset | null; keyword: Bitset | null } {
    return {
      genres: conditions.genreIds.length > 0 ? this.union(conditions.genreIds, this.genreSubtree) : null,
      types: conditions.typeIds.length > 0 ? this.union(conditions.typeIds, this.typeBits) : null,
      keyword: this.keywordMask(conditions),
    };
  }

  private union(ids: number[], sets: Map<number, Bitset>): Bitset {
    const bits = createBitset(this.capacity);
    for (const id of ids) {
      const set = sets.get(id);
      if (set) orInto(bits, set);
    }
    return bits;
  }

  /** The published entries in every given set (null means no condition). */
  private intersect(sets: (Bitset | null)[]): Bitset {
    const bits = Uint32Array.from(this.published);
    for (const set of sets) if (set) andInto(bits, set);
    return bits;
  }

  /** The published entries matching the keyword, or null without one. */
  private keywordMask({ keywordEntryIds, shortTerms = [] }: SearchConditions): Bitset | null {
    if (!keywordEntryIds && shortTerms.length === 0) return null;
    let hits: Bitset = Uint32Array.from(this.published);
    if (keywordEntryIds) {
      hits = createBitset(this.capacity);
      for (const id of keywordEntryIds) if (id < this.capacity && hasBit(this.published, id)) setBit(hits, id);
    }
    // Short terms after the long ones, so the scan visits only the entries the long terms left.
    if (shortTerms.length > 0) {
      for (let word = 0; word < hits.length; word++) {
        let bits = hits[word]!;
        while (bits !== 0) {
          const low = bits & -bits;
          const id = word * 32 + (31 - Math.clz32(low));
          const text = this.texts[id] ?? '';
          if (!shortTerms.every((term) => text.includes(term))) hits[word]! &= ~low;
          bits ^= low;
        }
      }
    }
    return hits;
  }

  /** For the logs and the bench: size and cost of the index. */
  stats(): { entries: number; genres: number; lastBuildMs: number; bitsetBytes: number } {
    this.refresh();
    const bitsetBytes = [...this.genreSubtree.values(), ...this.typeBits.values(), this.published].reduce((n, b) => n + b.byteLength, 0);
    return { entries: this.order.length, genres: this.genreSubtree.size, lastBuildMs: Math.round(this.lastBuildMs), bitsetBytes };
  }
}

/** For each genre: itself and every ancestor. */
function ancestorLists(parents: [number, number | null][]): Map<number, number[]> {
  const parentOf = new Map(parents);
  return new Map(parents.map(([id]) => [id, ancestorChain(parentOf, id)]));
}
