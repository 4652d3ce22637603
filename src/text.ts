/**
 * Text helpers with the domain's rules for Japanese text.
 */
import { foldForSearch } from './search-fold.js';

const graphemes = new Intl.Segmenter('ja', { granularity: 'grapheme' });

/** Characters that are always a grapheme of their own: no surrogates, combining marks or joiners. */
const SIMPLE_TEXT = /^[\u0020-\u007e\u00a0-\u024f\u3000-\u3098\u309b-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff9d\uffa0-\uffef]*$/;

/** The head of a summary as a reader counts characters (graphemes, not UTF-16 units), then 「…」. */
export function summaryHead(text: string, length = 30): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  // Fast path for the usual Japanese text: when the head is made only of characters that are each a
  // grapheme on their own and never join the next (ASCII, Latin, kana without combining marks, kanji,
  // full-width forms), characters and UTF-16 units coincide. A list page renders 30 summaries, and
  // Intl.Segmenter costs about a tenth of the whole request.
  const head = flat.slice(0, length + 1);
  if (SIMPLE_TEXT.test(head)) return flat.length <= length ? flat : `${flat.slice(0, length)}…`;
  // Otherwise segment lazily and stop at length + 1.
  let count = 0;
  for (const { index } of graphemes.segment(flat)) {
    if (count === length) return `${flat.slice(0, index)}…`;
    count++;
  }
  return flat;
}

/**
 * Full-width and half-width forms compare equal after NFKC; case is folded too. What the CSV import
 * compares genre paths by; the keyword search folds further (foldForSearch).
 */
export function normalizeForSearch(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** A keyword as the searches use it: folded (search-fold.ts), split on spaces, each term once. */
export function keywordTerms(q: string): string[] {
  return [...new Set(foldForSearch(q).split(' ').filter((t) => t !== ''))];
}

/** Characters whose folded form may not line up unit for unit with the source. */
const UNALIGNED = /[\u{10000}-\u{10ffff}]|\p{Variation_Selector}/u;

/**
 * The text cut where any of the (folded) terms occurs, for <mark> on a results row; the parts
 * joined give the text back unchanged. Each character is folded on its own, so a match that only
 * exists across characters NFKC joins (ｶ + ﾞ) goes unmarked: the row is still right, just plainer.
 */
export function markTerms(text: string, terms: readonly string[]): { text: string; mark: boolean }[] {
  if (terms.length === 0 || text === '') return [{ text, mark: false }];
  // Usual Japanese text is already NFKC, has no surrogate pairs or variation selectors (the only
  // characters folding drops or shortens) and so folds unit for unit: match in place.
  if (text.normalize('NFKC') === text && !UNALIGNED.test(text)) {
    const folded = foldForSearch(text);
    if (folded.length === text.length) return partsOf(text, markedUnits(folded, terms));
  }
  const chars = [...text];
  let normalised = '';
  const charAt: number[] = []; // normalised UTF-16 index → index in chars
  chars.forEach((c, i) => {
    const n = foldForSearch(c);
    for (let k = 0; k < n.length; k++) charAt.push(i);
    normalised += n;
  });
  const marked = new Uint8Array(chars.length);
  markedUnits(normalised, terms).forEach((m, k) => {
    if (m === 1) marked[charAt[k]!] = 1;
  });
  return partsOf(chars, marked);
}

/** Which UTF-16 units of `normalised` fall inside an occurrence of a term. */
function markedUnits(normalised: string, terms: readonly string[]): Uint8Array {
  const marked = new Uint8Array(normalised.length);
  for (const term of terms) {
    for (let at = normalised.indexOf(term); at !== -1; at = normalised.indexOf(term, at + 1)) marked.fill(1, at, at + term.length);
  }
  return marked;
}

/** Runs of marked and unmarked pieces (characters, or the UTF-16 units of a string: a term never splits a pair). */
function partsOf(pieces: string | string[], marked: Uint8Array): { text: string; mark: boolean }[] {
  const parts: { text: string; mark: boolean }[] = [];
  let start = 0;
  for (let i = 1; i <= marked.length; i++) {
    if (i < marked.length && marked[i] === marked[start]) continue;
    parts.push({ text: typeof pieces === 'string' ? pieces.slice(start, i) : pieces.slice(start, i).join(''), mark: marked[start] === 1 });
    start = i;
  }
  return parts;
}

const TOKYO_OFFSET_MS = 9 * 60 * 60_000;

/**
 * Calendar fields in Asia/Tokyo. Japan has kept UTC+9 without daylight saving since 1951, so plain
 * arithmetic is exact, and much cheaper than Intl.DateTimeFormat on every list row.
 */
function tokyoParts(value: string | Date) {
  const d = new Date((typeof value === 'string' ? Date.parse(value) : value.getTime()) + TOKYO_OFFSET_MS);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: String(d.getUTCHours()).padStart(2, '0'),
    minute: String(d.getUTCMinutes()).padStart(2, '0'),
  };
}

/** 「2026年11月26日 13:11」 in Asia/Tokyo, as the contract shows dates. */
export function formatDateTime(value: string | Date): string {
  const p = tokyoParts(value);
  return `${p.year}年${p.month}月${p.day}日 ${p.hour}:${p.minute}`;
}

/** 「13:11」 in Asia/Tokyo. */
export function formatTime(value: string | Date): string {
  const p = tokyoParts(value);
  return `${p.hour}:${p.minute}`;
}

/** 「2026年11月26日」 in Asia/Tokyo. */
export function formatDate(value: string | Date): string {
  const p = tokyoParts(value);
  return `${p.year}年${p.month}月${p.day}日`;
}

/** 「2026/11/26」 in Asia/Tokyo: the form Excel reads as a date in a Japanese CSV. */
export function formatSlashDate(value: string | Date): string {
  const p = tokyoParts(value);
  return `${p.year}/${String(p.month).padStart(2, '0')}/${String(p.day).padStart(2, '0')}`;
}

// One formatter for every count on a page: `n.toLocaleString('ja-JP')` builds a new one per call,
// which cost a 252-genre tree with counts about 3 ms.
const counts = new Intl.NumberFormat('ja-JP');

/** 「1,234」 */
export function formatCount(n: number): string {
  return n < 1000 && n > -1000 ? String(n) : counts.format(n);
}

/** Characters unicode61 keeps inside a token: a pair of them is one token of entry_bigrams. */
const TOKEN_CHAR = /^[\p{L}\p{N}]$/u;

/** Whether a two-character (normalised) term can be looked up in entry_bigrams. */
export function isBigramTerm(term: string): boolean {
  const chars = [...term];
  return chars.length === 2 && chars.every((c) => TOKEN_CHAR.test(c));
}

/** 「防災の新」 → 「防災 災の の新」: every adjacent pair of token characters, for entry_bigrams. */
export function bigrams(normalised: string): string {
  const chars = [...normalised];
  const pairs = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) {
    if (TOKEN_CHAR.test(chars[i]!) && TOKEN_CHAR.test(chars[i + 1]!)) pairs.add(chars[i]! + chars[i + 1]!);
  }
  return [...pairs].join(' ');
}

/** A size as people read it: 「1.2 GB」「340 MB」「12 KB」 (1024-based, as file managers show). */
export function formatBytes(bytes: number): string {
  const units = ['バイト', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} バイト` : `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** A duration in seconds as 「3日 4時間」「5時間 12分」「42分」. */
export function formatDuration(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  if (days > 0) return `${days}日 ${hours}時間`;
  if (hours > 0) return `${hours}時間 ${minutes}分`;
  return `${minutes}分`;
}

/** 「2026-12-02」: the date in Asia/Tokyo, as the usage tables keep it. */
export function tokyoDay(value: string | Date): string {
  const p = tokyoParts(value);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** The calendar year in Asia/Tokyo. */
export function tokyoYear(value: string | Date): number {
  return tokyoParts(value).year;
}
