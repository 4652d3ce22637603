import { stringify, type Options } from 'csv-stringify/sync';

/**
 * Spreadsheet programs run a cell that begins with one of these as a formula (=HYPERLINK(…), +cmd|…,
 * -2+3, @SUM(…)); a leading tab or carriage return is read past the same way. Contract: Trust rules.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;

/**
 * A cell's text as the portal writes it: with one leading "'" where a spreadsheet would run it, so
 * Excel shows the text and runs nothing. Text that already begins with "'" before such a character
 * gets one more, so that the import's removal of exactly one gives back the original.
 */
export function formulaSafe(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The inverse of formulaSafe, for the import: removes exactly the one "'" the export added. */
export function fromFormulaSafe(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

/**
 * Every CSV the portal writes goes through here: each cell formula-safe, CRLF line ends (Excel's),
 * and quotes only where a cell holds a comma, a quote or a line break.
 */
export function stringifyCsv(records: unknown[], options: Omit<Options, 'cast' | 'record_delimiter' | 'quoted_match'> = {}): string {
  return stringify(records, {
    ...options,
    record_delimiter: 'windows',
    quoted_match: /[",\r\n]/,
    cast: { string: (value) => formulaSafe(value) },
  });
}
