import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, markTerms, normalizeForSearch, summaryHead } from '../../src/text.js';

const segmenter = new Intl.Segmenter('ja', { granularity: 'grapheme' });
const reference = (text: string, n = 30) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  const parts = Array.from(segmenter.segment(flat), (s) => s.segment);
  return parts.length <= n ? flat : `${parts.slice(0, n).join('')}…`;
};

describe('summaryHead', () => {
  it('agrees with a full grapheme segmentation on random mixes of kanji, kana, Latin, emoji and combining marks', () => {
    const pool = ['防', '災', 'あ', 'カ', 'ｶ', 'ﾞ', 'ｶﾞ', 'か\u3099', 'A', 'z', '1', 'Ａ', '１', '👨‍👩‍👧', '😀', 'e\u0301', ' ', '\n', '。', 'ー', '𠮷', '한'];
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: Math.floor(random() * 45) }, () => pool[Math.floor(random() * pool.length)]).join('');
      expect(summaryHead(text)).toBe(reference(text));
    }
  });

  it('cuts at 30 characters with 「…」 and leaves 30 or fewer whole', () => {
    expect(summaryHead('あ'.repeat(31))).toBe(`${'あ'.repeat(30)}…`);
    expect(summaryHead('あ'.repeat(30))).toBe('あ'.repeat(30));
  });
});

describe('dates in Asia/Tokyo', () => {
  it('formatDateTime and formatDate agree with Intl for instants across years, month ends and midnight', () => {
    const intl = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    for (let t = Date.parse('1999-12-31T14:30:00Z'); t < Date.parse('2031-01-01T00:00:00Z'); t += 7_777_777_7) {
      const p = Object.fromEntries(intl.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
      const iso = new Date(t).toISOString();
      expect(formatDateTime(iso)).toBe(`${p.year}年${p.month}月${p.day}日 ${p.hour}:${p.minute}`);
      expect(formatDate(iso)).toBe(`${p.year}年${p.month}月${p.day}日`);
    }
    expect(formatDateTime('2026-11-26T04:11:00.000Z')).toBe('2026年11月26日 13:11');
    expect(formatDate('2026-12-31T15:00:00.000Z')).toBe('2027年1月1日');
  });
});

describe('normalizeForSearch', () => {
  it('folds full-width to half-width and case', () => {
    expect(normalizeForSearch('ＤＸ推進　ＡＩ')).toBe('dx推進 ai');
    expect(normalizeForSearch('ｶﾞｲﾄﾞ')).toBe('ガイド');
  });
});

describe('markTerms', () => {
  const marked = (text: string, terms: string[]) => markTerms(text, terms).map((p) => (p.mark ? `[${p.text}]` : p.text)).join('');

  it('marks every occurrence of every term, full- and half-width alike, and gives the text back unchanged', () => {
    expect(marked('防災アプリと防災無線', ['防災'])).toBe('[防災]アプリと[防災]無線');
    expect(marked('ＡＩ窓口とai相談', ['ai'])).toBe('[ＡＩ]窓口と[ai]相談');
    expect(marked('避難所の受付', ['避難所', '受付'])).toBe('[避難所]の[受付]');
    expect(marked('防災無線', ['災無'])).toBe('防[災無]線');
    expect(markTerms('防災🙂アプリ', ['アプリ']).map((p) => p.text).join('')).toBe('防災🙂アプリ');
  });

  it('overlapping terms make one mark; no terms or no match leave the text whole', () => {
    expect(marked('子育て支援', ['子育', '育て支'])).toBe('[子育て支]援');
    expect(markTerms('防災', [])).toEqual([{ text: '防災', mark: false }]);
    expect(markTerms('防災', ['観光'])).toEqual([{ text: '防災', mark: false }]);
  });
});
