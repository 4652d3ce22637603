import { stringifyCsv } from '../../csv.js';
import { formatSlashDate } from '../../text.js';
import type { ExportRow } from './search.repository.js';

/** An entry's genres as the CSV lists them: by path, in the tree's order. */
export type GenreLabels = { path: (id: number) => string; treeRank: (id: number) => number };

/** The columns an officer's memo needs (issue 9), in Japanese, as Excel shows them. */
export const RESULT_CSV_HEADER = [
  '情報種別', 'タイトル', '概要', '会社・団体名', '部署', '担当者', '電話番号', 'メールアドレス', 'ジャンル', '更新日', '詳細ページのURL',
];

/**
 * Rows of the result-set CSV (formula-safe, CRLF: see stringifyCsv). The caller writes the BOM and the
 * header once, then calls this per chunk of rows.
 */
export function resultCsvRows(rows: ExportRow[], genres: GenreLabels, detailUrl: (id: number) => string): string {
  return stringifyCsv(
    rows.map((r) => [
      r.typeName, r.title, r.summary, r.contactCompany, r.contactDepartment, r.contactName, r.contactPhone, r.contactEmail,
      (JSON.parse(r.genreIds) as number[]).sort((a, b) => genres.treeRank(a) - genres.treeRank(b)).map(genres.path).join('、'),
      formatSlashDate(r.updatedAt), detailUrl(r.id),
    ]),
  );
}

export function resultCsvHeader(): string {
  return `\uFEFF${stringifyCsv([RESULT_CSV_HEADER])}`;
}
