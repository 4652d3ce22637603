import { pageCount } from '../../pagination.js';
import { keywordTerms } from '../../text.js';
import { resultCsvHeader, resultCsvRows, type GenreLabels } from './search.csv.js';
import type { EntryListItem } from '../entries/entries.repository.js';
import type { SearchCounts, SearchIndex } from './search.index.js';
import type { SearchRepository } from './search.repository.js';
import type { SearchQuery } from './search.schemas.js';

export const RESULTS_PER_PAGE = 30;
const CSV_CHUNK = 1000;

export type SearchResults = { total: number; page: number; totalPages: number; items: EntryListItem[] };

export type { SearchCounts } from './search.index.js';

/**
 * Runs a search: genres ORed (each with its subtree), types ORed, genres AND types AND keyword.
 * Keyword words separated by spaces must all occur (substring match on the NFKC-normalised title or
 * summary). The in-memory index does the set algebra, the keyword matching (asking SQLite's keyword
 * indexes for terms it has not seen) and the paging; SQLite supplies the rows of the page.
 */
export function searchService(deps: { index: SearchIndex; repository: SearchRepository }) {
  const { index, repository } = deps;

  /** The keyword's terms: normalised like the indexed texts, split on spaces, each once. */
  const keyword = (q: string): { terms: string[] } => ({ terms: keywordTerms(q) });

  return {
    /** Unknown genre or type ids, as field errors (a stale bookmark, or a hand-made URL). */
    unknownIds(query: SearchQuery): Record<string, string> {
      const errors: Record<string, string> = {};
      if (!index.hasGenres(query.genre)) errors.genre = '指定されたジャンルは存在しません。';
      if (!index.hasTypes(query.type)) errors.type = '指定された情報種別は存在しません。';
      return errors;
    },

    /** The results page: one page of results and the refine panel's counts, from one keyword match. */
    searchWithCounts(query: SearchQuery): SearchResults & { counts: SearchCounts } {
      const { total, entryIds, counts } = index.searchWithCounts(
        { genreIds: query.genre, typeIds: query.type, ...keyword(query.q) },
        query.page,
        RESULTS_PER_PAGE,
      );
      return {
        total, page: query.page, totalPages: pageCount(total, RESULTS_PER_PAGE),
        items: repository.listItems(entryIds), counts,
      };
    },

    /** The search form's counts for the conditions it shows ticked. */
    counts(query: Pick<SearchQuery, 'genre' | 'type' | 'q'>): SearchCounts {
      return index.countsFor({ genreIds: query.genre, typeIds: query.type, ...keyword(query.q) });
    },

    /**
     * The whole result set as CSV, in result order, a thousand rows at a time so a large export never
     * holds every row in memory at once.
     */
    *csvChunks(query: SearchQuery, genres: GenreLabels, detailUrl: (id: number) => string): Generator<string> {
      const { entryIds } = index.search({ genreIds: query.genre, typeIds: query.type, ...keyword(query.q) }, 1, Number.MAX_SAFE_INTEGER);
      yield resultCsvHeader();
      for (let i = 0; i < entryIds.length; i += CSV_CHUNK) {
        yield resultCsvRows(repository.exportRows(entryIds.slice(i, i + CSV_CHUNK)), genres, detailUrl);
      }
    },

    /** Published entries meeting the conditions, updated in (since, until], newest first. */
    updatedBetween(query: Pick<SearchQuery, 'genre' | 'type' | 'q'>, since: Date, until: Date): EntryListItem[] {
      return repository.listItems(index.updatedBetween({ genreIds: query.genre, typeIds: query.type, ...keyword(query.q) }, since, until));
    },

    search(query: SearchQuery): SearchResults {
      const { total, entryIds } = index.search(
        { genreIds: query.genre, typeIds: query.type, ...keyword(query.q) },
        query.page,
        RESULTS_PER_PAGE,
      );
      return {
        total,
        page: query.page,
        totalPages: pageCount(total, RESULTS_PER_PAGE),
        items: repository.listItems(entryIds),
      };
    },
  };
}

export type SearchService = ReturnType<typeof searchService>;
