import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createEntry, createUser } from '../helpers/factories.js';
import { hitCount, listedIds } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';
import { bigrams, isBigramTerm } from '../../src/text.js';

describe('two-character keywords', () => {
  it('the pair text: adjacent token characters only, never across spaces or punctuation', () => {
    expect(bigrams('防災の新')).toBe('防災 災の の新');
    expect(bigrams('ai・防災 ok')).toBe('ai 防災 ok');
    expect(isBigramTerm('防災')).toBe(true);
    expect(isBigramTerm('・防')).toBe(false);
    expect(isBigramTerm('防')).toBe(false);
  });

  it('found through the pair index exactly where the text contains them, in title or summary, full- and half-width alike', async () => {
    const { app, db } = createTestPortal();
    const vendor = createUser(db, 'vendor');
    const title = createEntry(db, vendor, { title: '防災無線の更新', summary: '自治体向けです。' });
    const summary = createEntry(db, vendor, { title: '見守りサービス', summary: '高齢者の見守りとＡＩ防災アラート。' });
    const across = createEntry(db, vendor, { title: '名簿管理は防', summary: '災害に強い。' });
    createEntry(db, vendor, { title: '観光アプリ', summary: '多言語対応。' });
    const ids = async (q: string) => listedIds((await request(app).get(`/search/results?q=${encodeURIComponent(q)}`)).text).sort((a, b) => a - b);
    expect(await ids('防災')).toEqual([title, summary].sort((a, b) => a - b));
    expect(await ids('ai')).toEqual([summary]);
    expect(await ids('ＡＩ')).toEqual([summary]);
    // The title's last character and the summary's first do not make a pair.
    expect(await ids('防災 名簿')).toEqual([]);
    expect(await ids('名簿')).toEqual([across]);
    // A pair with punctuation in it is still found, by the scan.
    expect(await ids('と・')).toEqual([]);
    expect(await ids('す。')).toEqual([title]);
  });

  it('entries written before the pair index existed are filled in when the portal starts', async () => {
    const portal = createTestPortal();
    const vendor = createUser(portal.db, 'vendor');
    const id = createEntry(portal.db, vendor, { title: '子育て支援アプリ' });
    // A database from before the pair index: no pairs, and (migration 0021) text of folding version 1.
    portal.db.prepare('DELETE FROM entry_bigrams').run();
    portal.db.prepare(`UPDATE settings SET value = '1' WHERE key = 'search_text_version'`).run();
    expect(hitCount((await request(portal.app).get(`/search/results?q=${encodeURIComponent('子育')}`)).text)).toBe(0);
    const restarted = portal.restart();
    expect(listedIds((await request(restarted).get(`/search/results?q=${encodeURIComponent('子育')}`)).text)).toEqual([id]);
    expect(portal.db.prepare('SELECT count(*) FROM entry_bigrams').pluck().get()).toBe(1);
  });
});
