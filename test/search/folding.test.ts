import * as cheerio from 'cheerio';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { searchRepository } from '../../src/features/search/search.repository.js';
import { createEntry, createUser } from '../helpers/factories.js';
import { hitCount, listedIds } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

/** A seeded generator, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

// The reference: characters that must compare equal, written out here rather than computed the way
// src/search-fold.ts does it. Each class is one "unit"; an entry or a query is a row of units, each
// spelt by any member of its class. Every member is one character, so positions line up.
const HIRAGANA = 'あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんがぎぐげござじずぜぞだでどばびぶべぼぱぴぷぺぽぁぃぅぇぉっゃゅょ';
const KATAKANA = 'アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンガギグゲゴザジズゼゾダデドバビブベボパピプペポァィゥェォッャュョ';
const HALF_WIDTH: Record<string, string> = { ア: 'ｱ', イ: 'ｲ', ウ: 'ｳ', カ: 'ｶ', キ: 'ｷ', ク: 'ｸ', サ: 'ｻ', シ: 'ｼ', タ: 'ﾀ', ナ: 'ﾅ', ハ: 'ﾊ', マ: 'ﾏ', ラ: 'ﾗ', ン: 'ﾝ' };
const CLASSES: string[][] = [
  ...[...HIRAGANA].map((h, i) => [h, KATAKANA[i]!, ...(HALF_WIDTH[KATAKANA[i]!] ? [HALF_WIDTH[KATAKANA[i]!]!] : [])]),
  ['高', '髙'], ['崎', '﨑'], ['辺', '邊', '邉'], ['斎', '齋', '齊'], ['沢', '澤'], ['浜', '濱'], ['広', '廣'], ['徳', '德'],
  ['a', 'A', 'ａ', 'Ａ'], ['ー', 'ｰ'], ['市'], ['町'], ['防'], ['災'],
];

describe('keyword folding: kana, width and variant kanji (http-contract.md, "Keyword search quality")', () => {
  it('for random entries and random queries in hiragana, katakana, half-width and variant forms, the hits equal the reference', async () => {
    const random = rng(20261202);
    const { app, db } = createTestPortal();
    const vendor = createUser(db, 'vendor');
    // Few classes per run, so that random queries also hit entries they were not cut from.
    const pool = Array.from({ length: 14 }, () => Math.floor(random() * CLASSES.length));
    const unit = () => pool[Math.floor(random() * pool.length)]!;
    const spell = (units: number[]) => units.map((u) => CLASSES[u]![Math.floor(random() * CLASSES[u]!.length)]).join('');
    const entries = Array.from({ length: 25 }, () => {
      const units = Array.from({ length: 4 + Math.floor(random() * 9) }, unit);
      // The summary holds none of the classes' characters, so only the title decides.
      return { units, id: createEntry(db, vendor, { title: spell(units), summary: '概要' }) };
    });
    const contains = (haystack: number[], needle: number[]) =>
      haystack.some((_, at) => needle.every((u, k) => haystack[at + k] === u));

    for (let round = 0; round < 60; round++) {
      // Terms cut from an entry (so at least it matches) or made up; one or two of them.
      const term = (): number[] => {
        const length = 1 + Math.floor(random() * 4);
        if (random() < 0.3) return Array.from({ length }, unit);
        const { units } = entries[Math.floor(random() * entries.length)]!;
        const at = Math.floor(random() * Math.max(1, units.length - length + 1));
        return units.slice(at, at + length);
      };
      const terms = random() < 0.3 ? [term(), term()] : [term()];
      const q = terms.map(spell).join(' ');
      const expected = entries.filter((e) => terms.every((t) => contains(e.units, t))).map((e) => e.id).sort((a, b) => a - b);
      const page = (await request(app).get(`/search/results?q=${encodeURIComponent(q)}`)).text;
      expect({ q, ids: listedIds(page).sort((a, b) => a - b), total: hitCount(page) }).toEqual({ q, ids: expected, total: expected.length });
    }
  });

  it('ひなんなび finds ヒナンナビ, 高橋 finds 髙橋 and back, and the mark covers exactly what matched', async () => {
    const { app, db } = createTestPortal();
    const vendor = createUser(db, 'vendor');
    const hinan = createEntry(db, vendor, { title: '避難所案内アプリ「ヒナンナビ」', summary: '避難所の開設状況を地図で表示します。' });
    const takahashi = createEntry(db, vendor, { title: '髙橋システムの窓口支援', summary: '山﨑市・渡邉町で導入。齋藤が担当します。' });
    const kasumi = createEntry(db, vendor, { title: '霞ヶ関の庁舎案内', summary: '𠮷野の例も紹介します。' });
    const ids = async (q: string) => listedIds((await request(app).get(`/search/results?q=${encodeURIComponent(q)}`)).text);
    expect(await ids('ひなんなび')).toEqual([hinan]);
    expect(await ids('ﾋﾅﾝﾅﾋﾞ')).toEqual([hinan]);
    for (const q of ['高橋', '髙橋', '山崎', '渡辺', '渡邊', '斎藤', '斉藤', '齊藤']) expect(await ids(q), q).toEqual([takahashi]);
    expect(await ids('霞ケ関')).toEqual([kasumi]);
    expect(await ids('吉野')).toEqual([kasumi]);

    const marks = async (q: string, entry: number) => {
      const $ = cheerio.load((await request(app).get(`/search/results?q=${encodeURIComponent(q)}`)).text);
      return $(`[data-entry-id="${entry}"] mark`).map((_, m) => $(m).text()).get();
    };
    expect(await marks('ひなんなび', hinan)).toEqual(['ヒナンナビ']);
    expect(await marks('高橋 渡辺', takahashi)).toEqual(['髙橋', '渡邉']);
    // A variant outside the Basic Multilingual Plane: the row is cut character by character.
    expect(await marks('吉野', kasumi)).toEqual(['𠮷野']);
  });

  it('text indexed by older code is folded again once at start-up, and never again', async () => {
    const portal = createTestPortal();
    const vendor = createUser(portal.db, 'vendor');
    const id = createEntry(portal.db, vendor, { title: '防災アプリ', summary: '避難所を案内します。' });
    // What version 1 stored: NFKC and lower case only, katakana left as written.
    portal.db.prepare(`UPDATE entry_search SET title = 'ヒナンナビ' WHERE rowid = ?`).run(id);
    portal.db.prepare(`UPDATE entry_bigrams SET text = 'ヒナ ナン ンナ ナビ' WHERE rowid = ?`).run(id);
    portal.db.prepare(`UPDATE settings SET value = '1' WHERE key = 'search_text_version'`).run();

    const restarted = portal.restart();
    for (const q of ['ひなんなび', 'ひな', 'ナビ']) {
      expect(listedIds((await request(restarted).get(`/search/results?q=${encodeURIComponent(q)}`)).text), q).toEqual([id]);
    }
    expect(portal.db.prepare(`SELECT value FROM settings WHERE key = 'search_text_version'`).pluck().get()).toBe('2');
    expect(portal.db.prepare('SELECT title FROM entry_search WHERE rowid = ?').pluck().get(id)).toBe('ひなんなび');
    expect(searchRepository(portal.db).upgradeSearchText(new Date().toISOString())).toBe(0);
  });

  it('a fresh database starts at the current folding: nothing to rewrite', () => {
    const { db } = createTestPortal();
    expect(db.prepare(`SELECT value FROM settings WHERE key = 'search_text_version'`).pluck().get()).toBe('2');
    expect(searchRepository(db).upgradeSearchText(new Date().toISOString())).toBe(0);
  });
});
