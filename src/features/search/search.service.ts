import { pageCount } from '../../pagination.js';
import { keywordTerms } from '../../text.js';
import { resultCsvHeader, resultCsvRows, type GenreLabels } from './search.csv.js';
import type { EntryListItem } from '../entries/entries.repository.js';
import type { SearchCounts, SearchIndex, SynonymExpansion } from './search.index.js';
import type { SearchRepository } from './search.repository.js';
import type { SearchQuery } from './search.schemas.js';

export const RESULTS_PER_PAGE = 30;
const CSV_CHUNK = 1000;

export type SearchResults = { total: number; page: number; totalPages: number; items: EntryListItem[] };

export type { SearchCounts } from './search.index.js';

/**
 * Runs a search: genres ORed (each with its subtree), types ORed, genres AND types AND keyword.
 * Keyword words separated by spaces must all occur (substring match on the folded title or summary;
 * a word of a thesaurus group matches any word of it). The in-memory index does the set algebra, the keyword matching (asking SQLite's keyword
 * indexes for terms it has not seen) and the paging; SQLite supplies the rows of the page.
 */
export function searchService(deps: { index: SearchIndex; repository: SearchRepository }) {
  const { index, repository } = deps;

  /** The keyword's terms (folded like the indexed texts, split on spaces, each once), widened by the thesaurus unless turned off. */
  const keyword = (q: string, synonyms = true): { terms: string[]; synonyms: boolean } => ({ terms: keywordTerms(q), synonyms });

  return {
    /** Unknown genre or type ids, as field errors (a stale bookmark, or a hand-made URL). */
    unknownIds(query: SearchQuery): Record<string, string> {
      const errors: Record<string, string> = {};
      if (!index.hasGenres(query.genre)) errors.genre = '指定されたジャンルは存在しません。';
      if (!index.hasTypes(query.type)) errors.type = '指定された情報種別は存在しません。';
      return errors;
    },

    /** The results page: one page of results and the refine panel's counts, from one keyword match. */
    /**
     * The results page: one page of results and the refine panel's counts, from one keyword match, and
     * the terms the thesaurus widens (applied unless the query turned it off).
     */
    searchWithCounts(query: SearchQuery): SearchResults & { counts: SearchCounts; expansions: SynonymExpansion[] } {
      const conditions = { genreIds: query.genre, typeIds: query.type, ...keyword(query.q, query.synonyms) };
      const { total, entryIds, counts } = index.searchWithCounts(conditions, query.page, RESULTS_PER_PAGE);
      return {
        total, page: query.page, totalPages: pageCount(total, RESULTS_PER_PAGE),
        items: repository.listItems(entryIds), counts, expansions: index.expansions(conditions.terms),
      };
    },

    /** The search form's counts for the conditions it shows ticked. */
    counts(query: Pick<SearchQuery, 'genre' | 'type' | 'q' | 'synonyms'>): SearchCounts {
      return index.countsFor({ genreIds: query.genre, typeIds: query.type, ...keyword(query.q, query.synonyms) });
    },

    /**
     * The whole result set as CSV, in result order, a thousand rows at a time so a large export never
     * holds every row in memory at once.
     */
    *csvChunks(query: SearchQuery, genres: GenreLabels, detailUrl: (id: number) => string): Generator<string> {
      const { entryIds } = index.search({ genreIds: query.genre, typeIds: query.type, ...keyword(query.q, query.synonyms) }, 1, Number.MAX_SAFE_INTEGER);
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
        { genreIds: query.genre, typeIds: query.type, ...keyword(query.q, query.synonyms) },
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
