import { Router, type Response } from 'express';
import type { Clock } from '../../clock.js';
import type { LinkTo } from '../../mail/links.js';
import { requireKind } from '../../middleware/auth.js';
import { formatSlashDate, keywordTerms } from '../../text.js';
import { fieldErrors, type FieldErrors } from '../../validation.js';
import { showsDetailLink } from '../entries/entries.access.js';
import type { EntriesRepository, EntryListItem } from '../entries/entries.repository.js';
import type { LinkCount } from '../entry-links/entry-links.repository.js';
import type { SessionUser } from '../accounts/accounts.types.js';
import { type GenresRepository } from '../genres/genres.repository.js';
import { activeGenreTree, genrePaths } from '../genres/genre-tree.js';
import type { InfoTypesRepository } from '../info-types/info-types.repository.js';
import type { UsageRecorder } from '../usage/usage.recorder.js';
import { searchQuerySchema, searchQueryString, type SearchQuery } from './search.schemas.js';
import type { SearchService } from './search.service.js';

const NEWEST_ON_SEARCH = 10;

type Deps = { search: SearchService; genres: GenresRepository; infoTypes: InfoTypesRepository; entries: EntriesRepository; clock: Clock;
  /** Each row's published related entries by type (entry-links.repository.ts), for the rows' 「関連する情報」. */
  linkCounts: (entryIds: readonly number[]) => Map<number, LinkCount[]>;
  /** Each row's 「導入しています」 count as this user may see it (adoptions.repository.ts). */
  adoptionCounts: (entryIds: readonly number[], user: SessionUser | undefined) => Map<number, number>;
  /** Absolute links from PUBLIC_URL: the request's Host header is the client's to choose. */
  link: LinkTo;
  usage: Pick<UsageRecorder, 'search'>;
};

const emptyQuery: SearchQuery = { genre: [], type: [], q: '', synonyms: true, sort: 'updated', page: 1 };

export function searchRoutes({ search, genres, infoTypes, entries, linkCounts, adoptionCounts, clock, link, usage }: Deps): Router {
  const router = Router();

  const withLinks = (res: Response, items: EntryListItem[]) =>
    items.map((entry) => ({ ...entry, linked: showsDetailLink(res.locals.currentUser, entry) }));

  /** The search form, with the given conditions ticked (coming back from the results keeps them). */
  const renderForm = (res: Response, status: number, query: SearchQuery, errors: FieldErrors, raw: Record<string, unknown> = {}) =>
    res.status(status).render('search/index', {
      title: '製品・サービス、事例、人材を探す',
      tree: activeGenreTree(genres.listGenres()),
      types: infoTypes.listInfoTypes(),
      query,
      counts: search.counts(query),
      rawQ: typeof raw.q === 'string' ? raw.q : query.q,
      errors,
      newest: withLinks(res, entries.listNewest(NEWEST_ON_SEARCH)),
    });

  /** Parses the conditions; on bad input renders the form with 400 and returns undefined. */
  const parse = (res: Response, raw: Record<string, unknown>): SearchQuery | undefined => {
    const parsed = searchQuerySchema.safeParse(raw);
    if (!parsed.success) {
      renderForm(res, 400, emptyQuery, fieldErrors(parsed.error), raw);
      return undefined;
    }
    const unknown = search.unknownIds(parsed.data);
    if (Object.keys(unknown).length > 0) {
      renderForm(res, 400, { ...parsed.data, genre: [], type: [] }, unknown, raw);
      return undefined;
    }
    return parsed.data;
  };

  router.get('/search', (req, res) => {
    const query = parse(res, req.query);
    if (query) renderForm(res, 200, query, {});
  });

  router.get('/search/results', (req, res) => {
    const query = parse(res, req.query);
    if (!query) return;
    const results = search.searchWithCounts(query);
    // A search is its first page: paging through it is not another (issue 22.1).
    if (query.page === 1) usage.search(res.locals.currentUser, query, results.total);
    const paths = genres.pathsOf(query.genre);
    const types = infoTypes.listInfoTypes();
    const typeNames = new Map(types.map((t) => [t.id, t.name]));
    const conditions = searchQueryString({ ...query, page: undefined });
    res.render('search/results', {
      title: results.total > 0 ? `検索結果（${results.total}件）` : '検索結果',
      query,
      results: { ...results, items: withLinks(res, results.items) },
      counts: results.counts,
      tree: activeGenreTree(genres.listGenres()),
      types,
      // A name to start from when saving these conditions: what was chosen, shortened.
      suggestedName: [...query.genre.map((id) => paths.get(id)?.split(' › ').pop() ?? ''), ...query.type.map((id) => typeNames.get(id) ?? ''), query.q]
        .filter((s) => s !== '').join('・').slice(0, 50) || 'すべての情報',
      chosen: {
        genres: query.genre.map((id) => paths.get(id) ?? ''),
        types: query.type.map((id) => typeNames.get(id) ?? ''),
        q: query.q,
      },
      conditions,
      // The two orders, offered when there is a keyword (the relevance order needs one).
      orders: query.q ? (['updated', 'relevance'] as const).map((sort) => ({
        sort, label: sort === 'updated' ? '更新日の新しい順' : 'キーワードに合う順', current: query.sort === sort,
        href: `/search/results?${searchQueryString({ ...query, sort, page: undefined })}`,
      })) : [],
      alternatives: results.total === 0
        ? search.alternatives(query).map((a) => ({ ...a, href: `/search/results?${searchQueryString({ ...a.query, page: undefined })}` }))
        : [],
      detailQuery: searchQueryString(query),
      attachmentMatches: results.attachmentMatches,
      linkCounts: linkCounts(results.items.map((e) => e.id)),
      adoptionCounts: adoptionCounts(results.items.map((e) => e.id), res.locals.currentUser),
      // The keyword's terms, marked in the rows' titles and summaries (with the words the thesaurus added).
      keywordTerms: [...keywordTerms(query.q), ...(query.synonyms ? results.expansions.flatMap((e) => e.addedFolded) : [])],
      // The thesaurus's part, said on the page with a link to search without (or with) it.
      synonyms: {
        applied: query.synonyms, added: [...new Set(results.expansions.flatMap((e) => e.added))],
        toggleHref: `/search/results?${searchQueryString({ ...query, synonyms: !query.synonyms, page: undefined })}`,
      },
      pageHref: (page: number) => `/search/results?${searchQueryString({ ...query, page }) || 'page=1'}`,
    });
  });

  // The result set for an officer's memo (issue 9): members who may open every published entry only.
  router.get('/search/results.csv', requireKind('municipality', 'secretariat'), (req, res) => {
    const query = parse(res, req.query);
    if (!query) return;
    const labels = genrePaths(genres.listGenres());
    res.set('Content-Type', 'text/csv; charset=utf-8');
    res.attachment(`search-results-${formatSlashDate(clock.now()).replaceAll('/', '')}.csv`);
    for (const chunk of search.csvChunks(query, labels, (id) => link(`/entries/${id}`))) res.write(chunk);
    res.end();
  });

  return router;
}
