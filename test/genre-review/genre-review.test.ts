import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.js';
import { createEntry, createGenre, createIssueProfile, createOrganisation, createUser, PASSWORD, suspendEntry, TYPE } from '../helpers/factories.js';
import { $, csrfFrom, hitCount, loggedInAgent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';
import { adminAgent } from '../admin/helpers.js';

/** A fixed pseudo-random sequence, so a failure can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  // mulberry32
  return (n: number) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
}

/**
 * A tree of 4 top genres × 3 children × 2 grandchildren, 240 entries on 1–3 random genres (some
 * suspended), 40 saved searches and 30 municipalities' issue profiles, all on random genres.
 */
function world(seed = 11) {
  const portal = createTestPortal();
  const { db } = portal;
  const next = random(seed);
  const tops = ['防災', '子育て', '交通', '観光'].map((name) => createGenre(db, name));
  const children = tops.flatMap((top, t) => [1, 2, 3].map((i) => createGenre(db, `分野${t + 1}-${i}`, top)));
  const grandchildren = children.flatMap((child, c) => [1, 2].map((i) => createGenre(db, `細目${c + 1}-${i}`, child)));
  const all = [...tops, ...children, ...grandchildren];
  const vendor = createUser(db, 'vendor');
  const entries = Array.from({ length: 240 }, (_, i) => {
    const genreIds = [...new Set(Array.from({ length: 1 + next(3) }, () => all[next(all.length)]!))];
    const id = createEntry(db, vendor, { title: `情報${i}`, typeId: 1 + next(3), genreIds });
    if (next(10) === 0) suspendEntry(db, id);
    return id;
  });
  const town = createUser(db, 'municipality');
  const insertSearch = db.prepare(`INSERT INTO saved_searches (user_id, name, genre_ids, type_ids, q, alert, checked_until, created_at, updated_at)
    VALUES (?, ?, ?, '[]', '', 0, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`);
  for (let i = 0; i < 40; i++) {
    insertSearch.run(town.id, `保存${i}`, JSON.stringify([...new Set(Array.from({ length: 1 + next(3) }, () => all[next(all.length)]!))]));
  }
  for (let i = 0; i < 30; i++) {
    const org = createOrganisation(db, 'municipality', `市${i}`);
    createIssueProfile(db, org, [...new Set(Array.from({ length: 1 + next(3) }, () => all[next(all.length)]!))]
      .map((genreId, k) => ({ genreId, status: (['considering', 'working', 'done'] as const)[k % 3]!, note: `メモ${i}-${k}` })));
  }
  return { ...portal, tops, children, grandchildren, all, entries, vendor, town };
}

const state = (db: Db) => ({
  entryGenres: db.prepare('SELECT entry_id AS e, genre_id AS g FROM entry_genres ORDER BY e, g').all() as { e: number; g: number }[],
  searches: db.prepare('SELECT id, genre_ids AS ids FROM saved_searches ORDER BY id').all() as { id: number; ids: string }[],
  issues: db.prepare('SELECT organisation_id AS o, genre_id AS g, status, note FROM organisation_issues ORDER BY o, g').all() as { o: number; g: number; status: string; note: string }[],
  parents: db.prepare('SELECT id, parent_id AS p, retired_at IS NOT NULL AS retired FROM genres ORDER BY id').all() as { id: number; p: number | null; retired: number }[],
});

/** The published entries a search selecting `genre` must find, by walking the tree in the database. */
const expectedHits = (db: Db, genre: number) => db.prepare(`
  WITH RECURSIVE sub(id) AS (SELECT ? UNION SELECT g.id FROM genres g JOIN sub ON g.parent_id = sub.id)
  SELECT count(DISTINCT e.id) FROM entries e JOIN entry_genres eg ON eg.entry_id = e.id
   WHERE eg.genre_id IN (SELECT id FROM sub) AND e.deleted_at IS NULL AND e.suspended_at IS NULL`).pluck().get(genre) as number;

describe('genre review › merge (POST /admin/genres/:id/merge)', () => {
  it('moves exactly the entries, saved searches and profiles that named the genre, moves its children, retires it, one audit record', async () => {
    const w = world();
    const { db } = w;
    const genre = w.children[1]!; // 分野1-2, with two grandchildren
    const into = w.children[4]!; // 分野2-2, under another top genre
    const before = state(db);

    // Brute force: what every row must look like after the merge.
    const expectedEntryGenres = [...new Set(before.entryGenres.map((r) => `${r.e}:${r.g === genre ? into : r.g}`))]
      .map((k) => k.split(':').map(Number)).map(([e, g]) => ({ e: e!, g: g! })).sort((a, b) => a.e - b.e || a.g - b.g);
    const expectedSearches = before.searches.map((s) => ({ id: s.id, ids: JSON.stringify([...new Set((JSON.parse(s.ids) as number[]).map((g) => (g === genre ? into : g)))]) }));
    const byOrg = new Map<number, typeof before.issues>();
    for (const row of before.issues) byOrg.set(row.o, [...(byOrg.get(row.o) ?? []), row]);
    const expectedIssues = [...byOrg.values()].flatMap((rows) => {
      const hasInto = rows.some((r) => r.g === into);
      return rows.flatMap((r) => (r.g !== genre ? [r] : hasInto ? [] : [{ ...r, g: into }]));
    }).sort((a, b) => a.o - b.o || a.g - b.g);
    const moved = (ids: string) => (JSON.parse(ids) as number[]).includes(genre);
    expect(before.entryGenres.some((r) => r.g === genre) && before.searches.some((s) => moved(s.ids)) && before.issues.some((r) => r.g === genre)).toBe(true);

    const { post, agent } = await adminAgent(w);
    // The preview says what the merge will touch.
    const preview = $((await agent.get(`/admin/genres/${genre}/merge?into=${into}`)).text);
    expect(preview('[data-reach="entries"]').text()).toContain(`${before.entryGenres.filter((r) => r.g === genre).length}件`);
    expect(preview('[data-reach="saved-searches"]').text()).toContain(`${before.searches.filter((s) => moved(s.ids)).length}件`);
    expect(preview('[data-reach="profiles"]').text()).toContain(`${before.issues.filter((r) => r.g === genre).length}団体`);
    expect(preview('[data-reach="children"]').text()).toContain('「細目2-1」「細目2-2」');

    const res = await post(`/admin/genres/${genre}/merge?into=${into}`, `/admin/genres/${genre}/merge`, {});
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/genres?done=genre-merged');

    const after = state(db);
    expect(after.entryGenres).toEqual(expectedEntryGenres);
    expect(after.searches).toEqual(expectedSearches);
    expect(after.issues).toEqual(expectedIssues);
    expect(after.parents.filter((g) => g.p === into).map((g) => g.id).sort()).toEqual([...w.grandchildren.slice(2, 4), ...w.grandchildren.slice(8, 10)].sort());
    expect(after.parents.find((g) => g.id === genre)!.retired).toBe(1);
    expect(db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'genre.merge'`).pluck().get()).toBe(1);

    // The search counts stay exact: every genre's results and refine-panel count match the tree walk.
    const town = await loggedInAgent(w.app, w.town.loginId, PASSWORD);
    const counts = $((await town.get('/search')).text);
    for (const id of w.all.filter((g) => g !== genre)) {
      const hits = hitCount((await town.get(`/search/results?genre=${id}`)).text) ?? 0;
      expect(hits, `genre ${id}`).toBe(expectedHits(db, id));
      expect(Number(counts(`label[for="genre-${id}"]`).attr('data-count')), `count of ${id}`).toBe(expectedHits(db, id));
    }
    // The retired genre is gone from the form.
    expect(counts(`#genre-${genre}`).length).toBe(0);
  });

  it('the genre’s own page says what a merge moves, and its form merges into the genre chosen', async () => {
    const w = world(13);
    const { db } = w;
    const genre = w.grandchildren[2]!;
    const into = w.grandchildren[3]!;
    const { post, agent } = await adminAgent(w);
    const page = $((await agent.get(`/admin/genres/${genre}`)).text);
    const tagged = db.prepare('SELECT count(*) FROM entry_genres WHERE genre_id = ?').pluck().get(genre) as number;
    expect(page('[data-merge-reach]').text()).toContain(`このジャンルの情報${tagged}件`);
    // Its own subtree and retired genres are not offered.
    expect(page(`form[action="/admin/genres/${genre}/merge"] option[value="${genre}"]`).length).toBe(0);
    const res = await post(`/admin/genres/${genre}`, `/admin/genres/${genre}/merge`, { into: String(into) });
    expect(res.status).toBe(303);
    expect(db.prepare('SELECT count(*) FROM entry_genres WHERE genre_id = ?').pluck().get(genre)).toBe(0);
    expect(db.prepare('SELECT retired_at IS NOT NULL FROM genres WHERE id = ?').pluck().get(genre)).toBe(1);
  });

  it('refuses a target under the genre, the genre itself, a retired one, and one whose children clash by name: 400, nothing moved', async () => {
    const w = world(3);
    const { db } = w;
    const { agent } = await adminAgent(w);
    const post = async (path: string, _page: string, fields: Record<string, string>) =>
      agent.post(path).type('form').send({ _csrf: csrfFrom((await agent.get(path)).text), ...fields });
    const before = state(db);
    const clashTarget = createGenre(db, '同名の受け皿');
    createGenre(db, '細目1-1', clashTarget);
    const retired = createGenre(db, '廃止済み');
    db.prepare('UPDATE genres SET retired_at = ? WHERE id = ?').run('2026-01-01T00:00:00.000Z', retired);
    const genre = w.children[0]!;
    for (const [into, message] of [
      [w.grandchildren[0]!, '統合するジャンルの下位のジャンルには統合できません。'],
      [genre, '統合先には別のジャンルを選んでください。'],
      [retired, '統合先のジャンルが見つかりません（非表示のジャンルには統合できません）。'],
      [clashTarget, '統合先に同じ名前の下位のジャンルがあります（「細目1-1」）。先にそれらを統合してください。'],
      [999_999, '統合先のジャンルが見つかりません（非表示のジャンルには統合できません）。'],
    ] as const) {
      const res = await post(`/admin/genres/${genre}/merge`, `/admin/genres/${genre}/merge`, { into: String(into) });
      expect(res.status, String(into)).toBe(400);
      expect($(res.text)('#into-error').text()).toBe(message);
    }
    const res = await post(`/admin/genres/${genre}/merge`, `/admin/genres/${genre}/merge`, { into: 'abc' });
    expect(res.status).toBe(400);
    expect($(res.text)('#into-error').text()).toBe('統合先のジャンルを選んでください。');
    const after = state(db);
    expect(after.entryGenres).toEqual(before.entryGenres);
    expect(after.searches).toEqual(before.searches);
    expect(after.issues).toEqual(before.issues);
    expect(db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'genre.merge'`).pluck().get()).toBe(0);
  });

  it('carries the recorded demand to the target: the insights count the merged genre’s searches there', async () => {
    const w = world(5);
    const genre = w.grandchildren[0]!;
    const into = w.grandchildren[1]!;
    const town = await loggedInAgent(w.app, w.town.loginId, PASSWORD);
    for (const g of [genre, genre, into, genre]) await town.get(`/search/results?genre=${g}`);
    await town.get(`/search/results?genre=${genre}&genre=${into}`);
    const { post, agent } = await adminAgent(w);
    const searchesOf = async (id: number) => Number($((await agent.get('/admin/insights')).text)(`tr[data-genre-id="${id}"] [data-searches]`).attr('data-searches'));
    expect(await searchesOf(into)).toBe(2);
    expect((await post(`/admin/genres/${genre}/merge?into=${into}`, `/admin/genres/${genre}/merge`, {})).status).toBe(303);
    // Five searches wanted one of the two; the one that chose both counts once.
    expect(await searchesOf(into)).toBe(5);
  });
});

describe('genre review › move a subtree, split, fiscal-year versions', () => {
  it('moves a genre with its subtree after a preview; results under the new parent include them', async () => {
    const w = world(7);
    const { db } = w;
    const genre = w.children[0]!; // under 防災
    const newParent = w.tops[3]!; // 観光
    const { post, agent } = await adminAgent(w);
    const preview = $((await agent.get(`/admin/genres/${genre}/move?parent_id=${newParent}`)).text);
    const subtreeEntries = db.prepare(`SELECT count(DISTINCT entry_id) FROM entry_genres WHERE genre_id IN (?, ?, ?)`).pluck()
      .get(genre, w.grandchildren[0], w.grandchildren[1]) as number;
    expect(preview('[data-reach="genres"]').text()).toContain('3件');
    expect(preview('[data-reach="entries"]').text()).toContain(`${subtreeEntries}件`);
    expect(preview('[data-move-preview] h2').text()).toBe('「防災」の下から「観光」の下へ移します');
    const res = await post(`/admin/genres/${genre}/move?parent_id=${newParent}`, `/admin/genres/${genre}/move`, {});
    expect(res.status).toBe(303);
    expect(db.prepare('SELECT parent_id FROM genres WHERE id = ?').pluck().get(genre)).toBe(newParent);
    const town = await loggedInAgent(w.app, w.town.loginId, PASSWORD);
    for (const id of [w.tops[0]!, newParent]) {
      expect(hitCount((await town.get(`/search/results?genre=${id}`)).text)).toBe(expectedHits(db, id));
    }
    const audit = db.prepare(`SELECT diff FROM audit_log WHERE action = 'genre.move'`).pluck().all() as string[];
    expect(audit.map((d) => JSON.parse(d) as Record<string, unknown>)).toEqual([{ moved_to: ['防災', '観光'], genre_count: [null, 3], entries: [null, subtreeEntries], since_snapshot: [null, null] }]);
    // Under its own subtree: refused.
    const page = await agent.get(`/admin/genres/${w.tops[3]!}/move`);
    const refused = await agent.post(`/admin/genres/${w.tops[3]!}/move`).type('form').send({ _csrf: csrfFrom(page.text), parent_id: String(genre) });
    expect(refused.status).toBe(400);
    expect($(refused.text)('#parent_id-error').text()).toBe('自分自身やその下位のジャンルの下には移動できません。');
  });

  it('splits chosen entries off into a new genre after a preview; the others stay', async () => {
    const portal = createTestPortal();
    const { db } = portal;
    const top = createGenre(db, '防災');
    const genre = createGenre(db, '情報伝達', top);
    const vendor = createUser(db, 'vendor');
    const [a, b, c] = ['防災行政無線の更新', '防災アプリの配信', '防災行政無線の保守'].map((title) => createEntry(db, vendor, { title, typeId: TYPE.product, genreIds: [genre] }));
    const { post, agent } = await adminAgent(portal);
    // Narrowed by a word: the two radio entries.
    const list = $((await agent.get(`/admin/genres/${genre}/split?q=${encodeURIComponent('無線')}`)).text);
    expect(list('input[name="entry"]').map((_, i) => Number(list(i).attr('value'))).get()).toEqual([c, a]);
    const fields = { name: '防災行政無線', placement: 'child', entry: [String(a), String(c)] };
    const preview = await post(`/admin/genres/${genre}/split`, `/admin/genres/${genre}/split`, fields);
    expect(preview.status).toBe(200);
    expect($(preview.text)('[data-split-preview] h2').text()).toBe('新しいジャンル「防災行政無線」（「防災 › 情報伝達」の下）に2件を移します');
    expect(db.prepare(`SELECT count(*) FROM genres WHERE name = '防災行政無線'`).pluck().get()).toBe(0);
    const done = await agent.post(`/admin/genres/${genre}/split`).type('form')
      .send(`${$(preview.text)('[data-split-preview] form input').map((_, i) => `${encodeURIComponent($(preview.text)(i).attr('name')!)}=${encodeURIComponent($(preview.text)(i).val() as string)}`).get().join('&')}`);
    expect(done.status).toBe(303);
    const created = db.prepare(`SELECT id, parent_id AS parentId FROM genres WHERE name = '防災行政無線'`).get() as { id: number; parentId: number };
    expect(created.parentId).toBe(genre);
    expect(db.prepare('SELECT entry_id FROM entry_genres WHERE genre_id = ? ORDER BY entry_id').pluck().all(created.id)).toEqual([a, c]);
    expect(db.prepare('SELECT entry_id FROM entry_genres WHERE genre_id = ?').pluck().all(genre)).toEqual([b]);
    expect(db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'genre.split'`).pluck().get()).toBe(1);
    // The split is searched at once.
    const town = await loggedInAgent(portal.app, createUser(db, 'municipality').loginId, PASSWORD);
    expect(hitCount((await town.get(`/search/results?genre=${created.id}`)).text)).toBe(2);
    expect(hitCount((await town.get(`/search/results?genre=${genre}`)).text)).toBe(3);

    // Nothing chosen: 400 with the message at the list.
    const none = await post(`/admin/genres/${genre}/split`, `/admin/genres/${genre}/split`, { name: '別の名前', placement: 'child' });
    expect(none.status).toBe(400);
    expect($(none.text)('#entry-error').text()).toBe('移す情報を1件以上選んでください。');
  });

  it('keeps the tree as 「2026年度版」 and shows what changed since, with the changes’ records', async () => {
    const w = world(9);
    const { db } = w;
    const { post, agent } = await adminAgent(w);
    const saved = await post('/admin/genres/snapshots', '/admin/genres/snapshots', { fiscal_year: '2026' });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/admin/genres/snapshots/2026?done=snapshot-saved');
    // After the save: a merge, a move and a new genre.
    expect((await post(`/admin/genres/${w.grandchildren[0]!}/merge?into=${w.grandchildren[1]!}`, `/admin/genres/${w.grandchildren[0]!}/merge`, {})).status).toBe(303);
    expect((await post(`/admin/genres/${w.children[2]!}/move?parent_id=${w.tops[1]!}`, `/admin/genres/${w.children[2]!}/move`, {})).status).toBe(303);
    createGenre(db, '新設の分野', w.tops[0]);
    const page = $((await agent.get('/admin/genres/snapshots/2026')).text);
    expect(page('h1').text()).toBe('ジャンル体系 2026年度版');
    expect(page('[data-diff="added"]').map((_, d) => page(d).text()).get()).toEqual(['防災 › 新設の分野']);
    expect(page('[data-diff="retired"]').map((_, d) => page(d).text()).get()).toEqual(['防災 › 分野1-1 › 細目1-1']);
    expect(page('[data-diff="moved"]').map((_, d) => page(d).text()).get()).toEqual(['防災 › 分野1-3 → 子育て › 分野1-3']);
    const history = page('.history-list > li > p strong').map((_, s) => page(s).text()).get();
    expect(history).toEqual(['ジャンルの移動（下位のジャンルごと）', 'ジャンルの統合', 'ジャンル体系の年度版の保存']);
    expect(page('.history-list').text()).toContain('基準とした年度版：2026年度版');
    expect((await agent.get('/admin/genres/snapshots')).text).toContain('data-snapshot-year="2026"');
    expect((await agent.get('/admin/genres/snapshots/2019')).status).toBe(404);
    expect((await post('/admin/genres/snapshots', '/admin/genres/snapshots', { fiscal_year: 'x' })).status).toBe(400);
  });
});
