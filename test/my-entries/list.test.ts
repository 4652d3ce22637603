import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createEntry, createGenre, createUser, PASSWORD, suspendEntry } from '../helpers/factories.js';
import { $, hitCount, listedIds, loggedInAgent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

describe('GET /my/entries', () => {
  it('31 own entries › 30 on page 1 and 1 on page 2, newest first; other organisations’ never listed', async () => {
    const { app, db } = createTestPortal();
    const vendor = createUser(db, 'vendor');
    const ids = Array.from({ length: 31 }, () => createEntry(db, vendor)).reverse();
    createEntry(db, createUser(db, 'vendor'));
    const agent = await loggedInAgent(app, vendor.loginId, PASSWORD);
    const first = await agent.get('/my/entries');
    expect(listedIds(first.text)).toEqual(ids.slice(0, 30));
    expect(hitCount(first.text)).toBe(31);
    const next = $(first.text)('a[rel="next"]').attr('href')!;
    expect(listedIds((await agent.get(next)).text)).toEqual(ids.slice(30));
  });

  it('keyword › a Japanese word from the summary, and the contact name, ANDed with a genre filter (subtree included)', async () => {
    const { app, db } = createTestPortal();
    const bousai = createGenre(db, '防災');
    const hinanjo = createGenre(db, '避難所運営', bousai);
    const kyoiku = createGenre(db, '教育');
    const vendor = createUser(db, 'vendor');
    const a = createEntry(db, vendor, { summary: '避難所の受付を数秒で終えます。', genreIds: [hinanjo] });
    const b = createEntry(db, vendor, { summary: '学校の避難所開設を支援します。', genreIds: [kyoiku] });
    const c = createEntry(db, vendor, { summary: '備蓄の管理。', genreIds: [bousai] });
    db.prepare(`UPDATE entries SET contact_name = '鈴木 花子' WHERE id = ?`).run(c);
    db.prepare(`UPDATE entry_search SET details = '鈴木 花子' WHERE rowid = ?`).run(c);
    const agent = await loggedInAgent(app, vendor.loginId, PASSWORD);
    const find = async (query: string) => listedIds((await agent.get(`/my/entries?${query}`)).text);
    expect(await find(`q=${encodeURIComponent('避難所')}`)).toEqual([b, a]);
    expect(await find(`q=${encodeURIComponent('避難所')}&genre=${bousai}`)).toEqual([a]);
    expect(await find(`q=${encodeURIComponent('鈴木')}`)).toEqual([c]);
    expect(await find(`genre=${bousai}`)).toEqual([c, a]);
    expect(await find(`genre=${bousai}&genre=${kyoiku}`)).toEqual([c, b, a]);
  });

  it('suspended entries › listed and marked 公開停止中 with the reason', async () => {
    const { app, db } = createTestPortal();
    const vendor = createUser(db, 'vendor');
    const id = createEntry(db, vendor);
    suspendEntry(db, id);
    const agent = await loggedInAgent(app, vendor.loginId, PASSWORD);
    const row = $((await agent.get('/my/entries')).text)(`[data-entry-id="${id}"]`);
    expect(row.text()).toContain('公開停止中');
    expect(row.text()).toContain('確認のため');
  });

  it('likes from two municipalities › count 2, and the who-liked page lists both names with times', async () => {
    const { app, db } = createTestPortal();
    const vendor = createUser(db, 'vendor');
    const id = createEntry(db, vendor);
    for (const [name, at] of [['藤沢市', '2026-11-20T01:00:00.000Z'], ['倉敷市', '2026-11-25T03:30:00.000Z']] as const) {
      const city = createUser(db, 'municipality', { organisationId: db.prepare(`INSERT INTO organisations (name, kind, created_at, updated_at) VALUES (?, 'municipality', 'x', 'x')`).run(name).lastInsertRowid as number });
      db.prepare('INSERT INTO likes (entry_id, organisation_id, user_id, created_at) VALUES (?, ?, ?, ?)').run(id, city.organisationId, city.id, at);
    }
    const agent = await loggedInAgent(app, vendor.loginId, PASSWORD);
    const row = $((await agent.get('/my/entries')).text)(`[data-entry-id="${id}"]`);
    expect(row.find('[data-like-count]').attr('data-like-count')).toBe('2');
    const link = row.find('[data-likes-dialog]').attr('href')!;
    const page = $((await agent.get(link)).text);
    const cells = page('#likes-list tbody tr').map((_, tr) => page(tr).find('td').map((__, td) => page(td).text().trim()).get().join(' ')).get();
    expect(cells).toEqual(['倉敷市 2026年11月25日 12:30', '藤沢市 2026年11月20日 10:00']);
    // Who liked stays with the owner: the public detail page shows the count only.
    const city = createUser(db, 'municipality');
    const cityAgent = await loggedInAgent(app, city.loginId, PASSWORD);
    const publicPage = (await cityAgent.get(`/entries/${id}`)).text;
    expect(publicPage).not.toContain('倉敷市');
    expect((await request(app).get(link)).status).toBe(302);
  });
});
