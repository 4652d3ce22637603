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

export type RankedPeer = { organisationId: number; score: number; shared: SharedIssue[] };

const relationOrder: Record<Relation, number> = { same: 0, narrower: 1, broader: 2, related: 3 };

/** The genre and its ancestors, nearest first; a cycle (which the editor refuses) cannot loop forever. */
function chainOf(parentOf: ReadonlyMap<number, number | null>, genreId: number): number[] {
  const chain: number[] = [];
  for (let id: number | null | undefined = genreId; id !== null && id !== undefined && chain.length < 32 && !chain.includes(id); id = parentOf.get(id)) {
    chain.push(id);
  }
  return chain;
}

/**
 * Every candidate with its score and the issues it shares with `own`, best first. Ties keep the
 * candidates' given order, so the caller decides how ties read (e.g. by name).
 */
export function rankPeers(parentOf: ReadonlyMap<number, number | null>, own: IssueSet, candidates: readonly IssueSet[]): RankedPeer[] {
  const expand = (genreIds: readonly number[]) => new Set(genreIds.flatMap((g) => chainOf(parentOf, g)));
  const ownExpanded = expand(own.genreIds);
  const expanded = new Map(candidates.map((c) => [c.organisationId, expand(c.genreIds)]));

  const population = [ownExpanded, ...[...expanded].filter(([id]) => id !== own.organisationId).map(([, set]) => set)];
  const df = new Map<number, number>();
  for (const set of population) for (const g of set) df.set(g, (df.get(g) ?? 0) + 1);
  const weight = new Map<number, number>();
  const weightOf = (g: number): number => {
    let w = weight.get(g);
    if (w === undefined) {
      w = chainOf(parentOf, g).length * (1 + Math.log(population.length / (df.get(g) ?? 1)));
      weight.set(g, w);
    }
    return w;
  };
  const norm = (set: Set<number>) => Math.sqrt([...set].reduce((sum, g) => sum + weightOf(g) ** 2, 0));
  const ownNorm = norm(ownExpanded);
  const ownChosen = new Set(own.genreIds);

  return candidates
    .filter((c) => c.organisationId !== own.organisationId)
    .map((candidate, order) => {
      const set = expanded.get(candidate.organisationId)!;
      let dot = 0;
      for (const g of set) if (ownExpanded.has(g)) dot += weightOf(g) ** 2;
      const denominator = ownNorm * norm(set);
      const shared = sharedIssues(parentOf, candidate.genreIds, ownChosen, ownExpanded, weightOf);
      return { organisationId: candidate.organisationId, score: denominator === 0 ? 0 : dot / denominator, shared, order };
    })
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .map(({ order: _order, ...peer }) => peer);
}

/** The peer's issues that touch the asking organisation's, closest relation first. */
function sharedIssues(
  parentOf: ReadonlyMap<number, number | null>,
  genreIds: readonly number[],
  ownChosen: Set<number>,
  ownExpanded: Set<number>,
  weightOf: (g: number) => number,
): SharedIssue[] {
  const shared: SharedIssue[] = [];
  for (const genreId of new Set(genreIds)) {
    const chain = chainOf(parentOf, genreId);
    const common = chain.find((g) => ownExpanded.has(g));
    if (common === undefined) continue;
    const relation: Relation = ownChosen.has(genreId)
      ? 'same'
      : chain.some((g) => ownChosen.has(g))
        ? 'narrower'
        : common === genreId
          ? 'broader'
          : 'related';
    shared.push({ genreId, relation, commonGenreId: common });
  }
  return shared.sort((a, b) => relationOrder[a.relation] - relationOrder[b.relation] || weightOf(b.commonGenreId) - weightOf(a.commonGenreId));
}
