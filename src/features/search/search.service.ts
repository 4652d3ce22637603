import { pageCount } from '../../pagination.js';
import { keywordTerms } from '../../text.js';
import { resultCsvHeader, resultCsvRows, type GenreLabels } from './search.csv.js';
import type { EntryListItem } from '../entries/entries.repository.js';
import type { SearchConditions, SearchCounts, SearchIndex, SynonymExpansion } from './search.index.js';
import type { SearchRepository } from './search.repository.js';
import type { SearchQuery } from './search.schemas.js';

export const RESULTS_PER_PAGE = 30;
const CSV_CHUNK = 1000;

export type SearchResults = { total: number; page: number; totalPages: number; items: EntryListItem[] };

/** A results row found through its PDF (its title and summary alone do not hold the keyword): what the PDF says there. */
export type AttachmentMatch = { passage: string; cutBefore: boolean; cutAfter: boolean };

/** A search that would find something where the asked one found nothing (issue 20.5). */
export type SearchAlternative = { reason: 'genre' | 'type' | 'keyword-only' | 'word' | 'synonyms'; label: string; query: SearchQuery; count: number };

export type { SearchCounts } from './search.index.js';

/**
 * Runs a search: genres ORed (each with its subtree), types ORed, genres AND types AND keyword.
 * Keyword words separated by spaces must all occur (substring match on the folded title, summary or
 * PDF text; a word of a thesaurus group matches any word of it). The in-memory index does the set algebra, the keyword matching (asking SQLite's keyword
 * indexes for terms it has not seen) and the paging; SQLite supplies the rows of the page.
 */
export function searchService(deps: { index: SearchIndex; repository: SearchRepository }) {
  const { index, repository } = deps;

  /**
   * The index's conditions for a query: its genres and types, the keyword's terms (folded like the
   * indexed texts, split on spaces, each once), widened by the thesaurus unless turned off, and the
   * order asked for. Saved searches carry only genres, types and keyword: widened, newest first.
   */
  const conditionsOf = (query: Pick<SearchQuery, 'genre' | 'type' | 'q'> & Partial<Pick<SearchQuery, 'synonyms' | 'sort'>>): SearchConditions => ({
    genreIds: query.genre, typeIds: query.type, terms: keywordTerms(query.q), synonyms: query.synonyms ?? true, relevance: query.sort === 'relevance',
  });

  /**
   * The rows of a page that only their PDF puts there: some term (or every word of its thesaurus
   * group) is not in the row's title or summary. Each with a passage of the PDF around the first such
   * word. Two reads for the page and one a row so found; nothing without a keyword.
   */
  const attachmentMatches = (conditions: SearchConditions, entryIds: number[]): Map<number, AttachmentMatch> => {
    const matches = new Map<number, AttachmentMatch>();
    const termWords = index.termWords(conditions);
    if (termWords.length === 0) return matches;
    const texts = repository.texts(entryIds);
    for (const id of entryIds) {
      const text = texts.get(id) ?? '';
      const missing = termWords.filter((words) => !words.some((word) => text.includes(word)));
      if (missing.length === 0) continue;
      const found = repository.passage(id, missing.flat());
      if (found) matches.set(id, { passage: found.text, cutBefore: found.cutBefore, cutAfter: found.cutAfter });
    }
    return matches;
  };

  return {
    /** Unknown genre or type ids, as field errors (a stale bookmark, or a hand-made URL). */
    unknownIds(query: SearchQuery): Record<string, string> {
      const errors: Record<string, string> = {};
      if (!index.hasGenres(query.genre)) errors.genre = '指定されたジャンルは存在しません。';
      if (!index.hasTypes(query.type)) errors.type = '指定された情報種別は存在しません。';
      return errors;
    },

    /**
     * The results page: one page of results and the refine panel's counts, from one keyword match, and
     * the terms the thesaurus widens (applied unless the query turned it off). A page past the end
     * (an old link, a typed address) is answered with the last page; `askedPage` says which was asked.
     */
    searchWithCounts(query: SearchQuery): SearchResults & {
      askedPage: number; counts: SearchCounts; expansions: SynonymExpansion[]; attachmentMatches: Map<number, AttachmentMatch>;
    } {
      const conditions = conditionsOf(query);
      let found = index.searchWithCounts(conditions, query.page, RESULTS_PER_PAGE);
      const totalPages = pageCount(found.total, RESULTS_PER_PAGE);
      const page = Math.min(query.page, totalPages);
      if (page !== query.page) found = index.searchWithCounts(conditions, page, RESULTS_PER_PAGE);
      const { total, entryIds, counts } = found;
      return {
        total, page, askedPage: query.page, totalPages,
        items: repository.listItems(entryIds), counts, expansions: index.expansions(conditions.terms ?? []),
        attachmentMatches: attachmentMatches(conditions, entryIds),
      };
    },

    /**
     * For a search that found nothing: the same search with one thing left out (the genres, the types,
     * one word of the keyword) or the thesaurus turned back on, each with the hits it would give. Only
     * those that find something; counted by the index, no query each.
     */
    alternatives(query: SearchQuery): SearchAlternative[] {
      const words = query.q.split(' ').filter((w) => w !== '');
      const candidates: { reason: SearchAlternative['reason']; label: string; query: SearchQuery }[] = [];
      if (query.genre.length > 0) candidates.push({ reason: 'genre', label: 'ジャンルの指定を外す', query: { ...query, genre: [] } });
      if (query.type.length > 0) candidates.push({ reason: 'type', label: '情報種別の指定を外す', query: { ...query, type: [] } });
      if (words.length > 0 && query.genre.length > 0 && query.type.length > 0) {
        candidates.push({ reason: 'keyword-only', label: 'キーワードだけで探す（ジャンルと情報種別の指定を外す）', query: { ...query, genre: [], type: [] } });
      }
      if (words.length > 1) {
        for (const word of words) candidates.push({ reason: 'word', label: `キーワードから「${word}」を外す`, query: { ...query, q: words.filter((w) => w !== word).join(' ') } });
      }
      if (!query.synonyms) {
        const added = index.expansions(keywordTerms(query.q)).flatMap((e) => e.added);
        if (added.length > 0) candidates.push({ reason: 'synonyms', label: `同じ意味の言葉（${added.map((w) => `「${w}」`).join('')}）も含める`, query: { ...query, synonyms: true } });
      }
      return candidates
        .map(({ reason, label, query: q }) => ({
          reason, label, query: { ...q, page: 1 },
          count: index.count(conditionsOf(q)),
        }))
        .filter((a) => a.count > 0);
    },

    /** The search form's counts for the conditions it shows ticked. */
    counts(query: Pick<SearchQuery, 'genre' | 'type' | 'q' | 'synonyms'>): SearchCounts {
      return index.countsFor(conditionsOf(query));
    },

    /**
     * The whole result set as CSV, in result order, a thousand rows at a time so a large export never
     * holds every row in memory at once.
     */
    *csvChunks(query: SearchQuery, genres: GenreLabels, detailUrl: (id: number) => string): Generator<string> {
      const { entryIds } = index.search(conditionsOf(query), 1, Number.MAX_SAFE_INTEGER);
      yield resultCsvHeader();
      for (let i = 0; i < entryIds.length; i += CSV_CHUNK) {
        yield resultCsvRows(repository.exportRows(entryIds.slice(i, i + CSV_CHUNK)), genres, detailUrl);
      }
    },

    /** Published entries meeting the conditions, updated in (since, until], newest first. */
    updatedBetween(query: Pick<SearchQuery, 'genre' | 'type' | 'q'>, since: Date, until: Date): EntryListItem[] {
      return repository.listItems(index.updatedBetween(conditionsOf(query), since, until));
    },

    /**
     * Entries to offer as related ones on the entry form (issue 21.1): the published entries the keyword
     * finds, best match first, leaving out those given (the entry itself, those already chosen).
     */
    linkCandidates(q: string, leaveOut: readonly number[], limit: number): { entryIds: number[]; more: boolean } {
      const wanted = limit + leaveOut.length;
      const { total, entryIds } = index.search(conditionsOf({ genre: [], type: [], q, sort: 'relevance' }), 1, wanted);
      const left = new Set(leaveOut);
      const offered = entryIds.filter((id) => !left.has(id));
      // Past `wanted` hits there are more than `limit` others whatever was left out.
      return { entryIds: offered.slice(0, limit), more: total > wanted || offered.length > limit };
    },

    search(query: SearchQuery): SearchResults {
      const { total, entryIds } = index.search(
        conditionsOf(query),
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
