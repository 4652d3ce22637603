import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createEntry, createUser } from '../helpers/factories.js';
import { $, hitCount, listedIds } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

/** A seeded generator, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

// Words of one, two, three and four characters, so every index path is taken; none a part of another.
const WORDS = ['市', '防災', '避難所', '地図情報'];

describe('sort=relevance (http-contract.md, "Keyword search quality")', () => {
  it('random entries and keywords: more of the words in the title first, then the newest, page after page; the default order unchanged', async () => {
    const random = rng(20261203);
    const { app, db } = createTestPortal();
    const vendor = createUser(db, 'vendor');
    const some = () => WORDS.filter(() => random() < 0.4).join('と');
    const day = (n: number) => new Date(Date.parse('2026-06-01T00:00:00Z') + n * 3_600_000).toISOString();
    const entries = Array.from({ length: 70 }, () => {
      const title = `案内${some()}`;
      const summary = `概要${some()}です。`;
      return { title, summary, id: createEntry(db, vendor, { title, summary, updatedAt: day(Math.floor(random() * 60)) }) };
    });
    const updated = new Map(db.prepare('SELECT id, updated_at FROM entries').raw().all() as [number, string][]);
    const newestFirst = (a: { id: number }, b: { id: number }) => updated.get(b.id)!.localeCompare(updated.get(a.id)!) || b.id - a.id;

    for (let round = 0; round < 12; round++) {
      const words = WORDS.filter(() => random() < 0.45).slice(0, 2);
      if (words.length === 0) words.push(WORDS[round % WORDS.length]!);
      const hits = entries.filter((e) => words.every((w) => e.title.includes(w) || e.summary.includes(w)));
      const inTitle = (e: (typeof entries)[number]) => words.filter((w) => e.title.includes(w)).length;
      const expected = [...hits].sort((a, b) => inTitle(b) - inTitle(a) || newestFirst(a, b)).map((e) => e.id);
      const q = encodeURIComponent(words.join(' '));
      const got: number[] = [];
      for (let page = 1; page <= Math.max(1, Math.ceil(hits.length / 30)); page++) {
        const res = await request(app).get(`/search/results?q=${q}&sort=relevance&page=${page}`);
        expect(hitCount(res.text)).toBe(hits.length);
        got.push(...listedIds(res.text));
      }
      expect({ words, ids: got }).toEqual({ words, ids: expected });
      const byDate = await request(app).get(`/search/results?q=${q}`);
      expect(listedIds(byDate.text)).toEqual([...hits].sort(newestFirst).slice(0, 30).map((e) => e.id));
    }
  });

  it('the page offers both orders, keeps the choice when refining and paging, and ignores it without a keyword', async () => {
    const { app, db } = createTestPortal();
    const vendor = createUser(db, 'vendor');
    const older = createEntry(db, vendor, { title: '防災行政無線', summary: '更新します。', updatedAt: '2026-01-01T00:00:00.000Z' });
    const newer = createEntry(db, vendor, { title: '庁舎の案内', summary: '防災の情報も出します。', updatedAt: '2026-02-01T00:00:00.000Z' });
    const byDate = $((await request(app).get(`/search/results?q=${encodeURIComponent('防災')}`)).text);
    expect(byDate('.result-order strong').text()).toBe('更新日の新しい順');
    const link = byDate('.result-order a').attr('href')!;
    expect(link).toContain('sort=relevance');
    const relevance = await request(app).get(link);
    expect(listedIds(relevance.text)).toEqual([older, newer]);
    expect($(relevance.text)('.hit-count').text()).toContain('キーワードに合う順');
    expect($(relevance.text)('form.refine input[name="sort"]').val()).toBe('relevance');
    // Without a keyword there is nothing to be relevant to: the date order, no choice offered.
    const plain = await request(app).get('/search/results?sort=relevance');
    expect(listedIds(plain.text)).toEqual([newer, older]);
    expect($(plain.text)('.result-order').length).toBe(0);
    const bad = await request(app).get(`/search/results?q=a&sort=${encodeURIComponent('popular')}`);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('並び順の指定が正しくありません。');
  });
});
