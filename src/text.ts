/**
 * Text helpers with the domain's rules for Japanese text.
 */

const graphemes = new Intl.Segmenter('ja', { granularity: 'grapheme' });

/** The head of a summary as a reader counts characters (graphemes, not UTF-16 units), then 「…」. */
export function summaryHead(text: string, length = 30): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  // Segment lazily and stop at length + 1: a list page must not segment thirty whole summaries.
  let count = 0;
  for (const { index } of graphemes.segment(flat)) {
    if (count === length) return `${flat.slice(0, index)}…`;
    count++;
  }
  return flat;
}

/** Full-width and half-width forms compare equal after NFKC; case is folded too. */
export function normalizeForSearch(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

const dateTimeParts = new Intl.DateTimeFormat('ja-JP', {
  timeZone: 'Asia/Tokyo',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function tokyoParts(value: string | Date): Record<string, string> {
  const date = typeof value === 'string' ? new Date(value) : value;
  return Object.fromEntries(dateTimeParts.formatToParts(date).map((p) => [p.type, p.value]));
}

/** 「2026年11月26日 13:11」 in Asia/Tokyo, as the contract shows dates. */
export function formatDateTime(value: string | Date): string {
  const p = tokyoParts(value);
  return `${p.year}年${p.month}月${p.day}日 ${p.hour}:${p.minute}`;
}

/** 「2026年11月26日」 in Asia/Tokyo. */
export function formatDate(value: string | Date): string {
  const p = tokyoParts(value);
  return `${p.year}年${p.month}月${p.day}日`;
}
