/**
 * Characters that change how a name is shown without being seen: C0 and C1 controls, the
 * bidirectional marks, embeddings, overrides and isolates (U+202E makes "report‮fdp.html" look like
 * "reporthtml.pdf"), zero-width characters and the BOM.
 */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

const MAX_CHARS = 120;

/**
 * The name an attachment is stored under and served with: its base name without invisible
 * characters, at most 120 characters, always ending in ".pdf". The content is checked to be a PDF,
 * but a file can be PDF and HTML at once; served as "report.html" it would open in a browser as a
 * page. With ".pdf" it opens as what it was checked to be.
 */
export function attachmentName(raw: string): string {
  const base = (raw.split(/[\\/]/).pop() ?? '').replace(INVISIBLE, '').trim().replace(/^\.+/, '');
  const stem = base.replace(/\.pdf$/i, '');
  const kept = [...stem].slice(0, MAX_CHARS - 4).join('').trim();
  return `${kept || '資料'}.pdf`;
}
