import { describe, expect, it } from 'vitest';
import { rankPeers, sharedIssues } from '../../src/features/peers/peers.ranking.js';

/**
 * A hand-made tree:
 *   防災(1) › 避難所運営(2) › 避難者名簿管理(3), 備蓄物資管理(4)
 *   観光(5) › 多言語対応(6)
 *   教育(7) › 校務支援(8)
 *   福祉(9)
 */
const parentOf = new Map<number, number | null>([[1, null], [2, 1], [3, 2], [4, 2], [5, null], [6, 5], [7, null], [8, 7], [9, null]]);
const G = { bousai: 1, hinanjo: 2, meibo: 3, bichiku: 4, kanko: 5, tagengo: 6, kyoiku: 7, komu: 8, fukushi: 9 };

const me = { organisationId: 100, genreIds: [G.meibo, G.tagengo, G.komu] };
/** Five municipalities, each designed to test one rule (their ids say which). */
const sharesLeaf = { organisationId: 1, genreIds: [G.meibo] };
const sharesParentOnly = { organisationId: 2, genreIds: [G.bichiku] };
const sharesRareIssue = { organisationId: 3, genreIds: [G.tagengo] };
const sharesCommonIssue = { organisationId: 4, genreIds: [G.komu] };
const sharesCommonPlusOther = { organisationId: 5, genreIds: [G.komu, G.fukushi] };
const five = [sharesParentOnly, sharesCommonPlusOther, sharesCommonIssue, sharesRareIssue, sharesLeaf];

const order = (ranked: { organisationId: number }[]) => ranked.map((p) => p.organisationId);

describe('peer ranking', () => {
  it('five municipalities › leaf before parent, rare before common, focused before diluted', () => {
    const ranked = rankPeers(parentOf, me, five);
    // 1: shares the leaf 避難者名簿管理 itself; 3: shares 多言語対応, which only 3 and me chose;
    // 4: shares 校務支援, which three profiles hold; 5: the same plus an issue of its own;
    // 2: shares only the parent 避難所運営 (its leaf is a sibling of mine).
    expect(order(ranked)).toEqual([1, 3, 4, 5, 2]);
    for (const peer of ranked) expect(peer.score).toBeGreaterThan(0);
    expect(ranked[0]!.score).toBeLessThanOrEqual(1);
  });

  it('sharing a leaf weighs more than sharing only its parent, whatever the order given', () => {
    const choseParent = { organisationId: 7, genreIds: [G.hinanjo] };
    const choseLeaf = { organisationId: 8, genreIds: [G.meibo] };
    const mine = { organisationId: 100, genreIds: [G.meibo] };
    expect(order(rankPeers(parentOf, mine, [choseParent, choseLeaf]))).toEqual([8, 7]);
    expect(order(rankPeers(parentOf, mine, [choseLeaf, choseParent]))).toEqual([8, 7]);
  });

  it('a rare shared issue weighs more than a common one at the same depth', () => {
    const mine = { organisationId: 100, genreIds: [G.tagengo, G.komu] };
    const common = [10, 11, 12].map((id) => ({ organisationId: id, genreIds: [G.komu, G.fukushi] }));
    const rare = { organisationId: 20, genreIds: [G.tagengo, G.fukushi] };
    const ranked = rankPeers(parentOf, mine, [...common, rare]);
    expect(order(ranked)[0]).toBe(20);
    // Without the other three, 校務支援 is as rare as 多言語対応 and the two tie (given order kept).
    const tie = rankPeers(parentOf, mine, [{ organisationId: 10, genreIds: [G.komu, G.fukushi] }, rare]);
    expect(tie[0]!.score).toBeCloseTo(tie[1]!.score, 10);
    expect(order(tie)).toEqual([10, 20]);
  });

  it('identical profiles score 1; nothing in common scores 0; the asking organisation is never its own peer', () => {
    const ranked = rankPeers(parentOf, me, [{ organisationId: 9, genreIds: [G.fukushi] }, { ...me, organisationId: 8 }, me]);
    expect(order(ranked)).toEqual([8, 9]);
    expect(ranked[0]!.score).toBeCloseTo(1, 10);
    expect(ranked[1]!.score).toBe(0);
    expect(sharedIssues(parentOf, me.genreIds, [G.fukushi])).toEqual([]);
  });

  it('an empty own profile › everyone scores 0 and keeps the given order', () => {
    const ranked = rankPeers(parentOf, { organisationId: 100, genreIds: [] }, five);
    expect(order(ranked)).toEqual(five.map((p) => p.organisationId));
    expect(ranked.every((p) => p.score === 0)).toBe(true);
  });

  it('shared issues › say how each relates: same, narrower, broader, or related through a common ancestor', () => {
    const mine = { organisationId: 100, genreIds: [G.hinanjo, G.tagengo] };
    const peer = { organisationId: 1, genreIds: [G.meibo, G.kanko, G.kyoiku, G.tagengo] };
    expect(sharedIssues(parentOf, mine.genreIds, peer.genreIds)).toEqual([
      { genreId: G.tagengo, relation: 'same', commonGenreId: G.tagengo },
      { genreId: G.meibo, relation: 'narrower', commonGenreId: G.hinanjo },
      { genreId: G.kanko, relation: 'broader', commonGenreId: G.kanko },
    ]);
    expect(sharedIssues(parentOf, [G.meibo], [G.bichiku])).toEqual([{ genreId: G.bichiku, relation: 'related', commonGenreId: G.hinanjo }]);
  });
});
