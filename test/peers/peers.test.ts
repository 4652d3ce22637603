import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/connection.js';
import { createEntry, createGenre, createIssueProfile, createOrganisation, createUser, deleteEntry, like, PASSWORD, suspendEntry } from '../helpers/factories.js';
import { $, loggedInAgent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

/** The hand-made tree of the ranking test, in a real database. */
function tree(db: Db) {
  const bousai = createGenre(db, '防災');
  const hinanjo = createGenre(db, '避難所運営', bousai);
  const meibo = createGenre(db, '避難者名簿管理', hinanjo);
  const bichiku = createGenre(db, '備蓄物資管理', hinanjo);
  const kanko = createGenre(db, '観光');
  const tagengo = createGenre(db, '多言語対応', kanko);
  const kyoiku = createGenre(db, '教育');
  const komu = createGenre(db, '校務支援', kyoiku);
  const fukushi = createGenre(db, '福祉');
  return { bousai, hinanjo, meibo, bichiku, kanko, tagengo, kyoiku, komu, fukushi };
}

/** Me and five opted-in municipalities (plus one that did not opt in and would otherwise come first). */
function fiveMunicipalities(db: Db) {
  const g = tree(db);
  const me = createUser(db, 'municipality');
  createIssueProfile(db, me.organisationId, [g.meibo, g.tagengo, g.komu]);
  const city = (name: string, issues: Parameters<typeof createIssueProfile>[2], profile: Parameters<typeof createIssueProfile>[3] = {}) => {
    const organisationId = createOrganisation(db, 'municipality', name);
    createIssueProfile(db, organisationId, issues, profile);
    return organisationId;
  };
  const ids = {
    sharesParentOnly: city('備蓄市', [g.bichiku], { prefecture: 14, populationBand: '300k_1m' }),
    sharesCommonPlusOther: city('福祉町', [g.komu, g.fukushi], { prefecture: 33 }),
    sharesCommonIssue: city('校務市', [g.komu], { prefecture: 11 }),
    sharesRareIssue: city('多言語市', [g.tagengo], { prefecture: 1, populationBand: 'under_10k' }),
    sharesLeaf: city('名簿市', [{ genreId: g.meibo, status: 'working' as const, note: '紙の名簿を電子化中' }], { prefecture: 13 }),
    hidden: city('非公開市', [g.meibo, g.tagengo, g.komu], { visible: false }),
  };
  return { g, me, ids };
}

const rankedIds = (html: string) => $(html)('[data-org-id]').map((_, el) => Number($(html)(el).attr('data-org-id'))).get();

describe('/peers', () => {
  it('ranks the opted-in municipalities: leaf before parent, rare before common; one that did not opt in never appears', async () => {
    const { app, db } = createTestPortal();
    const { me, ids } = fiveMunicipalities(db);
    const agent = await loggedInAgent(app, me.loginId, PASSWORD);
    const res = await agent.get('/peers');
    expect(res.status).toBe(200);
    expect(rankedIds(res.text)).toEqual([ids.sharesLeaf, ids.sharesRareIssue, ids.sharesCommonIssue, ids.sharesCommonPlusOther, ids.sharesParentOnly]);
    expect(res.text).not.toContain('非公開市');
    expect($(res.text)('[data-peer-count]').attr('data-peer-count')).toBe('5');
  });

  it('each peer › its shared issues with their status and note, and how they relate', async () => {
    const { app, db } = createTestPortal();
    const { me, ids, g } = fiveMunicipalities(db);
    const doc = $((await (await loggedInAgent(app, me.loginId, PASSWORD)).get('/peers')).text);
    const leaf = doc(`[data-org-id="${ids.sharesLeaf}"] [data-genre-id="${g.meibo}"]`);
    expect(leaf.text()).toContain('防災 › 避難所運営 › 避難者名簿管理');
    expect(leaf.text()).toContain('同じ課題');
    expect(leaf.text()).toContain('取組中');
    expect(leaf.text()).toContain('紙の名簿を電子化中');
    const sibling = doc(`[data-org-id="${ids.sharesParentOnly}"] [data-genre-id="${g.bichiku}"]`);
    expect(sibling.text()).toContain('関連する課題');
    expect(sibling.text()).toContain('共通：防災 › 避難所運営');
  });

  it('filters › prefecture (with neighbours), population band, and a genre with its subtree', async () => {
    const { app, db } = createTestPortal();
    const { me, ids, g } = fiveMunicipalities(db);
    const agent = await loggedInAgent(app, me.loginId, PASSWORD);
    const peers = async (query: string) => rankedIds((await agent.get(`/peers?${query}`)).text);
    expect(await peers('prefecture=13')).toEqual([ids.sharesLeaf]);
    // 東京都's neighbours: 埼玉, 千葉, 神奈川, 山梨.
    expect(await peers('prefecture=13&near=1')).toEqual([ids.sharesLeaf, ids.sharesCommonIssue, ids.sharesParentOnly]);
    expect(await peers('population_band=under_10k')).toEqual([ids.sharesRareIssue]);
    expect(await peers(`genre=${g.hinanjo}`)).toEqual([ids.sharesLeaf, ids.sharesParentOnly]);
    expect(await peers(`genre=${g.kyoiku}&prefecture=33`)).toEqual([ids.sharesCommonPlusOther]);
    expect(await peers(`genre=${g.fukushi}&population_band=over_1m`)).toEqual([]);
  });

  it.each([
    ['prefecture=48', '都道府県の指定が正しくありません。'],
    ['population_band=huge', '人口規模の指定が正しくありません。'],
    ['genre=abc', 'ジャンルの指定が正しくありません。'],
    ['genre=99999', '指定されたジャンルは存在しません。'],
    ['page=0', 'ページ番号が正しくありません。'],
    ['prefecture=1&prefecture=2', '都道府県の指定が正しくありません。'],
  ])('bad filter %s › 400 with a Japanese message', async (query, message) => {
    const { app, db } = createTestPortal();
    const { me } = fiveMunicipalities(db);
    const res = await (await loggedInAgent(app, me.loginId, PASSWORD)).get(`/peers?${query}`);
    expect(res.status).toBe(400);
    expect($(res.text)('.error-summary').text()).toContain(message);
  });

  it('a municipality without a profile › a prompt to fill it in; with a genre filter the ranking starts from that genre', async () => {
    const { app, db } = createTestPortal();
    const { me, ids, g } = fiveMunicipalities(db);
    const newcomer = createUser(db, 'municipality');
    const agent = await loggedInAgent(app, newcomer.loginId, PASSWORD);
    const page = await agent.get('/peers');
    expect($(page.text)('a[href="/my/issues"]').text()).toContain('自団体の課題を登録する');
    expect(rankedIds(page.text)).toHaveLength(6);
    // Ranked from 避難者名簿管理 alone: the city that chose only that first, then the one with more issues besides.
    expect(rankedIds((await agent.get(`/peers?genre=${g.meibo}`)).text)).toEqual([ids.sharesLeaf, me.organisationId]);
  });

  it('the secretariat › sees the opted-in municipalities and can rank from one of them', async () => {
    const { app, db } = createTestPortal();
    const { me, ids } = fiveMunicipalities(db);
    const admin = await loggedInAgent(app, createUser(db, 'secretariat').loginId, PASSWORD);
    const all = await admin.get('/peers');
    expect(all.status).toBe(200);
    const visible = [me.organisationId, ...Object.values(ids).filter((id) => id !== ids.hidden)];
    expect(new Set(rankedIds(all.text))).toEqual(new Set(visible));
    // From 校務市 (校務支援): the two others that chose 校務支援 first, then the rest; never itself.
    const fromKomu = rankedIds((await admin.get(`/peers?for=${ids.sharesCommonIssue}`)).text);
    expect(new Set(fromKomu.slice(0, 2))).toEqual(new Set([me.organisationId, ids.sharesCommonPlusOther]));
    expect(fromKomu).not.toContain(ids.sharesCommonIssue);
    expect(fromKomu).toHaveLength(5);
    expect((await admin.get(`/peers?for=${ids.hidden}`)).status).toBe(400);
    expect($((await admin.get('/peers')).text)('a[href$="/message"]').length).toBe(0);
  });

  it('liked entries › shown only for a peer that opted in to show them, published entries only', async () => {
    const { app, db } = createTestPortal();
    const { me, ids } = fiveMunicipalities(db);
    const vendor = createUser(db, 'vendor');
    const shown = createEntry(db, vendor, { title: '公開中の名簿システム' });
    const deleted = createEntry(db, vendor, { title: '削除された製品' });
    const suspended = createEntry(db, vendor, { title: '停止中の製品' });
    const leafUser = createUser(db, 'municipality', { organisationId: ids.sharesLeaf });
    const rareUser = createUser(db, 'municipality', { organisationId: ids.sharesRareIssue });
    for (const id of [shown, deleted, suspended]) { like(db, id, leafUser); like(db, id, rareUser); }
    deleteEntry(db, deleted);
    suspendEntry(db, suspended);
    db.prepare('UPDATE organisation_profiles SET show_likes = 1 WHERE organisation_id = ?').run(ids.sharesLeaf);

    const doc = $((await (await loggedInAgent(app, me.loginId, PASSWORD)).get('/peers')).text);
    const leaf = doc(`[data-org-id="${ids.sharesLeaf}"]`);
    expect(leaf.find(`a[href="/entries/${shown}"]`).text()).toBe('公開中の名簿システム');
    expect(leaf.text()).not.toContain('削除された製品');
    expect(leaf.text()).not.toContain('停止中の製品');
    expect(doc(`[data-org-id="${ids.sharesRareIssue}"]`).text()).not.toContain('公開中の名簿システム');
  });

  it('contact › the published contact person by department and name, never an address; otherwise only the message link', async () => {
    const { app, db } = createTestPortal();
    const { me, ids } = fiveMunicipalities(db);
    const contact = createUser(db, 'municipality', { organisationId: ids.sharesLeaf, name: '名簿 太郎', department: '防災課', email: 'meibo@city.example.jp' });
    db.prepare('UPDATE organisation_profiles SET contact_user_id = ?, publish_contact = 1 WHERE organisation_id = ?').run(contact.id, ids.sharesLeaf);
    const quiet = createUser(db, 'municipality', { organisationId: ids.sharesRareIssue, name: '多言語 花子', email: 'tagengo@city.example.jp' });
    db.prepare('UPDATE organisation_profiles SET contact_user_id = ?, publish_contact = 0 WHERE organisation_id = ?').run(quiet.id, ids.sharesRareIssue);

    const html = (await (await loggedInAgent(app, me.loginId, PASSWORD)).get('/peers')).text;
    const doc = $(html);
    expect(doc(`[data-org-id="${ids.sharesLeaf}"] .peer__contact`).text()).toContain('防災課 名簿 太郎');
    expect(doc(`[data-org-id="${ids.sharesRareIssue}"]`).text()).not.toContain('多言語 花子');
    expect(doc(`[data-org-id="${ids.sharesRareIssue}"] a[href="/peers/${ids.sharesRareIssue}/message"]`).length).toBe(1);
    expect(html).not.toContain('meibo@city.example.jp');
    expect(html).not.toContain('tagengo@city.example.jp');
  });

  it('30 to a page › paging keeps the filters', async () => {
    const { app, db } = createTestPortal();
    const genre = createGenre(db, '防災');
    const me = createUser(db, 'municipality');
    createIssueProfile(db, me.organisationId, [genre]);
    for (let i = 0; i < 35; i++) createIssueProfile(db, createOrganisation(db, 'municipality', `市${String(i).padStart(2, '0')}`), [genre], { prefecture: 8 });
    const agent = await loggedInAgent(app, me.loginId, PASSWORD);
    const first = await agent.get('/peers?prefecture=8');
    expect(rankedIds(first.text)).toHaveLength(30);
    expect($(first.text)('a[rel="next"]').attr('href')).toBe('/peers?prefecture=8&page=2');
    const second = await agent.get('/peers?prefecture=8&page=2');
    expect(rankedIds(second.text)).toHaveLength(5);
    expect(new Set([...rankedIds(first.text), ...rankedIds(second.text)]).size).toBe(35);
  });

  it('follows every change at once, whichever connection made it: opt-out, rename, new issue, a genre moved', async () => {
    const { app, db, dbPath } = createTestPortal();
    const { me, ids, g } = fiveMunicipalities(db);
    const agent = await loggedInAgent(app, me.loginId, PASSWORD);
    const ranked = async (query = '') => rankedIds((await agent.get(`/peers${query}`)).text);
    expect(await ranked()).toHaveLength(5);
    const other = openDatabase(dbPath);
    other.prepare('UPDATE organisation_profiles SET visible = 0 WHERE organisation_id = ?').run(ids.sharesLeaf);
    expect(await ranked()).not.toContain(ids.sharesLeaf);
    other.prepare('UPDATE organisation_profiles SET visible = 1 WHERE organisation_id = ?').run(ids.hidden);
    expect((await ranked())[0]).toBe(ids.hidden);
    other.prepare(`UPDATE organisations SET name = '改名市' WHERE id = ?`).run(ids.hidden);
    expect((await agent.get('/peers')).text).toContain('改名市');
    other.prepare(`INSERT INTO organisation_issues (organisation_id, genre_id, status, note, updated_at) VALUES (?, ?, 'working', '', 'now')`).run(ids.sharesParentOnly, g.meibo);
    expect(await ranked(`?genre=${g.meibo}`)).toContain(ids.sharesParentOnly);
    // 校務支援 moved under 防災 › 避難所運営: the peers that chose it now fall under a 避難所運営 filter.
    other.prepare('UPDATE genres SET parent_id = ? WHERE id = ?').run(g.hinanjo, g.komu);
    expect(await ranked(`?genre=${g.hinanjo}`)).toEqual(expect.arrayContaining([ids.sharesCommonIssue, ids.sharesCommonPlusOther]));
    other.close();
  });

  it('guards › anonymous visitors go to the login page; vendors get 403', async () => {
    const { app, db } = createTestPortal();
    const anonymous = await request(app).get('/peers');
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.location).toBe('/login?next=%2Fpeers');
    const vendor = await loggedInAgent(app, createUser(db, 'vendor').loginId, PASSWORD);
    expect((await vendor.get('/peers')).status).toBe(403);
    expect((await vendor.get('/peers?genre=1')).status).toBe(403);
  });
});
