import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createEntry, createGenre, createIssueProfile, createOrganisation, createUser, PASSWORD, suspendEntry, TYPE } from '../helpers/factories.js';
import { $, csrfFrom, hitCount, loggedInAgent, type Agent } from '../helpers/http.js';
import { createTestPortal, portalOn } from '../helpers/portal.js';

const DAY = 86_400_000;

/**
 * Issue 22.2: /admin/insights puts what members looked for beside what is registered. A tree of two
 * branches, one with entries and one without; municipalities search, like and keep issue profiles;
 * the page's numbers must be the ones the test counts from what it did.
 */
function setup() {
  const portal = createTestPortal();
  const { db } = portal;
  const bousai = createGenre(db, '防災');
  const shelter = createGenre(db, '避難所運営', bousai);
  const stock = createGenre(db, '備蓄管理', bousai);
  const kosodate = createGenre(db, '子育て');
  const nursery = createGenre(db, '保育所', kosodate);
  const vendor = createUser(db, 'vendor', { email: 'sales@vendor.example.jp' });
  const vendorColleague = createUser(db, 'vendor', { organisationId: vendor.organisationId, email: 'pr@vendor.example.jp' });
  const other = createUser(db, 'vendor', { email: 'info@other.example.jp' });
  const shelterProducts = [1, 2, 3].map((i) => createEntry(db, vendor, { title: `避難所受付${i}`, genreIds: [shelter] }));
  const both = createEntry(db, other, { title: '避難所と備蓄の管理', typeId: TYPE.case, genreIds: [shelter, stock] });
  const hidden = createEntry(db, other, { title: '停止中の備蓄', genreIds: [stock] });
  suspendEntry(db, hidden);
  const towns = [1, 2, 3].map((i) => createUser(db, 'municipality', { organisationId: createOrganisation(db, 'municipality', `テスト市${i}`) }));
  const secretariat = createUser(db, 'secretariat');
  return { ...portal, genres: { bousai, shelter, stock, kosodate, nursery }, vendor, vendorColleague, other, shelterProducts, both, hidden, towns, secretariat };
}

type Row = { entries: number; searches: number; foundNothing: number; profiles: number; likes: number };
const rowsOf = (html: string): Map<number, Row> => {
  const doc = $(html);
  return new Map(doc('tr[data-genre-id]').map((_, tr) => {
    const cell = (name: string) => Number(doc(tr).find(`[data-${name}]`).attr(`data-${name}`));
    return [[Number(doc(tr).attr('data-genre-id')), {
      entries: cell('entries'), searches: cell('searches'), foundNothing: cell('found-nothing'), profiles: cell('profiles'), likes: cell('likes'),
    }]] as const;
  }).get() as [number, Row][]);
};

/** Each row of a table as the texts of its cells. */
const tableOf = (doc: ReturnType<typeof $>, selector: string) =>
  doc(`${selector} tbody tr`).toArray().map((tr) => doc(tr).find('th, td').toArray().map((cell) => doc(cell).text().trim()));

/** Runs a search as the agent (or a guest's request.agent) and returns its hit count. */
const search = async (agent: Agent, params: { genre?: number[]; type?: number[]; q?: string; page?: number }) => {
  const qs = new URLSearchParams();
  for (const g of params.genre ?? []) qs.append('genre', String(g));
  for (const t of params.type ?? []) qs.append('type', String(t));
  if (params.q) qs.set('q', params.q);
  if (params.page) qs.set('page', String(params.page));
  const res = await agent.get(`/search/results?${qs}`);
  expect(res.status).toBe(200);
  return hitCount(res.text) ?? 0;
};

describe('/admin/insights › demand against supply per genre', () => {
  it('counts exactly the searches, the empty ones, the profiles and the likes the test made, in the last 90 days', async () => {
    const t = setup();
    const { app, db, clock, genres: g, towns } = t;
    const all = Object.values(g);
    const expected = new Map(all.map((id) => [id, { searches: 0, foundNothing: 0, likes: 0 }]));
    const count = (genreIds: number[], hits: number) => {
      for (const id of genreIds) {
        expected.get(id)!.searches++;
        if (hits === 0) expected.get(id)!.foundNothing++;
      }
    };

    // Searches older than the window: counted nowhere on the genre table.
    for (let i = 0; i < 3; i++) await search(request.agent(app), { genre: [g.kosodate] });
    clock.advance(91 * DAY);

    const agents = await Promise.all(towns.map((u) => loggedInAgent(app, u.loginId, PASSWORD)));
    // A fixed pseudo-random walk: every genre subset of size 1–2, with and without a type and a keyword.
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 40; i++) {
      const agent = agents[next() % agents.length]!;
      const chosen = [...new Set([all[next() % all.length]!, ...(next() % 2 ? [all[next() % all.length]!] : [])])];
      const params = { genre: chosen, type: next() % 3 === 0 ? [TYPE.case] : [], q: next() % 4 === 0 ? 'みつからないことば' : '' };
      count(chosen, await search(agent, params));
    }
    // A guest's search counts among everyone's; paging through a search is not another search.
    count([g.nursery], await search(request.agent(app), { genre: [g.nursery] }));
    await search(agents[0]!, { genre: [g.shelter], page: 2 });

    // Likes through the button, and issue profiles.
    for (const [agent, entryId] of [[agents[0]!, t.both], [agents[1]!, t.both], [agents[1]!, t.shelterProducts[0]!]] as const) {
      const page = await agent.get(`/entries/${entryId}`);
      expect((await agent.post(`/entries/${entryId}/like`).type('form').send({ _csrf: csrfFrom(page.text, `/entries/${entryId}/like`), intent: 'like' })).status).toBe(302);
    }
    // t.both is in 避難所運営 and 備蓄管理: once for each, and once (not twice) for 防災.
    expected.get(g.shelter)!.likes = 3;
    expected.get(g.stock)!.likes = 2;
    expected.get(g.bousai)!.likes = 3;
    createIssueProfile(db, towns[0]!.organisationId, [g.nursery, g.shelter]);
    createIssueProfile(db, towns[1]!.organisationId, [g.nursery]);

    const admin = await loggedInAgent(app, t.secretariat.loginId, PASSWORD);
    const page = await admin.get('/admin/insights');
    expect(page.status).toBe(200);
    const rows = rowsOf(page.text);
    const supply = { [g.bousai]: 4, [g.shelter]: 4, [g.stock]: 1, [g.kosodate]: 0, [g.nursery]: 0 };
    const profiles = { [g.bousai]: 0, [g.shelter]: 1, [g.stock]: 0, [g.kosodate]: 0, [g.nursery]: 2 };
    for (const id of all) {
      expect(rows.get(id), `genre ${id}`).toEqual({ ...expected.get(id)!, entries: supply[id], profiles: profiles[id] });
    }

    // Municipalities alone: the guest's search drops out.
    const theirs = rowsOf((await admin.get('/admin/insights?who=municipality')).text);
    expect(theirs.get(g.nursery)!.searches).toBe(expected.get(g.nursery)!.searches - 1);
  });

  it('puts the genres with demand and no entries first, with a 登録依頼 link, and the CSV says the same', async () => {
    const t = setup();
    const { app, genres: g } = t;
    const town = await loggedInAgent(app, t.towns[0]!.loginId, PASSWORD);
    for (let i = 0; i < 3; i++) await search(town, { genre: [g.nursery] });
    await search(town, { genre: [g.kosodate] });
    await search(town, { genre: [g.shelter] });
    const admin = await loggedInAgent(app, t.secretariat.loginId, PASSWORD);
    const doc = $((await admin.get('/admin/insights')).text);
    const order = doc('tr[data-genre-id]').map((_, tr) => Number(doc(tr).attr('data-genre-id'))).get();
    expect(order.slice(0, 2)).toEqual([g.nursery, g.kosodate]);
    expect(doc(`tr[data-genre-id="${g.nursery}"] a`).attr('href')).toBe(`/admin/insights/genres/${g.nursery}/request`);
    expect(doc(`tr[data-genre-id="${g.shelter}"] a`).length).toBe(0);

    const csv = await admin.get('/admin/insights/genres.csv');
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('ジャンルID,ジャンル,掲載中の情報,検索（直近90日）,うち0件,課題に挙げた団体,いいね！（直近90日）,需要があり掲載なし');
    expect(lines[1]).toBe(`${g.nursery},子育て › 保育所,0,3,3,0,0,はい`);
    expect(lines[2]).toBe(`${g.kosodate},子育て,0,1,1,0,0,はい`);
  });

  it('lists the searches that found nothing by keyword and by conditions', async () => {
    const t = setup();
    const { app, genres: g } = t;
    const town = await loggedInAgent(app, t.towns[0]!.loginId, PASSWORD);
    await search(town, { q: '=ドローン点検' });
    await search(town, { q: '=ドローン点検' });
    await search(town, { genre: [g.stock], type: [TYPE.person] });
    await search(town, { q: '避難所' }); // found something: in neither table
    const admin = await loggedInAgent(app, t.secretariat.loginId, PASSWORD);
    const doc = $((await admin.get('/admin/insights')).text);
    expect(tableOf(doc, '[data-found-nothing-keywords]')).toEqual([['=ドローン点検', '2', '2026年11月26日 13:11']]);
    expect(tableOf(doc, '[data-found-nothing-conditions]')).toEqual([['防災 › 備蓄管理', '人材情報', '1', '0', '2026年11月26日 13:11']]);
    // The keyword CSV is formula-safe: Excel shows 「=ドローン点検」 and runs nothing.
    const csv = await admin.get('/admin/insights/found-nothing-keywords.csv');
    expect(csv.text.split('\r\n')[1]).toMatch(/^'=ドローン点検,2,/);
  });

  it('draws each chart with the numbers of the table beside it', async () => {
    const t = setup();
    const { app, genres: g } = t;
    const town = await loggedInAgent(app, t.towns[0]!.loginId, PASSWORD);
    for (const [genre, times] of [[g.shelter, 3], [g.nursery, 2], [g.stock, 1]] as const) {
      for (let i = 0; i < times; i++) await search(town, { genre: [genre] });
    }
    await town.get(`/entries/${t.both}`);
    const admin = await loggedInAgent(app, t.secretariat.loginId, PASSWORD);
    const doc = $((await admin.get('/admin/insights')).text);
    const charts = doc('[data-chart]');
    expect(charts.length).toBe(3);
    charts.each((_, chart) => {
      const bars = doc(chart).find('svg rect[data-value]').map((_i, r) => Number(doc(r).attr('data-value'))).get();
      const cells = doc(chart).find('table tbody td').map((_i, td) => Number(doc(td).attr('data-value'))).get();
      expect(bars).toEqual(cells);
      expect(doc(chart).find('svg').attr('role')).toBe('img');
      expect(doc(chart).find('svg').attr('aria-labelledby')).toBe(doc(chart).find('figcaption').attr('id'));
    });
    expect(tableOf(doc, '[data-chart="chart-genres"]')).toEqual([['防災 › 避難所運営', '3', '4'], ['子育て › 保育所', '2', '0'], ['防災 › 備蓄管理', '1', '1']]);
    // This month's row of the activity chart: one detail view.
    const thisMonth = doc('[data-chart="chart-activity"] tbody tr').last().find('td').map((_, td) => Number(doc(td).attr('data-value'))).get();
    expect(thisMonth).toEqual([1, 0, 0, 0, 0]);
  });

  it('is the secretariat’s alone', async () => {
    const t = setup();
    for (const user of [t.vendor, t.towns[0]!]) {
      const agent = await loggedInAgent(t.app, user.loginId, PASSWORD);
      for (const path of ['/admin/insights', '/admin/insights/genres.csv', `/admin/insights/genres/${t.genres.nursery}/request`]) {
        expect((await agent.get(path)).status, path).toBe(403);
      }
    }
    expect((await request(t.app).get('/admin/insights')).status).toBe(302);
  });
});

describe('/admin/insights › 登録依頼 to the vendors nearest in the tree', () => {
  it('offers the vendors under the nearest ancestor, and queues one edited mail per chosen organisation', async () => {
    const t = setup();
    const { app, db, genres: g } = t;
    const lonely = createGenre(db, '避難訓練', g.bousai);
    const admin = await loggedInAgent(app, t.secretariat.loginId, PASSWORD);
    const form = await admin.get(`/admin/insights/genres/${lonely}/request`);
    expect(form.status).toBe(200);
    const doc = $(form.text);
    // Under 防災: the vendor with three entries first, then the other.
    expect(doc('input[name="organisation"]').map((_, i) => Number(doc(i).attr('value'))).get()).toEqual([t.vendor.organisationId, t.other.organisationId]);
    expect(doc('#subject').val()).toBe('【ＡＰＰＬＩＣ】「避難訓練」に関する情報の登録のお願い');
    expect(doc('#body').text()).toContain('ジャンル「防災 › 避難訓練」の情報が求められていますが');

    const token = csrfFrom(form.text, `/admin/insights/genres/${lonely}/request`);
    const empty = await admin.post(`/admin/insights/genres/${lonely}/request`).type('form').send({ _csrf: token, subject: '', body: '本文' });
    expect(empty.status).toBe(400);
    expect($(empty.text)('#organisation-error').text()).toBe('送り先の団体を1つ以上選んでください。');
    expect($(empty.text)('#subject-error').text()).toBe('件名を入力してください。');
    expect(db.prepare(`SELECT count(*) FROM mail_outbox WHERE kind = 'insight.registration_request'`).pluck().get()).toBe(0);

    // A municipality's id slipped into the form is dropped, never mailed.
    const sent = await admin.post(`/admin/insights/genres/${lonely}/request`).type('form')
      .send(`_csrf=${encodeURIComponent(token)}&organisation=${t.vendor.organisationId}&organisation=${t.towns[0]!.organisationId}&subject=${encodeURIComponent('登録のお願い')}&body=${encodeURIComponent('避難訓練の情報をお願いします。')}`);
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe('/admin/insights?requested=1#genres');
    expect($((await admin.get('/admin/insights?requested=1')).text)('.notice[role="status"]').text()).toContain('登録依頼を1団体に送信しました');
    const mails = db.prepare(`SELECT recipients, subject, body FROM mail_outbox WHERE kind = 'insight.registration_request'`).all();
    expect(mails).toEqual([{ recipients: JSON.stringify(['sales@vendor.example.jp', 'pr@vendor.example.jp']), subject: '登録のお願い', body: '避難訓練の情報をお願いします。' }]);
    expect(db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'genre.registration_request' AND target_id = ?`).pluck().get(lonely)).toBe(1);
  });
});

describe('usage › kept for USAGE_RETENTION_DAYS', () => {
  it('deletes the rows older than the period and keeps the rest', async () => {
    const t = setup();
    const { app, db, clock } = t;
    await search(request.agent(app), { q: '避難所' });
    clock.advance(40 * DAY);
    const town = await loggedInAgent(app, t.towns[0]!.loginId, PASSWORD);
    await search(town, { q: '備蓄' });
    await town.get(`/entries/${t.both}`);
    const { jobs } = portalOn(db, { clock, config: { usageRetentionDays: 30 } });
    // The first app's rows are written by its own recorder; reading the insights page flushes them.
    await (await loggedInAgent(app, t.secretariat.loginId, PASSWORD)).get('/admin/insights');
    expect(db.prepare('SELECT count(*) FROM usage_searches').pluck().get()).toBe(2);
    expect(jobs.usagePrune.run()).toBe(1);
    expect(db.prepare('SELECT q FROM usage_searches').pluck().all()).toEqual(['備蓄']);
    expect(db.prepare('SELECT day, organisation_kind AS kind, searches, views FROM usage_daily').all()).toEqual([{ day: '2027-01-05', kind: 'municipality', searches: 1, views: 1 }]);
    expect(db.prepare('SELECT day FROM usage_daily_organisations').pluck().all()).toEqual(['2027-01-05']);
    expect(db.prepare('SELECT kind FROM usage_events').pluck().all()).toEqual(['view']);
  });
});

describe('/admin/insights/report › the usage report for a period', () => {
  it('gathers the period’s figures by kind of member, its months, and the surveys open in it', async () => {
    const t = setup();
    const { app, db, clock, genres: g } = t;
    // Before the period: one search, not counted.
    await search(request.agent(app), { genre: [g.shelter] });
    clock.advance(10 * DAY); // 2026-12-06
    const towns = await Promise.all(t.towns.map((u) => loggedInAgent(app, u.loginId, PASSWORD)));
    await search(towns[0]!, { genre: [g.shelter] });
    await search(towns[1]!, { q: 'みつからない' });
    await search(towns[1]!, { genre: [g.nursery] });
    await towns[2]!.get(`/entries/${t.both}`);
    await search(request.agent(app), { q: '避難所' });
    const admin = await loggedInAgent(app, t.secretariat.loginId, PASSWORD);
    db.prepare(`INSERT INTO surveys (title, audience, opens_on, closes_on, created_at, updated_at) VALUES ('試行アンケート', 'both', '2026-12-01', '2026-12-31', ?, ?)`)
      .run('2026-12-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z');
    const res = await admin.get('/admin/insights/report?from=2026-12-01&to=2026-12-31');
    expect(res.status).toBe(200);
    const doc = $(res.text);
    expect(doc('[data-report-period]').attr('data-report-period')).toBe('2026-12-01/2026-12-31');
    const kind = (k: string, key: string) => Number(doc(`[data-report-totals] tr[data-kind="${k}"] [data-${key}]`).attr(`data-${key}`));
    expect([kind('municipality', 'searches'), kind('municipality', 'found-nothing'), kind('municipality', 'views')]).toEqual([3, 2, 1]);
    expect(Number(doc('[data-report-totals] tr[data-kind="municipality"] td').first().attr('data-value'))).toBe(3);
    expect(kind('guest', 'searches')).toBe(1);
    expect(tableOf(doc, '[data-chart="report-months"]')).toEqual([['2026年12月', '4', '1', '0']]);
    expect(doc('[data-survey-id] h3').text()).toContain('試行アンケート');

    const bad = await admin.get('/admin/insights/report?from=2026-12-31&to=2026-12-01');
    expect(bad.status).toBe(400);
    expect($(bad.text)('#to-error').text()).toBe('終了日は開始日以降の日付にしてください。');
    // Without a period: this fiscal year so far.
    expect($((await admin.get('/admin/insights/report')).text)('[data-report-period]').attr('data-report-period')).toBe('2026-04-01/2026-12-06');
  });
});
