import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo/seed.js';
import { seedsDir } from '../../src/paths.js';
import { createEntry, createGenre, createUser, PASSWORD, suspendEntry } from '../helpers/factories.js';
import { $, csrfFrom, loggedInAgent } from '../helpers/http.js';
import { createTestPortal, testClock } from '../helpers/portal.js';

const helpfulOn = async (app: Parameters<typeof request>[0], n: number) => {
  const doc = $((await request(app).get(`/guidebook/items/${n}`)).text);
  return {
    genres: doc('[data-helpful-genre]').map((_, el) => ({ id: Number(doc(el).attr('data-helpful-genre')), text: doc(el).parent().text().trim() })).get(),
    entries: doc('[data-helpful-entry]').map((_, el) => Number(doc(el).attr('data-helpful-entry'))).get(),
  };
};

describe('the guidebook linked to the catalog (issue 23.4)', () => {
  it('a fresh demo database ships a starter mapping: item 7 leads to open data, with the count a search gives', async () => {
    const { app, db } = createTestPortal();
    await seedDemo(db, seedsDir, testClock());
    const openData = db.prepare(`SELECT id FROM genres WHERE name = 'オープンデータ'`).pluck().get() as number;
    const seven = await helpfulOn(app, 7);
    expect(seven.genres.map((g) => g.id)).toContain(openData);
    const count = $((await request(app).get(`/search/results?genre=${openData}`)).text)('[data-hit-count]').attr('data-hit-count');
    expect(seven.genres.find((g) => g.id === openData)!.text).toBe(`行政運営 › オープンデータ（${count}件）`);
    expect(seven.entries.length).toBeGreaterThan(0);
    for (let n = 1; n <= 10; n++) expect((await helpfulOn(app, n)).genres.length, `item ${n}`).toBeGreaterThan(0);
  });

  it('the secretariat edits an item\'s genres and entries; only shown genres and published entries reach the page; bad input › 400 at the field', async () => {
    const { app, db } = createTestPortal();
    const genre = createGenre(db, '防災');
    const retired = createGenre(db, '旧ジャンル');
    const vendor = createUser(db, 'vendor');
    const [first, second] = [createEntry(db, vendor, { title: '避難所アプリ', genreIds: [genre] }), createEntry(db, vendor, { title: '備蓄管理' })];
    const admin = await loggedInAgent(app, createUser(db, 'secretariat').loginId, PASSWORD);
    const form = (await admin.get('/admin/guidebook/items/8')).text;
    const token = csrfFrom(form, '/admin/guidebook/items/8');

    const refused = await admin.post('/admin/guidebook/items/8').type('form').send({ _csrf: token, genre: [String(genre)], entries: `${first}\n999999\nabc` });
    expect(refused.status).toBe(400);
    expect($(refused.text)('#entries-error').text()).toBe('情報の番号は数字で入力してください（例：120, 3456）。');
    const missing = await admin.post('/admin/guidebook/items/8').type('form').send({ _csrf: token, genre: [String(genre)], entries: `${first}, 999999` });
    expect($(missing.text)('#entries-error').text()).toBe('公開中の情報が見つからない番号があります：999999');
    expect($(missing.text)(`#genre-${genre}`).attr('checked')).toBeDefined();
    expect(db.prepare('SELECT count(*) FROM guidebook_item_genres').pluck().get()).toBe(0);

    const saved = await admin.post('/admin/guidebook/items/8').type('form').send({ _csrf: token, genre: [String(genre), String(retired)], entries: `${second}、${first}` });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/admin/guidebook?done=guidebook-links-saved');
    expect((await helpfulOn(app, 8)).entries).toEqual([second, first]);
    expect(db.prepare(`SELECT action FROM audit_log WHERE action = 'guidebook.links'`).pluck().all()).toEqual(['guidebook.links']);
    const overview = $((await admin.get('/admin/guidebook')).text);
    expect(overview('tr[data-item="8"]').text()).toContain('避難所アプリ');

    // A genre retired and an entry suspended afterwards drop off the page, not out of the mapping.
    db.prepare('UPDATE genres SET retired_at = ? WHERE id = ?').run('2026-11-27T00:00:00.000Z', retired);
    suspendEntry(db, first);
    const after = await helpfulOn(app, 8);
    expect(after.genres.map((g) => g.id)).toEqual([genre]);
    expect(after.entries).toEqual([second]);
    expect(db.prepare('SELECT count(*) FROM guidebook_item_entries').pluck().get()).toBe(2);
  });

  it('only the secretariat: municipalities and vendors get 403, nothing saved', async () => {
    const { app, db } = createTestPortal();
    for (const kind of ['municipality', 'vendor'] as const) {
      const agent = await loggedInAgent(app, createUser(db, kind).loginId, PASSWORD);
      expect((await agent.get('/admin/guidebook')).status).toBe(403);
      const token = csrfFrom((await agent.get('/')).text, '/logout');
      expect((await agent.post('/admin/guidebook/items/1').type('form').send({ _csrf: token, entries: '' })).status).toBe(403);
    }
    expect(db.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(0);
  });
});
