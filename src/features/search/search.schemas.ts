import { z } from 'zod';
import { charCount, ROW_ID } from '../../validation.js';

/** Repeated query keys arrive as arrays, single ones as strings; both become a list of ids. */
export const idList = (message: string) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.string().regex(ROW_ID, message)).max(300, message))
    .transform((ids) => [...new Set(ids.map(Number))]);

export const MAX_KEYWORD_LENGTH = 100;

/**
 * A keyword field: one value, control characters and runs of spaces made single spaces (a NUL would
 * end an FTS5 query string early), at most MAX_KEYWORD_LENGTH characters.
 */
export const keywordField = () =>
  z
    .string({ message: 'キーワードは1つだけ指定してください。' })
    .optional()
    .transform((v) => (v ?? '').replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim())
    .pipe(z.string().refine((v) => charCount(v) <= MAX_KEYWORD_LENGTH, `キーワードは${MAX_KEYWORD_LENGTH}文字以内で入力してください。`));

/** A page number of a list: 1 when absent, a positive integer otherwise. */
export const pageField = () =>
  z
    .string({ message: 'ページ番号が正しくありません。' })
    .optional()
    .transform((v) => v ?? '1')
    .pipe(z.string().regex(/^[1-9]\d{0,5}$/, 'ページ番号が正しくありません。'))
    .transform(Number);

/** The search conditions of /search and /search/results (and the context carried to a detail page). */
export const searchQuerySchema = z.object({
  genre: idList('ジャンルの指定が正しくありません。'),
  type: idList('情報種別の指定が正しくありません。'),
  q: keywordField(),
  // synonyms=0: the keyword's words alone, without the thesaurus's (the results page links to it).
  synonyms: z.enum(['0'], { message: '同じ意味の言葉の指定が正しくありません。' }).optional().transform((v) => v !== '0'),
  // sort=relevance: with a keyword, the entries that hold its words in their titles first (issue 20.4).
  sort: z.enum(['relevance'], { message: '並び順の指定が正しくありません。' }).optional().transform((v) => v ?? 'updated'),
  page: pageField(),
});

export type SearchQuery = z.infer<typeof searchQuerySchema>;

/** The query string of a search, for links that keep the conditions (paging, back to the form, details). */
export function searchQueryString(query: Pick<SearchQuery, 'genre' | 'type' | 'q'> & { synonyms?: boolean; sort?: SearchQuery['sort']; page?: number }): string {
  const params = new URLSearchParams();
  for (const id of query.genre) params.append('genre', String(id));
  for (const id of query.type) params.append('type', String(id));
  if (query.q) params.set('q', query.q);
  if (query.q && query.synonyms === false) params.set('synonyms', '0');
  if (query.q && query.sort === 'relevance') params.set('sort', 'relevance');
  if (query.page && query.page > 1) params.set('page', String(query.page));
  return params.toString();
}
