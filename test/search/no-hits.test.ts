import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createEntry, createGenre, createUser, TYPE } from '../helpers/factories.js';
import { $, hitCount } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

/** The suggestions of a page that found nothing: reason → [count shown, hits of the linked page]. */
async function alternatives(app: Parameters<typeof request>[0], path: string) {
  const page = await request(app).get(path);
  expect(hitCount(page.text)).toBe(0);
  const doc = $(page.text);
  const found: Record<string, [number, number | undefined]> = {};
  for (const li of doc('[data-alternative]').toArray()) {
    const href = doc(li).find('a').attr('href')!;
    found[doc(li).attr('data-alternative')! + (doc(li).attr('data-alternative') === 'word' ? `:${doc(li).find('a').text()}` : '')] =
      [Number(doc(li).attr('data-alternative-count')), hitCount((await request(app).get(href)).text)];
  }
  return found;
}

describe('a search that finds nothing offers what would find something (issue 20.5)', () => {
  const portal = () => {
    const { app, db } = createTestPortal();
    const vendor = createUser(db, 'vendor');
    const disaster = createGenre(db, '防災');
    const tourism = createGenre(db, '観光');
    createEntry(db, vendor, { title: '防災行政無線', typeId: TYPE.product, genreIds: [disaster] });
    createEntry(db, vendor, { title: '観光案内アプリ', typeId: TYPE.case, genreIds: [tourism] });
    return { app, disaster, tourism };
  };

  it('each condition left out, with the count it gives and a link that gives it; only those that find something', async () => {
    const { app, tourism } = portal();
    const found = await alternatives(app, `/search/results?genre=${tourism}&type=${TYPE.product}&q=${encodeURIComponent('防災')}`);
    // Without the genre: 防災 among products, 1. Without the type: 防災 in 観光, 0, so not offered.
    expect(found).toEqual({ genre: [1, 1], 'keyword-only': [1, 1] });
  });

  it('a keyword of several words: each word left out', async () => {
    const { app } = portal();
    const found = await alternatives(app, `/search/results?q=${encodeURIComponent('防災 観光')}`);
    expect(found).toEqual({ 'word:キーワードから「防災」を外す': [1, 1], 'word:キーワードから「観光」を外す': [1, 1] });
  });

  it('the thesaurus turned off: turning it back on is offered, with its words', async () => {
    const { app } = portal();
    const page = await request(app).get(`/search/results?q=${encodeURIComponent('災害対策')}&synonyms=0`);
    expect($(page.text)('[data-alternative="synonyms"] a').text()).toBe('同じ意味の言葉（「防災」「減災」）も含める');
    expect(await alternatives(app, `/search/results?q=${encodeURIComponent('災害対策')}&synonyms=0`)).toEqual({ synonyms: [1, 1] });
  });

  it('nothing that would help: no suggestions, the general advice only', async () => {
    const { app } = portal();
    const page = await request(app).get(`/search/results?q=${encodeURIComponent('存在しない言葉')}`);
    expect($(page.text)('.search-alternatives').length).toBe(0);
    expect($(page.text)('.notice').text()).toContain('条件に合う情報は見つかりませんでした');
  });
});
