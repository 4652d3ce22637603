import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { fromFormulaSafe, stringifyCsv } from '../../csv.js';
import { normalizeForSearch } from '../../text.js';

/** The contract's import columns, in order. The export writes `id` before them (EXPORT_COLUMNS). */
export const CSV_COLUMNS = [
  'type', 'title', 'summary', 'url', 'genres', 'owner_org', 'contact_company', 'contact_department',
  'contact_name', 'contact_phone', 'contact_email', 'updated_at',
] as const;

export const EXPORT_COLUMNS = ['id', ...CSV_COLUMNS] as const;

export type CsvRow = Record<(typeof CSV_COLUMNS)[number], string> & { id?: string };

/**
 * UTF-8 with a BOM and CRLF line ends, so Excel opens it as Japanese text. With `withId` (the export)
 * the entry id comes first, so that the edited file re-imports as updates.
 */
export function toCsv(rows: CsvRow[], withId = false): string {
  return stringifyCsv(rows, { header: true, columns: withId ? [...EXPORT_COLUMNS] : [...CSV_COLUMNS], bom: true });
}

const chars = (s: string) => [...s].length;
const required = (label: string, max: number) => z.string().trim()
  .refine((v) => v !== '', `${label}が空です`).refine((v) => chars(v) <= max, `${label}が${max}文字を超えています`);

export const csvRowSchema = z.object({
  id: z.string().trim().refine((v) => v === '' || /^[1-9]\d{0,9}$/.test(v), 'id は登録情報の番号（数字）か空にしてください')
    .transform((v) => (v === '' ? null : Number(v))),
  type: required('type（情報種別）', 50),
  title: required('title（タイトル）', 100),
  summary: required('summary（概要）', 4000),
  url: z.string().trim().refine((v) => v === '' || /^https?:\/\/\S+$/i.test(v), 'url は http:// または https:// で始まる必要があります'),
  genres: z.string().trim().transform((v) => v.split(';').map((p) => p.trim()).filter((p) => p !== ''))
    .refine((list) => list.length > 0, 'genres（ジャンル）が空です'),
  owner_org: required('owner_org（登録団体）', 100),
  contact_company: required('contact_company（会社名）', 100),
  contact_department: z.string().trim().refine((v) => chars(v) <= 100, 'contact_department が100文字を超えています'),
  contact_name: required('contact_name（担当者名）', 100),
  contact_phone: required('contact_phone（電話番号）', 30),
  contact_email: z.string().trim().refine((v) => z.email().safeParse(v).success, 'contact_email の形式が正しくありません'),
  updated_at: z.string().trim().refine((v) => v === '' || (/^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v))), 'updated_at は ISO 8601 の日時で指定してください'),
});

export type ParsedCsvRow = z.infer<typeof csvRowSchema> & { rowNumber: number };

/**
 * Parses the file: header check, then every row (row 1 is the header, so the first data row is 2).
 * Returns either all rows or every problem found, never a mix.
 */
export function parseCsv(bytes: Buffer): { rows: ParsedCsvRow[] } | { errors: string[] } {
  let records: string[][];
  try {
    records = parse(bytes.toString('utf8'), { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (error) {
    return { errors: [`CSVとして読み取れません：${(error as Error).message.slice(0, 200)}`] };
  }
  const [header, ...data] = records;
  const names = (header ?? []).map((h) => h.trim()).join(',');
  const columns: readonly string[] | undefined = names === CSV_COLUMNS.join(',') ? CSV_COLUMNS : names === EXPORT_COLUMNS.join(',') ? EXPORT_COLUMNS : undefined;
  if (!columns) {
    return { errors: [`1行目（見出し）は ${CSV_COLUMNS.join(',')} にしてください（先頭に id 列があっても構いません）。`] };
  }
  if (data.length === 0) return { errors: ['取り込む行がありません。'] };
  if (data.length > 20_000) return { errors: ['一度に取り込めるのは20,000行までです。'] };
  const rows: ParsedCsvRow[] = [];
  const errors: string[] = [];
  data.forEach((record, i) => {
    const rowNumber = i + 2;
    if (record.length !== columns.length) {
      errors.push(`${rowNumber}行目：列の数が${record.length}です（${columns.length}列必要です）`);
      return;
    }
    // The export made formula-like cells safe with one leading "'"; take exactly that one off again.
    const cells = Object.fromEntries(columns.map((c, j) => [c, fromFormulaSafe(record[j] ?? '')]));
    const parsed = csvRowSchema.safeParse({ id: '', ...cells });
    if (parsed.success) rows.push({ ...parsed.data, rowNumber });
    else errors.push(`${rowNumber}行目：${parsed.error.issues.map((x) => x.message).join('、')}`);
  });
  return errors.length > 0 ? { errors } : { rows };
}

/** Genre paths as the CSV writes them: names from the top joined by '/'. */
export function pathKey(path: string): string {
  return normalizeForSearch(path.split('/').map((p) => p.trim()).join('/'));
}
