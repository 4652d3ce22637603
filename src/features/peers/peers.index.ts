import { type Genre } from '../genres/genres.repository.js';
import { activeGenreTree, genrePaths, type GenreNode } from '../genres/genre-tree.js';
import { preparePopulation, rankAgainst, type IssueSet, type Population, type RankedPeer } from './peers.ranking.js';
import type { PeerSummary, PeersRepository } from './peers.repository.js';

/** One consistent view of the opted-in municipalities and the genre tree. */
export type PeerSnapshot = {
  version: number;
  parentOf: Map<number, number | null>;
  /** 「防災 › 避難所運営」 */
  path: (genreId: number) => string;
  /** The genres offered in forms (retired ones left out). */
  tree: readonly GenreNode[];
  /** By name, the order ties are shown in. */
  organisations: PeerSummary[];
  byId: Map<number, PeerSummary>;
  population: Population;
};

/**
 * The opted-in municipalities' profiles, expanded over the genre tree, kept in memory: reading and
 * expanding 1,800 profiles took ~25 ms a request, longer than all the rest of /peers or a
 * municipality's home page. Triggers bump `peer_index_version` on every change the snapshot depends on
 * (from any process); each use compares the counter (one indexed read) and rebuilds when it moved.
 * Notes, statuses and contacts are not held here: pages read them for the peers they show. The
 * genre tree is held too (its names and order included), so a page reads the genres table once at most.
 */
export class PeerIndex {
  private snapshot: PeerSnapshot | undefined;

  constructor(
    private readonly repository: PeersRepository,
    private readonly listGenres: () => readonly Genre[],
  ) {}

  current(): PeerSnapshot {
    if (this.snapshot?.version === this.repository.indexVersion()) return this.snapshot;
    const { version, summaries } = this.repository.visibleSummaries();
    const genres = this.listGenres();
    const { parentOf, path } = genrePaths(genres);
    this.snapshot = {
      version, parentOf, path, tree: activeGenreTree(genres), organisations: summaries,
      byId: new Map(summaries.map((s) => [s.organisationId, s])),
      population: preparePopulation(parentOf, summaries),
    };
    return this.snapshot;
  }

  /** The opted-in municipalities other than `own`, closest first. */
  rank(own: IssueSet): { snapshot: PeerSnapshot; ranked: RankedPeer[] } {
    const snapshot = this.current();
    return { snapshot, ranked: rankAgainst(snapshot.population, own) };
  }
}
