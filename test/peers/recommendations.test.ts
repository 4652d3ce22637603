import { describe, expect, it } from 'vitest';
import { createEntry, createGenre, createIssueProfile, createOrganisation, createUser, deleteEntry, like, PASSWORD, suspendEntry } from '../helpers/factories.js';
import { $, loggedInAgent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

// The test clock stands at 2026-11-26; "new" means updated within 90 days.
const RECENT = '2026-11-20T00:00:00.000Z';
const OLD = '2026-05-01T00:00:00.000Z';

function setup() {
  const portal = createTestPortal();
  const { db } = portal;
  const bousai = createGenre(db, '防災');
  const hinanjo = createGenre(db, '避難所運営', bousai);
  const kanko = createGenre(db, '観光');
  const vendor = createUser(db, 'vendor');
  const city = createUser(db, 'municipality');
  createIssueProfile(db, city.organisationId, [hinanjo]);
  const peerOrg = createOrganisation(db, 'municipality', '近隣市');
  createIssueProfile(db, peerOrg, [hinanjo, kanko], { showLikes: true });
  const peer = createUser(db, 'municipality', { organisationId: peerOrg });
  const shyOrg = createOrganisation(db, 'municipality', '控えめ町');
  createIssueProfile(db, shyOrg, [hinanjo], { showLikes: false });
  const shy = createUser(db, 'municipality', { organisationId: shyOrg });
  const entry = (title: string, genreIds: number[], updatedAt = RECENT) => createEntry(db, vendor, { title, genreIds, updatedAt });
  return { ...portal, g: { bousai, hinanjo, kanko }, vendor, city, peer, shy, entry };
}

/** The recommended rows on the home page: entry id → its reasons. */
async function recommended(agent: Awaited<ReturnType<typeof loggedInAgent>>): Promise<Map<number, string[]>> {
  const doc = $((await agent.get('/')).text);
  return new Map(doc('[data-recommended]').map((_, el) => [[Number(doc(el).attr('data-entry-id')), doc(el).find('[data-reason]').map((__, r) => doc(r).text()).get()]]).get() as [number, string[]][]);
}

describe('home page recommendations', () => {
  it('new entries in the organisation’s genres and entries its closest peers liked, each saying why', async () => {
    const { app, db, g, city, peer, shy, entry } = setup();
    const inGenre = entry('避難所受付システム', [g.hinanjo]);
    const likedByPeer = entry('観光案内アプリ', [g.kanko], OLD);
    const likedByShy = entry('控えめ町が気に入った製品', [g.kanko], OLD);
    like(db, likedByPeer, peer);
    like(db, likedByShy, shy);
    const both = entry('避難所の混雑表示', [g.hinanjo]);
    like(db, both, peer);

    const got = await recommended(await loggedInAgent(app, city.loginId, PASSWORD));
    expect(got.get(inGenre)).toEqual(['貴団体の課題「防災 › 避難所運営」に関する新着情報です。']);
    expect(got.get(likedByPeer)).toEqual(['課題が近い近隣市が「いいね！」しています。']);
    expect(got.get(both)).toEqual(['貴団体の課題「防災 › 避難所運営」に関する新着情報です。', '課題が近い近隣市が「いいね！」しています。']);
    // A peer that did not opt in to show its likes is never used (nor named).
    expect(got.has(likedByShy)).toBe(false);
    expect([...got.keys()].sort()).toEqual([inGenre, likedByPeer, both].sort());
  });

  it('never deleted, suspended, old or already liked entries; a suspension takes effect at once', async () => {
    const { app, db, g, city, peer, entry } = setup();
    const kept = entry('残る製品', [g.hinanjo]);
    const deleted = entry('削除した製品', [g.hinanjo]);
    const suspended = entry('停止した製品', [g.hinanjo]);
    entry('古い製品', [g.hinanjo], OLD);
    const liked = entry('もう気に入っている製品', [g.hinanjo]);
    const peerLikedDeleted = entry('削除された人気製品', [g.kanko], OLD);
    const peerLikedSuspended = entry('停止された人気製品', [g.kanko], OLD);
    like(db, liked, city);
    like(db, peerLikedDeleted, peer);
    like(db, peerLikedSuspended, peer);
    deleteEntry(db, deleted);
    deleteEntry(db, peerLikedDeleted);
    suspendEntry(db, suspended);
    suspendEntry(db, peerLikedSuspended);

    const agent = await loggedInAgent(app, city.loginId, PASSWORD);
    expect([...(await recommended(agent)).keys()]).toEqual([kept]);
    suspendEntry(db, kept);
    expect([...(await recommended(agent)).keys()]).toEqual([]);
  });

  it('a municipality without a profile is invited to fill it in; vendors and visitors see no recommendations', async () => {
    const { app, db, g, vendor, entry } = setup();
    entry('避難所受付システム', [g.hinanjo]);
    const newcomer = await loggedInAgent(app, createUser(db, 'municipality').loginId, PASSWORD);
    const doc = $((await newcomer.get('/')).text);
    expect(doc('#recommended-title').text()).toBe('貴団体へのおすすめ');
    expect(doc('[data-recommended]').length).toBe(0);
    expect(doc('.recommendations a[href="/my/issues"]').length).toBe(1);
    const vendorHome = $((await (await loggedInAgent(app, vendor.loginId, PASSWORD)).get('/')).text);
    expect(vendorHome('#recommended-title').length).toBe(0);
  });
});
