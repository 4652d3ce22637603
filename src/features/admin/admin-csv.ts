import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { fromFormulaSafe, stringifyCsv } from '../../csv.js';
import { normalizeForSearch } from '../../text.js';
import { charCount, ROW_ID } from '../../validation.js';

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

const required = (label: string, max: number) => z.string().trim()
  .refine((v) => v !== '', `${label}が空です`).refine((v) => charCount(v) <= max, `${label}が${max}文字を超えています`);

export const csvRowSchema = z.object({
  id: z.string().trim().refine((v) => v === '' || ROW_ID.test(v), 'id は登録情報の番号（数字）か空にしてください')
    .transform((v) => (v === '' ? null : Number(v))),
  type: required('type（情報種別）', 50),
  title: required('title（タイトル）', 100),
  summary: required('summary（概要）', 4000),
  url: z.string().trim().refine((v) => v === '' || /^https?:\/\/\S+$/i.test(v), 'url は http:// または https:// で始まる必要があります'),
  genres: z.string().trim().transform((v) => v.split(';').map((p) => p.trim()).filter((p) => p !== ''))
    .refine((list) => list.length > 0, 'genres（ジャンル）が空です'),
  owner_org: required('owner_org（登録団体）', 100),
  contact_company: required('contact_company（会社名）', 100),
  contact_department: z.string().trim().refine((v) => charCount(v) <= 100, 'contact_department が100文字を超えています'),
  contact_name: required('contact_name（担当者名）', 100),
  contact_phone: required('contact_phone（電話番号）', 30),
  contact_email: z.string().trim().refine((v) => z.email().safeParse(v).success, 'contact_email の形式が正しくありません'),
  updated_at: z.string().trim().refine((v) => v === '' || (/^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v))), 'updated_at は ISO 8601 の日時で指定してください'),
});

export type ParsedCsvRow = z.infer<typeof csvRowSchema> & { rowNumber: number };

export type CsvColumn = (typeof EXPORT_COLUMNS)[number];

/**
 * One thing wrong with an import file, where it is: the row as Excel numbers it (1 = the header) and
 * the column, with the cell's Excel address (K501) when both are known. The message is Japanese.
 */
export type ImportProblem<Column extends string = CsvColumn> = { row: number | null; column: Column | null; cell: string | null; message: string };

/** The Excel column letters of the n-th column (0 → A, 25 → Z, 26 → AA). */
function columnLetters(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** A problem at a row (and a column of the file's header, if the problem is in one cell). */
export function problemAt<Column extends string = CsvColumn>(columns: readonly string[], row: number | null, column: Column | null, message: string): ImportProblem<Column> {
  const index = column === null ? -1 : columns.indexOf(column);
  return { row, column, cell: row !== null && index >= 0 ? `${columnLetters(index)}${row}` : null, message };
}

/** The summary line of each row with problems, in the order found: 「501行目：…、…」. */
export function problemLines(problems: ImportProblem<string>[]): string[] {
  const byRow = new Map<number | null, string[]>();
  for (const p of problems) byRow.set(p.row, [...(byRow.get(p.row) ?? []), p.message]);
  return [...byRow].map(([row, messages]) => (row === null ? messages.join('、') : `${row}行目：${messages.join('、')}`));
}

/**
 * An uploaded file's records as every import of the portal reads them (UTF-8, a BOM allowed, empty
 * lines skipped, rows of any length), or the message of why it is not CSV.
 */
export function csvRecords(bytes: Buffer): { records: string[][] } | { unreadable: string } {
  try {
    return { records: parse(bytes.toString('utf8'), { bom: true, skip_empty_lines: true, relax_column_count: true }) };
  } catch (error) {
    return { unreadable: `CSVとして読み取れません：${(error as Error).message.slice(0, 200)}` };
  }
}

/**
 * Parses the file: header check, then every row (row 1 is the header, so the first data row is 2).
 * Returns either all rows or every problem found, never a mix.
 */
export function parseCsv(bytes: Buffer): { rows: ParsedCsvRow[]; columns: readonly CsvColumn[] } | { errors: ImportProblem[] } {
  const fileProblem = (message: string) => ({ errors: [problemAt<CsvColumn>([], null, null, message)] });
  const read = csvRecords(bytes);
  if ('unreadable' in read) return fileProblem(read.unreadable);
  const [header, ...data] = read.records;
  const names = (header ?? []).map((h) => h.trim()).join(',');
  const columns: readonly CsvColumn[] | undefined = names === CSV_COLUMNS.join(',') ? CSV_COLUMNS : names === EXPORT_COLUMNS.join(',') ? EXPORT_COLUMNS : undefined;
  if (!columns) return fileProblem(`1行目（見出し）は ${CSV_COLUMNS.join(',')} にしてください（先頭に id 列があっても構いません）。`);
  if (data.length === 0) return fileProblem('取り込む行がありません。');
  if (data.length > 20_000) return fileProblem('一度に取り込めるのは20,000行までです。');
  const rows: ParsedCsvRow[] = [];
  const errors: ImportProblem[] = [];
  data.forEach((record, i) => {
    const rowNumber = i + 2;
    if (record.length !== columns.length) {
      errors.push(problemAt<CsvColumn>(columns, rowNumber, null, `列の数が${record.length}です（${columns.length}列必要です）`));
      return;
    }
    // The export made formula-like cells safe with one leading "'"; take exactly that one off again.
    const cells = Object.fromEntries(columns.map((c, j) => [c, fromFormulaSafe(record[j] ?? '')]));
    const parsed = csvRowSchema.safeParse({ id: '', ...cells });
    if (parsed.success) rows.push({ ...parsed.data, rowNumber });
    else for (const issue of parsed.error.issues) errors.push(problemAt(columns, rowNumber, issue.path[0] as CsvColumn, issue.message));
  });
  return errors.length > 0 ? { errors } : { rows, columns };
}

/** Genre paths as the CSV writes them: names from the top joined by '/'. */
export function pathKey(path: string): string {
  return normalizeForSearch(path.split('/').map((p) => p.trim()).join('/'));
}

/** What each column holds, for the guide on /admin/import (and the sample file's order). */
export const CSV_COLUMN_GUIDE: readonly { column: CsvColumn; label: string; required: string; description: string }[] = [
  { column: 'id', label: '登録情報の番号', required: '任意', description: '書き出したCSVの番号のままにすると、その登録情報を更新します。空にすると新規登録です。列ごと省いても構いません（そのときはすべて新規登録）。' },
  { column: 'type', label: '情報種別', required: '必須', description: '「情報種別の管理」にある名前と同じにします（例：製品・サービス情報、事例情報、人材情報）。' },
  { column: 'title', label: 'タイトル', required: '必須', description: '100文字まで。' },
  { column: 'summary', label: '概要', required: '必須', description: '4,000文字まで。セル内の改行はそのまま取り込みます。' },
  { column: 'url', label: 'URL', required: '任意', description: 'http:// または https:// で始まるアドレス。' },
  { column: 'genres', label: 'ジャンル', required: '必須', description: '上位から「/」でつないだジャンルの階層を、複数なら「;」で区切ります（例：防災/避難所運営;教育）。' },
  { column: 'owner_org', label: '登録団体', required: '必須', description: '「団体の管理」にある団体名と同じにします。ない団体は「ない団体を作成する」を選ぶと一般会員として作成します。' },
  { column: 'contact_company', label: '連絡先の会社名', required: '必須', description: '100文字まで。' },
  { column: 'contact_department', label: '連絡先の部署名', required: '任意', description: '100文字まで。' },
  { column: 'contact_name', label: '連絡先の担当者名', required: '必須', description: '100文字まで。' },
  { column: 'contact_phone', label: '連絡先の電話番号', required: '必須', description: '30文字まで（例：03-1234-5678）。' },
  { column: 'contact_email', label: '連絡先のメールアドレス', required: '必須', description: '例：info@example.jp' },
  { column: 'updated_at', label: '更新日時', required: '任意', description: '書き出したままにします。更新の行では、書き出したあとに会員が内容を変えた登録情報を上書きしないための確認に使います。新規登録の行では登録日時になります（空なら取り込んだ日時）。' },
];
