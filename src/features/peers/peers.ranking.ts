import { ancestorChain } from '../genres/genre-tree.js';

/**
 * Ranks municipalities by how much their issue profiles overlap (機能２「類似団体の検索機能」).
 *
 * Each profile becomes a weighted vector over the genre tree: a chosen genre stands for itself and
 * every ancestor, so two cities that chose 「避難者名簿管理」 also share 「避難所運営」 and 「防災」.
 * A genre g weighs
 *
 *     w(g) = depth(g) × (1 + ln(N / df(g)))
 *
 * where depth counts from 1 at the top of the tree, N is the number of profiles taking part (the
 * opted-in municipalities and the one asking), and df(g) how many of them contain g. Depth makes a
 * shared leaf count more than a shared parent (the leaf adds its own, heavier, weight on top of its
 * ancestors'); the idf term makes an issue few municipalities share count more than one most share.
 * The score is the cosine of the two vectors, between 0 and 1: what is shared, relative to the size of
 * both profiles, so a municipality that ticks every genre does not come first for everyone.
 */

export type IssueSet = { organisationId: number; genreIds: readonly number[] };

/** How a peer's issue relates to the asking organisation's issues. */
export type Relation = 'same' | 'narrower' | 'broader' | 'related';

export type SharedIssue = {
  /** The peer's chosen genre. */
  genreId: number;
  relation: Relation;
  /** The deepest genre both profiles contain: the issue itself for 'same', the common ancestor for 'related'. */
  commonGenreId: number;
};

export type RankedPeer = { organisationId: number; score: number };

const relationOrder: Record<Relation, number> = { same: 0, narrower: 1, broader: 2, related: 3 };

/** Each genre's chain, computed once per ranking (the tree has a few hundred genres; profiles share them). */
function chains(parentOf: ReadonlyMap<number, number | null>): (genreId: number) => number[] {
  const memo = new Map<number, number[]>();
  return (genreId) => {
    let chain = memo.get(genreId);
    if (!chain) memo.set(genreId, (chain = ancestorChain(parentOf, genreId)));
    return chain;
  };
}

/** A profile's chosen genres with all their ancestors, each once. */
function expand(chainOfGenre: (g: number) => number[], genreIds: readonly number[]): number[] {
  const expanded = new Set<number>();
  for (const g of genreIds) for (const a of chainOfGenre(g)) expanded.add(a);
  return [...expanded];
}

/**
 * The opted-in profiles, expanded and counted once, in typed arrays indexed by genre id: ranking 1,800
 * municipalities against one profile is then a pass of array reads (about 0.5 ms; with a Set and a
 * Map per pair it took 12 ms).
 */
export type Population = {
  chainOf: (genreId: number) => number[];
  members: { organisationId: number; expanded: Int32Array }[];
  /** How many members contain each genre (after expansion), by genre id. */
  df: Int32Array;
};

export function preparePopulation(parentOf: ReadonlyMap<number, number | null>, profiles: readonly IssueSet[]): Population {
  const chainOfGenre = chains(parentOf);
  const members = profiles.map((p) => ({ organisationId: p.organisationId, expanded: Int32Array.from(expand(chainOfGenre, p.genreIds)) }));
  let size = 1;
  for (const id of parentOf.keys()) size = Math.max(size, id + 1);
  for (const { expanded } of members) for (const g of expanded) size = Math.max(size, g + 1);
  const df = new Int32Array(size);
  for (const { expanded } of members) for (const g of expanded) df[g]!++;
  return { chainOf: chainOfGenre, members, df };
}

/**
 * Every member but the asking organisation with its score, best first; ties keep the population's
 * order (the caller's, e.g. by name). The asking profile counts in N and df once: as the member it is,
 * or in addition when it is not one (a municipality that has not opted in, or a genre filter).
 */
export function rankAgainst(population: Population, own: IssueSet): RankedPeer[] {
  const { chainOf: chainOfGenre, members, df } = population;
  const ownExpanded = expand(chainOfGenre, own.genreIds);
  const extra = members.some((m) => m.organisationId === own.organisationId) ? 0 : 1;
  const n = members.length + extra;
  const size = Math.max(df.length, ...ownExpanded.map((g) => g + 1));
  const ownWeight = new Float64Array(size);
  for (const g of ownExpanded) ownWeight[g] = 1; // marks own's genres until their weights are known
  const weight = new Float64Array(size);
  for (let g = 0; g < size; g++) {
    const count = (df[g] ?? 0) + (ownWeight[g] === 1 ? extra : 0);
    if (count > 0) weight[g] = chainOfGenre(g).length * (1 + Math.log(n / count));
  }
  let ownNormSquared = 0;
  for (const g of ownExpanded) {
    ownWeight[g] = weight[g]!;
    ownNormSquared += weight[g]! ** 2;
  }
  const ownNorm = Math.sqrt(ownNormSquared);

  const ranked: (RankedPeer & { order: number })[] = [];
  members.forEach(({ organisationId, expanded }, order) => {
    if (organisationId === own.organisationId) return;
    let dot = 0;
    let normSquared = 0;
    for (const g of expanded) {
      const w = weight[g]!;
      normSquared += w * w;
      dot += ownWeight[g]! * w;
    }
    const denominator = ownNorm * Math.sqrt(normSquared);
    ranked.push({ organisationId, score: denominator === 0 ? 0 : dot / denominator, order });
  });
  return ranked.sort((a, b) => b.score - a.score || a.order - b.order).map(({ organisationId, score }) => ({ organisationId, score }));
}

/** Ranks the candidates against `own` in one go (the population is the candidates and `own`). */
export function rankPeers(parentOf: ReadonlyMap<number, number | null>, own: IssueSet, candidates: readonly IssueSet[]): RankedPeer[] {
  return rankAgainst(preparePopulation(parentOf, candidates), own);
}

/**
 * The peer's issues that touch the asking organisation's, closest relation first (deeper common genre
 * first within a relation): shown on /peers for the peers of one page.
 */
export function sharedIssues(parentOf: ReadonlyMap<number, number | null>, ownGenreIds: readonly number[], peerGenreIds: readonly number[]): SharedIssue[] {
  const chainOfGenre = chains(parentOf);
  const ownChosen = new Set(ownGenreIds);
  const ownExpanded = new Set(expand(chainOfGenre, ownGenreIds));
  const shared: (SharedIssue & { depth: number })[] = [];
  for (const genreId of new Set(peerGenreIds)) {
    const chain = chainOfGenre(genreId);
    const common = chain.find((g) => ownExpanded.has(g));
    if (common === undefined) continue;
    const relation: Relation = ownChosen.has(genreId)
      ? 'same'
      : chain.some((g) => ownChosen.has(g))
        ? 'narrower'
        : common === genreId
          ? 'broader'
          : 'related';
    shared.push({ genreId, relation, commonGenreId: common, depth: chainOfGenre(common).length });
  }
  return shared
    .sort((a, b) => relationOrder[a.relation] - relationOrder[b.relation] || b.depth - a.depth)
    .map(({ depth: _depth, ...issue }) => issue);
}
