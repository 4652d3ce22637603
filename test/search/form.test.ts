import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createEntry, createGenre, createUser } from '../helpers/factories.js';
import { $, listedIds } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

describe('GET /search', () => {
  it('the genre tree › one labelled checkbox per genre, nested as the tree, every level selectable', async () => {
    const { app, db } = createTestPortal();
    const top = createGenre(db, '防災');
    const mid = createGenre(db, '避難所運営', top);
    const leaf = createGenre(db, '避難者名簿管理', mid);
    const other = createGenre(db, '教育');
    const doc = $((await request(app).get('/search')).text);
    for (const [id, name] of [[top, '防災'], [mid, '避難所運営'], [leaf, '避難者名簿管理'], [other, '教育']] as const) {
      const box = doc(`input[type="checkbox"][name="genre"][value="${id}"]#genre-${id}`);
      expect(box.length).toBe(1);
      expect(doc(`label[for="genre-${id}"]`).text()).toBe(name);
    }
    // Nesting: the leaf's list item sits inside the middle one's, which sits inside the top one's.
    expect(doc(`#genre-${top}`).closest('li').find(`#genre-${mid}`).length).toBe(1);
    expect(doc(`#genre-${mid}`).closest('li').find(`#genre-${leaf}`).length).toBe(1);
    expect(doc(`#genre-${other}`).closest('li').find(`#genre-${leaf}`).length).toBe(0);
  });

  it('a retired genre › is left out of the form together with its subtree', async () => {
    const { app, db } = createTestPortal();
    const top = createGenre(db, '旧分類');
    const child = createGenre(db, '旧分類の下', top);
    db.prepare(`UPDATE genres SET retired_at = 'now' WHERE id = ?`).run(top);
    const doc = $((await request(app).get('/search')).text);
    expect(doc(`#genre-${top}`).length).toBe(0);
    expect(doc(`#genre-${child}`).length).toBe(0);
  });

  it('the genre tree › follows every change to the genres, from this process or another, on the next page', async () => {
    const { app, db } = createTestPortal();
    const top = createGenre(db, '防災');
    const label = async (id: number) => $((await request(app).get('/search')).text)(`label[for="genre-${id}"]`);
    expect((await label(top)).text()).toBe('防災');
    // Straight into the database, as another process or a hand edit would: the tree is kept in memory
    // between pages, and must still never show a name that is gone.
    db.prepare('UPDATE genres SET name = ? WHERE id = ?').run('防災・減災', top);
    expect((await label(top)).text()).toBe('防災・減災');
    const child = createGenre(db, '避難所運営', top);
    expect((await label(child)).text()).toBe('避難所運営');
    db.prepare('DELETE FROM genres WHERE id = ?').run(child);
    expect((await label(child)).length).toBe(0);
  });

  it('the genre tree › a name with markup in it is shown as text, in the form and on the refine panel', async () => {
    const { app, db } = createTestPortal();
    const name = '<img src=x onerror=alert(1)>&"\'';
    const id = createGenre(db, name);
    for (const [path, prefix] of [['/search', ''], ['/search/results', 'refine-']] as const) {
      const res = await request(app).get(path);
      expect(res.text).not.toContain('<img src=x');
      expect($(res.text)(`label[for="${prefix}genre-${id}"]`).text()).toBe(name);
    }
  });

  it('info types and the keyword › the three types as labelled checkboxes and a q field, submitting GET /search/results', async () => {
    const { app } = createTestPortal();
    const doc = $((await request(app).get('/search')).text);
    const form = doc('form[action="/search/results"]');
    expect(form.attr('method')).toBe('get');
    expect(form.find('input[name="type"]').map((_, el) => doc(`label[for="${doc(el).attr('id')}"]`).text()).get())
      .toEqual(['製品・サービス情報', '事例情報', '人材情報']);
    expect(form.find('input[name="q"]').length).toBe(1);
    expect(doc('nav[aria-label="パンくずリスト"]').text()).toContain('検索画面');
  });

  it('新着情報 › the newest published entries', async () => {
    const { app, db } = createTestPortal();
    const vendor = createUser(db, 'vendor');
    const ids = Array.from({ length: 12 }, () => createEntry(db, vendor)).reverse();
    const res = await request(app).get('/search');
    expect(listedIds(res.text)).toEqual(ids.slice(0, 10));
  });
});
