import { andCount, andInto, clearBit, createBitset, hasBit, orInto, popcount, setBit, type Bitset } from './bitset.js';
import { ancestorChain } from '../genres/genre-tree.js';
import { foldForSearch } from '../../search-fold.js';
import { isBigramTerm } from '../../text.js';
import type { SearchRepository } from './search.repository.js';

export type SearchConditions = {
  genreIds: number[];
  typeIds: number[];
  /** The keyword's folded terms (search-fold.ts, each once); every one must occur. */
  terms?: string[];
  /** Whether a term that is a word of a thesaurus group also matches the group's other words. */
  synonyms?: boolean;
  /**
   * The page in the relevance order (with terms only): entries holding more of the terms in their
   * title first, then the newest update, as in the default order.
   */
  relevance?: boolean;
};

/** A keyword term the thesaurus widened, and the words it added, as the secretariat wrote them. */
export type SynonymExpansion = { term: string; added: string[]; addedFolded: string[] };
export type SearchPage = { total: number; entryIds: number[] };
/** Where a term occurs: in titles or summaries, and in PDFs (null while in none). */
type TermMatch = { text: Bitset; attachment: Bitset | null };
const TEXT_KINDS = ['entry', 'attachment'] as const;

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
/** Genre subtrees kept inline per entry (1–3 genres, three levels); an entry with more spills over. */
const SUBTREE_SLOTS = 8;
/** Keyword terms whose match sets are kept (about 12 KB each at 100,000 entries). */
const MAX_CACHED_TERMS = 128;
/** Genre counts kept per generation, one per (types, keyword) combination seen since the last write. */
const MAX_CACHED_COUNTS = 256;
/**
 * A term no index takes, beside terms that one does, is tested row by row on what those left when
 * they left at most this many (a few milliseconds); beyond, it is scanned for once over every text.
 */
const MAX_TESTED_ROWS = 5000;

/**
 * Common keyword terms kept as bitsets (issue 19: a keyword at a million entries). Reading a term's
 * matches from SQLite costs about 60 ns a match (the FTS5 doclist, then its JSON): nothing for a rare
 * term, but 26 ms for one in 43 % of a million entries, searched for the first time. So the two- and
 * three-character terms in at least `share` of the entries (and at least `minMatches` of them), as a
 * random `sample` of the texts estimates, are read once by a worker thread (denseWork, installDenseTerm,
 * search.warmer.ts), and kept exact across writes as the term cache is; the most common first, within
 * `budgetBytes` and `maxTerms`. A term not (yet) among them is read from SQLite as before: the answer is the same.
 */
export type DenseTermOptions = { share: number; minMatches: number; sample: number; budgetBytes: number; maxTerms: number };
/**
 * 256 terms at most: 3 MB at 100,000 entries, 32 MB at a million. The bench's text is the demo's
 * entries over and over, so thousands of its terms pass the share; real text has far fewer.
 */
const DENSE_DEFAULTS: DenseTermOptions = { share: 0.02, minMatches: 2000, sample: 4000, budgetBytes: 48 * 1024 * 1024, maxTerms: 256 };
const DENSE_CHAR = /^[\p{L}\p{N}]$/u;

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
  /** The published ids, newest update first: `order[0 … orderLength)` of a typed array with room to grow. */
  private order = new Int32Array(0);
  private orderLength = 0;
  private genreSubtree = new Map<number, Bitset>();
  /** Genre id → itself and its ancestors: the subtrees an entry tagged with it belongs to. */
  private ancestorsOf = new Map<number, number[]>();
  private typeBits = new Map<number, Bitset>();
  /**
   * Entry id → the genres whose subtree it is in (each once): counts over a few matches walk these.
   * One flat array with SUBTREE_SLOTS slots an entry, not an array per entry: a walk over thousands of
   * small arrays scattered on the heap missed the CPU cache on every one (2.4 ms a keyword search in the
   * server against 0.4 ms in a tight loop).
   */
  private subtreeSlots: Uint16Array | Int32Array = new Uint16Array(0);
  private subtreeCount = new Uint8Array(0);
  private subtreeOverflow = new Map<number, number[]>();
  /**
   * Keyword term → the published entries containing it in their title or summary, and in their PDF's
   * text (null while none does), least recently used first. Kept exact across writes: applying a
   * change re-tests the changed entry's texts against every cached term (a substring test, the same
   * rule FTS5 and the pair index answer), so paging or refining a keyword search never asks SQLite again.
   */
  private termMasks = new Map<string, TermMatch>();
  /** Keyword term → the published entries whose title contains it, for the relevance order; kept like termMasks. */
  private titleMasks = new Map<string, Bitset>();
  /** Folded word → its thesaurus group: the words folded (to match) and as written (to show). */
  private synonyms = new Map<string, { folded: string[]; written: string[] }>();
  private thesaurusVersion: string | null = null;
  private built = false;
  private lastBuildMs = 0;
  /** Moves with every change applied, so counts can be kept between requests until the next write. */
  private generation = 0;
  private countCache: { generation: number; genres: Map<string, Map<number, number>> } = { generation: -1, genres: new Map() };
  /** Moves with every rebuild: the dense terms are planned (and read) for one build. */
  private builds = 0;
  /** Dense term → every entry whose title or summary holds it (published or not; ANDed at use). */
  private dense = new Map<string, Bitset>();
  private densePlannedFor = -1;
  private densePlan: string[] = [];
  /** The plan being made: the sampled ids left to read, the texts read, and the texts holding each term. */
  private denseSampling: { ids: number[]; texts: number; documents: Map<string, number> } | null = null;
  private readonly denseOptions: DenseTermOptions;

  constructor(private readonly repository: SearchRepository, denseOptions: Partial<DenseTermOptions> = {}) {
    this.denseOptions = { ...DENSE_DEFAULTS, ...denseOptions };
  }

  /** Brings the index up to date with the database: replays the change feed or rebuilds. */
  refresh(): void {
    const [head, thesaurusVersion] = this.repository.feedHead();
    if (thesaurusVersion !== this.thesaurusVersion) this.loadThesaurus(thesaurusVersion);
    if (!this.built) return this.rebuild();
    // The newest seq ever given out (it survives pruning): equal to ours, nothing has changed.
    if (head === this.lastSeq) return;
    const changes = this.repository.changesSince(this.lastSeq);
    // Seqs are contiguous (AUTOINCREMENT, and a rolled-back insert gives its number back), so none
    // left after ours, or a first one past lastSeq + 1, means changes were pruned before this index
    // (in another worker, say) saw them: only a rebuild is sure to be right.
    if (changes.length === 0) return this.rebuild();
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
  }

  /**
   * Reads the whole snapshot again. Rows are streamed (iterate, not all): materialising a million
   * rows at once was what made the heap, and with it the resident memory, grow to twice its size.
   * The entries' texts are not kept: the keyword's terms are answered by SQLite's indexes (a copy of
   * every text was 30 MB at 100,000 entries, 300 MB at a million).
   */
  private rebuild(): void {
    const started = performance.now();
    this.lastSeq = this.repository.lastChange();
    this.capacity = this.repository.maxEntryId() + HEADROOM;
    this.published = createBitset(this.capacity);
    this.updatedAt = new Float64Array(this.capacity);
    this.order = new Int32Array(this.capacity);
    this.orderLength = 0;
    const parents = this.repository.genreParents();
    // Genre ids fit 16 bits in any real tree; the slots then take half the room.
    const maxGenre = parents.reduce((max, [id]) => Math.max(max, id), 0);
    this.subtreeSlots = maxGenre <= 0xffff ? new Uint16Array(this.capacity * SUBTREE_SLOTS) : new Int32Array(this.capacity * SUBTREE_SLOTS);
    this.subtreeCount = new Uint8Array(this.capacity);
    this.subtreeOverflow = new Map();
    this.termMasks = new Map();
    this.titleMasks = new Map();
    // Sized to the old capacity, and possibly behind (a rebuild may follow missed changes): read again.
    this.builds++;
    this.dense = new Map();
    this.denseSampling = null;
    this.typeBits = new Map(this.repository.typeIds().map((id) => [id, createBitset(this.capacity)]));
    this.ancestorsOf = ancestorLists(parents);
    this.genreSubtree = new Map(parents.map(([id]) => [id, createBitset(this.capacity)]));

    // Newest first already (the entries_published index); checked below, since the incremental path
    // places entries by comparing parsed times and the two orders must agree.
    for (const [id, typeId, updatedAt] of this.repository.publishedEntries()) {
      setBit(this.published, id);
      this.updatedAt[id] = Date.parse(updatedAt);
      this.order[this.orderLength++] = id;
      const bits = this.typeBits.get(typeId);
      if (bits) setBit(bits, id);
    }
    if (!this.isOrdered()) this.order.subarray(0, this.orderLength).sort((a, b) => this.compare(a, b));
    for (const [entryId, genreId] of this.repository.entryGenres()) {
      if (entryId < this.capacity && hasBit(this.published, entryId)) this.tagWithGenre(entryId, genreId);
    }
    this.built = true;
    this.lastBuildMs = performance.now() - started;
    this.generation++;
  }

  /**
   * Reads the thesaurus again (a save moved its version). The term masks stay right (they are of single
   * words); the counts kept for conditions are not, so the generation moves.
   */
  private loadThesaurus(version: string): void {
    this.synonyms = new Map();
    for (const written of this.repository.thesaurus()) {
      const group = { folded: [...new Set(written.map(foldForSearch))], written };
      for (const word of group.folded) this.synonyms.set(word, group);
    }
    this.thesaurusVersion = version;
    this.generation++;
  }

  /** The terms the thesaurus widens (whether or not the search uses it), with the words each adds. */
  expansions(terms: readonly string[]): SynonymExpansion[] {
    this.refresh();
    return terms.flatMap((term) => {
      const group = this.synonyms.get(term);
      if (!group) return [];
      const others = group.written.filter((word) => foldForSearch(word) !== term);
      return [{ term, added: others, addedFolded: others.map(foldForSearch) }];
    });
  }

  private isOrdered(): boolean {
    for (let i = 1; i < this.orderLength; i++) if (this.compare(this.order[i - 1]!, this.order[i]!) > 0) return false;
    return true;
  }

  /** Newest update first, ties by the higher id: the results order. */
  private compare(a: number, b: number): number {
    return this.updatedAt[b]! - this.updatedAt[a]! || b - a;
  }

  /** Where `id` sits (or would sit) in `order`, by binary search on the results order. */
  private orderIndex(id: number): number {
    let lo = 0;
    let hi = this.orderLength;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(this.order[mid]!, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private tagWithGenre(entryId: number, genreId: number): void {
    for (const genre of this.ancestorsOf.get(genreId) ?? []) {
      setBit(this.genreSubtree.get(genre)!, entryId);
      this.addSubtree(entryId, genre);
    }
  }

  private addSubtree(entryId: number, genre: number): void {
    const base = entryId * SUBTREE_SLOTS;
    const inline = this.subtreeCount[entryId]!;
    for (let i = 0; i < inline; i++) if (this.subtreeSlots[base + i] === genre) return;
    const overflow = this.subtreeOverflow.get(entryId);
    if (overflow?.includes(genre)) return;
    if (inline < SUBTREE_SLOTS) {
      this.subtreeSlots[base + inline] = genre;
      this.subtreeCount[entryId] = inline + 1;
    } else if (overflow) overflow.push(genre);
    else this.subtreeOverflow.set(entryId, [genre]);
  }

  /** Re-reads one entry and puts it where it now belongs: out of every set, then back in if published. */
  private applyEntry(id: number): void {
    const denseSets = [...this.dense];
    for (const [, bits] of denseSets) clearBit(bits, id);
    if (hasBit(this.published, id)) {
      const at = this.orderIndex(id);
      if (at < this.orderLength && this.order[at] === id) this.order.copyWithin(at, at + 1, this.orderLength--);
      clearBit(this.published, id);
      for (const bits of this.typeBits.values()) clearBit(bits, id);
      for (const bits of this.genreSubtree.values()) clearBit(bits, id);
      this.subtreeCount[id] = 0;
      this.subtreeOverflow.delete(id);
      for (const match of this.termMasks.values()) {
        clearBit(match.text, id);
        if (match.attachment) clearBit(match.attachment, id);
      }
      for (const mask of this.titleMasks.values()) clearBit(mask, id);
    }
    const state = this.repository.entryState(id);
    if (!state || state.published !== 1) return;
    setBit(this.published, id);
    this.updatedAt[id] = Date.parse(state.updatedAt);
    const typeBits = this.typeBits.get(state.typeId);
    if (typeBits) setBit(typeBits, id);
    for (const genreId of this.repository.genresOfEntry(id)) this.tagWithGenre(id, genreId);
    const text = denseSets.length > 0 || this.termMasks.size > 0 ? this.repository.text(id) : '';
    for (const [term, bits] of denseSets) if (text.includes(term)) setBit(bits, id);
    if (this.termMasks.size > 0) {
      const attachment = this.repository.attachmentText(id);
      for (const [term, match] of this.termMasks) {
        if (text.includes(term)) setBit(match.text, id);
        if (attachment.includes(term)) setBit(match.attachment ??= createBitset(this.capacity), id);
      }
    }
    if (this.titleMasks.size > 0) {
      const title = this.repository.title(id);
      for (const [term, mask] of this.titleMasks) if (title.includes(term)) setBit(mask, id);
    }
    const at = this.orderIndex(id);
    this.order.copyWithin(at + 1, at, this.orderLength++);
    this.order[at] = id;
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
    return this.pageIn(conditions, this.intersect([genres, types, keyword]), page, perPage);
  }

  /** How many published entries meet the conditions: set algebra and a popcount, no page walked. */
  count(conditions: SearchConditions): number {
    this.refresh();
    const { genres, types, keyword } = this.masks(conditions);
    return popcount(this.intersect([genres, types, keyword]));
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
    for (const id of this.order.subarray(0, this.orderLength)) {
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
    return { ...this.pageIn(conditions, hits, page, perPage), counts: this.counts(genres, types, keyword, conditions) };
  }

  /** Counts alone, for the search form. */
  countsFor(conditions: SearchConditions): SearchCounts {
    this.refresh();
    const { genres, types, keyword } = this.masks(conditions);
    return this.counts(genres, types, keyword, conditions);
  }

  private counts(genres: Bitset | null, types: Bitset | null, keyword: Bitset | null, conditions: SearchConditions): SearchCounts {
    if (this.countCache.generation !== this.generation) this.countCache = { generation: this.generation, genres: new Map() };
    // The genre counts depend only on the chosen types and the keyword, not on the genres ticked: kept
    // until the next write, so paging and ticking genres on the refine panel reuse them. 252 subtree
    // intersections cost about 3 ms at 100,000 entries.
    const key = `${[...conditions.typeIds].sort((a, b) => a - b).join(',')}|${[...(conditions.terms ?? [])].sort().join(' ')}|${conditions.synonyms ? 's' : ''}`;
    let genreCounts = this.countCache.genres.get(key);
    if (!genreCounts) {
      const forGenres = types || keyword ? this.intersect([types, keyword]) : null;
      genreCounts = forGenres ? this.subtreeCounts(forGenres) : new Map([...this.genreSubtree].map(([id, bits]) => [id, popcount(bits)]));
      if (this.countCache.genres.size >= MAX_CACHED_COUNTS) this.countCache.genres.clear();
      this.countCache.genres.set(key, genreCounts);
    }
    // Type counts are three or four intersections: cheap enough to compute every time.
    const forTypes = genres || keyword ? this.intersect([genres, keyword]) : null;
    const typeCounts = new Map([...this.typeBits].map(([id, bits]) => [id, forTypes ? andCount(bits, forTypes) : popcount(bits)]));
    return { genres: genreCounts, types: typeCounts };
  }

  /**
   * Each genre subtree's share of `mask`. Up to about two thirds of the entries (a keyword, a type):
   * walk the matches and add one to each subtree each is in (1.5 ms for 43,000 matches over the flat
   * slots). Beyond: one AND-popcount per subtree, about 2.5 ms whatever the mask.
   */
  private subtreeCounts(mask: Bitset): Map<number, number> {
    const matches = popcount(mask);
    if (matches * 3 > this.orderLength * 2) return new Map([...this.genreSubtree].map(([id, bits]) => [id, andCount(bits, mask)]));
    let maxGenre = 0;
    for (const id of this.genreSubtree.keys()) maxGenre = Math.max(maxGenre, id);
    const counts = new Int32Array(maxGenre + 1);
    const { subtreeSlots: slots, subtreeCount: inline } = this;
    for (let word = 0; word < mask.length; word++) {
      let bits = mask[word]!;
      while (bits !== 0) {
        const low = bits & -bits;
        const id = word * 32 + (31 - Math.clz32(low));
        const base = id * SUBTREE_SLOTS;
        for (let i = base, end = base + inline[id]!; i < end; i++) counts[slots[i]!]!++;
        if (inline[id] === SUBTREE_SLOTS) for (const genre of this.subtreeOverflow.get(id) ?? []) counts[genre]!++;
        bits ^= low;
      }
    }
    return new Map([...this.genreSubtree.keys()].map((id) => [id, counts[id]!]));
  }

  /** The page in the order the conditions ask for. */
  private pageIn(conditions: SearchConditions, hits: Bitset, page: number, perPage: number): SearchPage {
    return conditions.relevance && (conditions.terms ?? []).length > 0 ? this.relevancePage(conditions, hits, page, perPage) : this.pageOf(hits, page, perPage);
  }

  /**
   * The page in the relevance order. Every hit holds every term (or a word of its thesaurus group) in
   * its title, summary or PDF; it scores by the terms found in its title first, then by those found in
   * its title or summary (the rest it holds only in its PDF): title matches above summary matches
   * above PDF matches, more above fewer. Higher scores first, the newest update first within one.
   * One walk of the results order per score that reaches the page.
   */
  private relevancePage(conditions: SearchConditions, hits: Bitset, page: number, perPage: number): SearchPage {
    const termWords = this.termWords(conditions);
    const anyOf = (words: string[], mask: (word: string) => Bitset) => {
      if (words.length === 1) return mask(words[0]!);
      const any = createBitset(this.capacity);
      for (const word of words) orInto(any, mask(word));
      return any;
    };
    const inTitle = termWords.map((words) => anyOf(words, (word) => this.titleMask(word)));
    const inText = termWords.map((words) => anyOf(words, (word) => this.termMatch(word).text));
    const levels = termWords.length + 1;
    const score = new Uint16Array(this.capacity);
    const perScore = new Int32Array(levels * levels);
    for (let word = 0; word < hits.length; word++) {
      let bits = hits[word]!;
      while (bits !== 0) {
        const low = bits & -bits;
        const id = word * 32 + (31 - Math.clz32(low));
        let titles = 0;
        let texts = 0;
        for (let t = 0; t < inTitle.length; t++) {
          if (hasBit(inTitle[t]!, id)) titles++;
          if (hasBit(inText[t]!, id)) texts++;
        }
        const s = titles * levels + texts;
        score[id] = s;
        perScore[s]!++;
        bits ^= low;
      }
    }
    const total = popcount(hits);
    const entryIds: number[] = [];
    let skip = (page - 1) * perPage;
    for (let s = perScore.length - 1; s >= 0 && entryIds.length < perPage; s--) {
      if (skip >= perScore[s]!) {
        skip -= perScore[s]!;
        continue;
      }
      for (let i = 0; i < this.orderLength && entryIds.length < perPage; i++) {
        const id = this.order[i]!;
        if (!hasBit(hits, id) || score[id] !== s) continue;
        if (skip > 0) skip--;
        else entryIds.push(id);
      }
    }
    return { total, entryIds };
  }

  /** The published entries whose title contains the term, from the cache or else from SQLite. */
  private titleMask(term: string): Bitset {
    const cached = this.titleMasks.get(term);
    if (cached) {
      this.titleMasks.delete(term);
      this.titleMasks.set(term, cached);
      return cached;
    }
    const mask = createBitset(this.capacity);
    for (const id of this.repository.titlesContaining(term)) if (id < this.capacity && hasBit(this.published, id)) setBit(mask, id);
    if (this.titleMasks.size >= MAX_CACHED_TERMS) this.titleMasks.delete(this.titleMasks.keys().next().value!);
    this.titleMasks.set(term, mask);
    return mask;
  }

  /**
   * The page's ids in result order. A page past the middle is counted from the end, so the last
   * pages (the pager's 「最後」) cost as little as the first ones instead of a walk over every entry.
   */
  private pageOf(hits: Bitset, page: number, perPage: number): SearchPage {
    const total = popcount(hits);
    const entryIds: number[] = [];
    const first = (page - 1) * perPage;
    if (first >= total) return { total, entryIds };
    const { order } = this;
    if (first * 2 <= total) {
      let skip = first;
      for (let i = 0; i < this.orderLength; i++) {
        const id = order[i]!;
        if (!hasBit(hits, id)) continue;
        if (skip > 0) skip--;
        else if (entryIds.push(id) === perPage) break;
      }
    } else {
      const wanted = Math.min(perPage, total - first);
      let skip = total - first - wanted; // hits after this page
      for (let i = this.orderLength - 1; i >= 0; i--) {
        const id = order[i]!;
        if (!hasBit(hits, id)) continue;
        if (skip > 0) skip--;
        else if (entryIds.push(id) === wanted) break;
      }
      entryIds.reverse();
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

  /** For each term of the keyword, the folded words that satisfy it: itself, or its thesaurus group's words. */
  termWords(conditions: SearchConditions): string[][] {
    this.refresh();
    return (conditions.terms ?? []).map((term) => (conditions.synonyms ? this.synonyms.get(term)?.folded : undefined) ?? [term]);
  }

  /** The published entries containing every term of the keyword, or null without one. */
  private keywordMask({ terms = [], synonyms = false }: SearchConditions): Bitset | null {
    if (terms.length === 0) return null;
    const hits = Uint32Array.from(this.published);
    // A term of a thesaurus group: the entries holding any of the group's words.
    const widened = synonyms ? terms.filter((t) => this.synonyms.has(t)) : [];
    for (const term of widened) {
      const any = createBitset(this.capacity);
      for (const word of this.synonyms.get(term)!.folded) orInto(any, this.termMask(word));
      andInto(hits, any);
    }
    const plain = terms.filter((t) => !widened.includes(t));
    // A term no index can take (one character, or a pair with punctuation) is tested against the
    // entries the other terms left rather than scanned over all of them, when there are other terms.
    const indexed = plain.filter((t) => [...t].length >= 3 || isBigramTerm(t));
    const anchored = indexed.length > 0 || widened.length > 0;
    const scanned = anchored ? plain.filter((t) => !indexed.includes(t)) : plain.slice(1);
    for (const term of anchored ? indexed : plain.slice(0, 1)) andInto(hits, this.termMask(term));
    for (const term of scanned) {
      // Few entries left: test just those rows in SQLite. Many: one scan, kept like any other term.
      if (popcount(hits) > MAX_TESTED_ROWS) andInto(hits, this.termMask(term));
      else {
        const keep = createBitset(this.capacity);
        const among = idsOf(hits);
        for (const kind of TEXT_KINDS) for (const id of this.repository.amongContaining(kind, term, among)) setBit(keep, id);
        andInto(hits, keep);
      }
    }
    return hits;
  }

  /** The published entries containing one term in their title, summary or PDF. */
  private termMask(term: string): Bitset {
    const { text, attachment } = this.termMatch(term);
    if (!attachment) return text;
    const any = Uint32Array.from(text);
    orInto(any, attachment);
    return any;
  }

  /**
   * Where one term occurs, from the cache or else from SQLite (repository.containing: the trigram
   * index for three or more characters, the pair index for two, anything else by a scan of the texts,
   * 60–100 ms at 100,000 entries, once per term until the next rebuild).
   */
  private termMatch(term: string): TermMatch {
    const cached = this.termMasks.get(term);
    if (cached) {
      this.termMasks.delete(term); // re-inserted below: Map order is the recency order
      this.termMasks.set(term, cached);
      return cached;
    }
    const published = (ids: number[]) => {
      const mask = createBitset(this.capacity);
      for (const id of ids) if (id < this.capacity && hasBit(this.published, id)) setBit(mask, id);
      return mask;
    };
    const inAttachments = this.repository.containing('attachment', term);
    const dense = this.dense.get(term);
    const text = dense ? Uint32Array.from(dense) : published(this.repository.containing('entry', term));
    if (dense) andInto(text, this.published);
    const match = { text, attachment: inAttachments.length > 0 ? published(inAttachments) : null };
    if (this.termMasks.size >= MAX_CACHED_TERMS) this.termMasks.delete(this.termMasks.keys().next().value!);
    this.termMasks.set(term, match);
    return match;
  }

  /** For the logs and the bench: size and cost of the index. */
  stats(): { entries: number; genres: number; lastBuildMs: number; bitsetBytes: number; denseTerms: number; denseBytes: number } {
    this.refresh();
    const bitsetBytes = [...this.genreSubtree.values(), ...this.typeBits.values(), this.published].reduce((n, b) => n + b.byteLength, 0);
    const denseBytes = [...this.dense.values()].reduce((n, b) => n + b.byteLength, 0);
    return { entries: this.orderLength, genres: this.genreSubtree.size, lastBuildMs: Math.round(this.lastBuildMs), bitsetBytes, denseTerms: this.dense.size, denseBytes };
  }

  /**
   * The next piece of dense-term work (DenseTermOptions), for search.warmer.ts: after a rebuild (or at
   * first) a plan is made from a sample of the texts, for about `sliceMs` a call ('planning'); then
   * the plan's terms are handed out once, with the build they are for, to be read off the main thread
   * and installed; null when there is nothing to do.
   */
  denseWork(sliceMs = 4): 'planning' | { build: number; capacity: number; terms: string[] } | null {
    this.refresh();
    if (this.densePlannedFor !== this.builds) this.startDensePlan();
    if (this.denseSampling) {
      const deadline = performance.now() + sliceMs;
      while (this.denseSampling.ids.length > 0 && performance.now() < deadline) this.countSample(this.denseSampling.ids.splice(0, 25));
      if (this.denseSampling.ids.length === 0) this.finishDensePlan();
      return 'planning';
    }
    if (this.densePlan.length === 0) return null;
    const terms = this.densePlan;
    this.densePlan = [];
    return { build: this.builds, capacity: this.capacity, terms };
  }

  /**
   * Installs a dense term read at change `head` for `build`. The changes the index has applied since
   * that read are applied to it too (a change it has not applied yet will be, to every set); a read
   * for an earlier build, or one the feed no longer reaches back to, is dropped (false).
   */
  installDenseTerm(build: number, term: string, bits: Bitset, head: number): boolean {
    if (build !== this.builds || bits.length !== Math.ceil(this.capacity / 32)) return false;
    if (head < this.lastSeq) {
      const changes = this.repository.changesSince(head).filter(([seq]) => seq <= this.lastSeq);
      if (changes.length === 0 || changes[0]![0] !== head + 1 || changes.some(([, id]) => id === null)) return false;
      for (const id of new Set(changes.map(([, entryId]) => entryId!))) {
        if (id >= this.capacity) continue;
        if (this.repository.text(id).includes(term)) setBit(bits, id);
        else clearBit(bits, id);
      }
    }
    this.dense.set(term, bits);
    return true;
  }

  /** The dense terms read here, on the main thread: where no worker thread can read them (tests, a database in memory). */
  warmDenseTerms(): void {
    for (let work = this.denseWork(Infinity); work !== null; work = this.denseWork(Infinity)) {
      if (work === 'planning') continue;
      for (const term of work.terms) {
        const bits = createBitset(work.capacity);
        for (const id of this.repository.containing('entry', term)) if (id < work.capacity) setBit(bits, id);
        this.installDenseTerm(work.build, term, bits, this.lastSeq);
      }
    }
  }

  /** Starts this build's plan: random ids to sample (none when there are too few entries for any term to be dense). */
  private startDensePlan(): void {
    this.densePlannedFor = this.builds;
    this.densePlan = [];
    this.denseSampling = null;
    const { minMatches, sample } = this.denseOptions;
    if (this.orderLength < minMatches) return;
    const maxId = this.capacity - HEADROOM;
    const ids = [...new Set(Array.from({ length: sample }, () => 1 + Math.floor(Math.random() * maxId)))];
    this.denseSampling = { ids, texts: 0, documents: new Map() };
  }

  /** Counts, for each two- and three-character term, the sampled texts holding it. */
  private countSample(ids: number[]): void {
    const sampling = this.denseSampling!;
    for (const text of this.repository.texts(ids).values()) {
      sampling.texts++;
      const seen = new Set<string>();
      for (const line of text.split('\n')) {
        const chars = [...line];
        // Only terms the indexes answer alike: a pair the pair index holds, and letters or digits.
        for (let i = 0; i + 1 < chars.length; i++) {
          const pair = chars[i]! + chars[i + 1]!;
          if (!isBigramTerm(pair)) continue;
          seen.add(pair);
          if (i + 2 < chars.length && DENSE_CHAR.test(chars[i + 2]!)) seen.add(pair + chars[i + 2]!);
        }
      }
      for (const term of seen) sampling.documents.set(term, (sampling.documents.get(term) ?? 0) + 1);
    }
  }

  /** The terms in enough of the sample, commonest first, as many as the budget holds. */
  private finishDensePlan(): void {
    const { share, minMatches, budgetBytes, maxTerms } = this.denseOptions;
    const { texts, documents } = this.denseSampling!;
    this.denseSampling = null;
    // A share of the sample, and as many entries as minMatches once scaled to all of them.
    const needed = Math.max(share, minMatches / this.orderLength) * texts;
    const fits = Math.min(maxTerms, Math.floor(budgetBytes / (4 * Math.ceil(this.capacity / 32))));
    this.densePlan = texts === 0 ? [] : [...documents].filter(([, n]) => n >= needed).sort((a, b) => b[1] - a[1]).slice(0, fits).map(([term]) => term);
  }
}

/** The positions of the set bits, in increasing order. */
function idsOf(bits: Bitset): number[] {
  const ids: number[] = [];
  for (let word = 0; word < bits.length; word++) {
    let w = bits[word]!;
    while (w !== 0) {
      const low = w & -w;
      ids.push(word * 32 + (31 - Math.clz32(low)));
      w ^= low;
    }
  }
  return ids;
}

/** For each genre: itself and every ancestor. */
function ancestorLists(parents: [number, number | null][]): Map<number, number[]> {
  const parentOf = new Map(parents);
  return new Map(parents.map(([id]) => [id, ancestorChain(parentOf, id)]));
}
