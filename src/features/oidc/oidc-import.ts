import { fromFormulaSafe, stringifyCsv } from '../../csv.js';
import { csvRecords, problemAt, type ImportProblem } from '../admin/admin-csv.js';
import { OIDC_SUBJECT } from './oidc.schemas.js';

/** The bulk link's columns: the account's login ID and its subject at the issuer ('' removes its link). */
export const LINK_COLUMNS = ['login_id', 'subject'] as const;
export type LinkColumn = (typeof LINK_COLUMNS)[number];
export type LinkProblem = ImportProblem<LinkColumn>;

/** The export adds these, for the person filling the file in; the import reads past them. */
const REFERENCE_COLUMNS = ['organisation', 'name'] as const;

export type LinkRow = { rowNumber: number; loginId: string; subject: string };

const MAX_ROWS = 20_000;

/**
 * Parses the file: the header must begin with login_id,subject (the export's reference columns after
 * them are read past), then every row (row 1 is the header). The rows that could be read and the
 * problems of the others, so that the accounts check can add its own to one list.
 */
export function parseLinkCsv(bytes: Buffer): { rows: LinkRow[]; errors: LinkProblem[] } {
  const fileProblem = (message: string) => ({ rows: [], errors: [problemAt<LinkColumn>([], null, null, message)] });
  const read = csvRecords(bytes);
  if ('unreadable' in read) return fileProblem(read.unreadable);
  const [header, ...data] = read.records;
  const columns = (header ?? []).map((h) => h.trim());
  if (columns[0] !== 'login_id' || columns[1] !== 'subject') return fileProblem('1行目（見出し）は login_id,subject で始めてください。');
  if (data.length === 0) return fileProblem('取り込む行がありません。');
  if (data.length > MAX_ROWS) return fileProblem(`一度に取り込めるのは${MAX_ROWS.toLocaleString('ja-JP')}行までです。`);

  const rows: LinkRow[] = [];
  const errors: LinkProblem[] = [];
  const at = (row: number, column: LinkColumn | null, message: string) => errors.push(problemAt(columns, row, column, message));
  data.forEach((record, i) => {
    const rowNumber = i + 2;
    if (record.length < 2) return at(rowNumber, null, `列の数が${record.length}です（少なくとも login_id と subject の2列が必要です）`);
    const loginId = fromFormulaSafe(record[0]!).trim();
    const subject = fromFormulaSafe(record[1]!).trim();
    if (loginId === '') at(rowNumber, 'login_id', 'login_id（ログインID）が空です');
    const checked = OIDC_SUBJECT.safeParse(subject);
    if (!checked.success) at(rowNumber, 'subject', checked.error.issues[0]!.message);
    if (loginId !== '' && checked.success) rows.push({ rowNumber, loginId, subject });
  });
  return { rows, errors };
}

/** Every account with its link (or an empty subject), in the import's format plus reference columns. */
export function linkCsv(accounts: { loginId: string; subject: string; organisation: string; name: string }[]): string {
  return stringifyCsv(accounts.map((a) => ({ login_id: a.loginId, subject: a.subject, organisation: a.organisation, name: a.name })), {
    header: true, columns: [...LINK_COLUMNS, ...REFERENCE_COLUMNS], bom: true,
  });
}
