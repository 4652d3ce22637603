import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../http-error.js';
import { requireKind } from '../../middleware/auth.js';
import { listHref, pageCount, pageWindow } from '../../pagination.js';
import { fieldErrors, formValues, type FieldErrors } from '../../validation.js';
import { doneMessage } from '../admin/done-messages.js';
import type { SessionUser } from '../accounts/accounts.types.js';
import { actorOf } from '../audit/actor.js';
import { selectableGenreIds } from '../genres/genre-tree.js';
import type { GenresRepository } from '../genres/genres.repository.js';
import type { InfoTypesRepository } from '../info-types/info-types.repository.js';
import { pageField } from '../search/search.schemas.js';
import { checklistsOf, OLD_TO_NEW, oldItemsOf, type Checklist, type ChecklistItem } from './guidebook.checklists.js';
import { guidebookItemOr404, type Guidebook } from './guidebook.content.js';
import { selfCheckLabels, selfCheckStatuses, UNANSWERED_LABEL, type GuidebookRepository, type ItemCheck } from './guidebook.repository.js';
import { NOTE_MAX, parseChecks, typedChanges, yearRecordSchema } from './guidebook.schemas.js';
import type { GuidebookService } from './guidebook.service.js';

type Deps = {
  guidebook: Guidebook; repository: GuidebookRepository; service: GuidebookService; infoTypes: InfoTypesRepository; genres: GenresRepository;
  /** Of these entry ids, the published ones, in order (entry-links.repository.ts). */
  publishedEntries: (ids: readonly number[]) => { id: number; title: string; typeName: string; organisationName: string }[];
  /** Published entries per genre, subtree included (the search index's counts with no condition). */
  genreCounts: () => ReadonlyMap<number, number>;
};

const SAVES_PER_PAGE = 20;
const historyQuery = z.object({ page: pageField(), compare: z.string().regex(/^\d{4}$/).transform(Number).optional().catch(undefined) });

/** A form sent back (400 or 409): what was typed, the messages, and the colleague's answers where they collided. */
type Refused = { values: Record<string, string>; errors: FieldErrors; conflicts?: Map<string, ItemCheck> };

/** ＩＣＴ地域イノベーション・ガイドブック Ver.2.0: the checklist, one commentary page per item, the My Number version, and the self-checks. */
export function guidebookRoutes({ guidebook, repository, service, infoTypes, genres, publishedEntries, genreCounts }: Deps): Router {
  const router = Router();
  const checklists = checklistsOf(guidebook);
  const municipalityOnly = requireKind('municipality');
  // What the last save did, said on the page it leads back to (?done=, views/partials/done-notice.ejs).
  router.use('/guidebook', (req, res, next) => {
    if (req.method === 'GET') res.locals.done = doneMessage(req.query.done);
    next();
  });

  /**
   * The self-check of some items for the page that shows it: each item's answer (as typed, if the
   * form came back), its version for the conflict check, and who answered it when.
   */
  const sheetOf = (user: SessionUser | undefined, checklist: Checklist, items: ChecklistItem[], refused?: Refused) => {
    if (user?.organisationKind !== 'municipality') return undefined;
    const saved = repository.checksOf(user.organisationId, checklist.key);
    const counts = Object.fromEntries([...selfCheckStatuses, 'unanswered'].map((s) => [s, 0]));
    for (const item of checklist.items) counts[saved.get(item.code)?.status ?? 'unanswered']! += 1;
    return {
      checklist, items, saved, counts, labels: selfCheckLabels, statuses: selfCheckStatuses, unanswered: UNANSWERED_LABEL, noteMax: NOTE_MAX,
      errors: refused?.errors ?? {}, conflicts: refused?.conflicts ?? new Map<string, ItemCheck>(),
      // A refused form shows the items the user changed as typed, the others as saved now.
      status: (code: string) => refused?.values[`status_${code}`] ?? saved.get(code)?.status ?? '',
      note: (code: string) => refused?.values[`note_${code}`] ?? saved.get(code)?.note ?? '',
      // What the form is read at, and showed: the next save compares with these.
      version: (code: string) => saved.get(code)?.version ?? 0,
      wasStatus: (code: string) => saved.get(code)?.status ?? '',
      wasNote: (code: string) => saved.get(code)?.note ?? '',
    };
  };

  const indexPage = (res: Response, status: number, refused?: Refused) => {
    res.status(status).render('guidebook/index', {
      title: guidebook.title, breadcrumbs: [{ label: 'ガイドブック' }], guidebook,
      sheet: sheetOf(res.locals.currentUser, checklists.main, checklists.main.items, refused),
    });
  };

  const myNumberPage = (res: Response, status: number, refused?: Refused) => {
    res.status(status).render('guidebook/mynumber', {
      title: 'マイナンバー利活用シーン 実務読み替え版',
      breadcrumbs: [{ label: 'ガイドブック', href: '/guidebook' }, { label: 'マイナンバー利活用シーン 実務読み替え版' }],
      myNumber: guidebook.myNumber, oldToNew: OLD_TO_NEW, items: guidebook.items,
      sheet: sheetOf(res.locals.currentUser, checklists.mynumber, checklists.mynumber.items, refused),
    });
  };

  const itemOr404 = (req: Request) => guidebookItemOr404(guidebook, req.params.n);

  const itemPage = (req: Request, res: Response, status: number, refused?: Refused) => {
    const item = itemOr404(req);
    const caseType = infoTypes.listInfoTypes().find((t) => t.name === '事例情報');
    // Where the text invites it, the item leads into the service (issue: links between guidebook and service).
    const serviceLinks =
      item.number === 1
        ? [{ href: '/search', label: '製品・サービス、事例、人材を探す' }, { href: '/peers', label: '同じ課題を持つ仲間を探す' }]
        : item.number === 10 && caseType
          ? [{ href: `/search/results?type=${caseType.id}`, label: '他の地方公共団体の事例を探す' }]
          : [];
    const checklistItem = checklists.main.items.find((i) => i.code === String(item.number))!;
    // What helps with the item (the secretariat's mapping, /admin/guidebook): genres shown, entries published.
    const links = repository.itemLinks().get(item.number) ?? { genreIds: [], entryIds: [] };
    const shownGenres = selectableGenreIds(genres.listGenres());
    const genreIds = links.genreIds.filter((id) => shownGenres.has(id));
    const paths = genres.pathsOf(genreIds);
    const counts = genreIds.length > 0 ? genreCounts() : new Map<number, number>();
    res.status(status).render('guidebook/item', {
      title: `${item.number}．${item.title}`,
      breadcrumbs: [{ label: 'ガイドブック', href: '/guidebook' }, { label: `チェックリスト${item.number}` }],
      item,
      previous: guidebook.items.find((i) => i.number === item.number - 1),
      next: guidebook.items.find((i) => i.number === item.number + 1),
      serviceLinks,
      helpful: {
        genres: genreIds.map((id) => ({ id, path: paths.get(id) ?? '', count: counts.get(id) ?? 0 })),
        entries: publishedEntries(links.entryIds),
      },
      oldItems: oldItemsOf(item.number).map((code) => checklists.mynumber.items.find((i) => i.code === code)!),
      sheet: sheetOf(res.locals.currentUser, checklists.main, [checklistItem], refused),
    });
  };

  /** A self-check save: the items of `items` the form sent; back to `back` when saved, else the page again. */
  const saveChecks = (checklist: Checklist, items: (req: Request) => ChecklistItem[], back: (req: Request) => string,
    page: (req: Request, res: Response, status: number, refused: Refused) => void) => (req: Request, res: Response) => {
    const shown = items(req);
    const parsed = parseChecks(shown, req.body);
    if ('errors' in parsed) return page(req, res, 400, { values: typedChanges(shown, req.body), errors: parsed.errors });
    const outcome = service.saveChecks(res.locals.currentUser!, actorOf(req, res), checklist.key, parsed.checks);
    if (!outcome.saved) {
      return page(req, res, 409, {
        values: typedChanges(shown, req.body), conflicts: outcome.conflicts,
        errors: { _form: 'ほかの方が先に保存した項目があります。その項目に保存されている内容を確かめ、必要ならもう一度保存してください（入力した内容は残しています）。' },
      });
    }
    res.redirect(303, `${back(req)}${back(req).includes('?') ? '&' : '?'}done=${outcome.changed.length > 0 ? 'self-check-saved' : 'self-check-unchanged'}#self-check`);
  };

  router.get('/guidebook', (_req, res) => indexPage(res, 200));
  router.get('/guidebook/mynumber', (_req, res) => myNumberPage(res, 200));
  router.get('/guidebook/items/:n', (req, res) => itemPage(req, res, 200));

  router.post('/guidebook/self-check', municipalityOnly,
    saveChecks(checklists.main, () => checklists.main.items, () => '/guidebook', (_req, res, status, refused) => indexPage(res, status, refused)));
  router.post('/guidebook/mynumber/self-check', municipalityOnly,
    saveChecks(checklists.mynumber, () => checklists.mynumber.items, () => '/guidebook/mynumber', (_req, res, status, refused) => myNumberPage(res, status, refused)));
  router.post('/guidebook/items/:n/self-check', municipalityOnly, saveChecks(
    checklists.main,
    (req) => checklists.main.items.filter((i) => i.code === String(itemOr404(req).number)),
    (req) => `/guidebook/items/${itemOr404(req).number}`,
    itemPage,
  ));

  for (const checklist of Object.values(checklists)) {
    const base = `${checklist.base}/self-check`;
    const crumbs = (label: string) => [
      { label: 'ガイドブック', href: '/guidebook' },
      ...(checklist.key === 'mynumber' ? [{ label: 'マイナンバー利活用シーン 実務読み替え版', href: '/guidebook/mynumber' }] : []),
      { label },
    ];

    // The self-check on its own, for printing (one or two A4 pages) and for the organisation's records.
    router.get(base, municipalityOnly, (_req, res) => {
      const user = res.locals.currentUser!;
      res.render('guidebook/self-check', {
        title: 'セルフチェックの結果', breadcrumbs: crumbs('セルフチェックの結果'),
        checklist, saved: repository.checksOf(user.organisationId, checklist.key), labels: selfCheckLabels, unanswered: UNANSWERED_LABEL,
        organisationName: user.organisationName,
      });
    });

    /** The history: the fiscal-year records (one compared with now) and every save, newest first. */
    const historyPage = (req: Request, res: Response, status: number, refused?: { values: Record<string, string>; errors: FieldErrors }) => {
      const user = res.locals.currentUser!;
      const query = historyQuery.safeParse(req.query);
      const { page: asked, compare } = query.success ? query.data : { page: 1, compare: undefined };
      const years = repository.yearRecordsOf(user.organisationId, checklist.key);
      const first = repository.savesOf(user.organisationId, checklist.key, SAVES_PER_PAGE, pageWindow(asked, SAVES_PER_PAGE).offset);
      const totalPages = pageCount(first.total, SAVES_PER_PAGE);
      // A page past the end is the last page, and says which it is.
      const page = Math.min(asked, totalPages);
      const saves = page === asked ? first : repository.savesOf(user.organisationId, checklist.key, SAVES_PER_PAGE, pageWindow(page, SAVES_PER_PAGE).offset);
      const thisYear = service.fiscalYearNow();
      res.status(status).render('guidebook/history', {
        title: 'セルフチェックの履歴', breadcrumbs: crumbs('セルフチェックの履歴'),
        checklist, labels: selfCheckLabels, unanswered: UNANSWERED_LABEL,
        now: repository.checksOf(user.organisationId, checklist.key),
        years, compared: years.find((y) => y.fiscalYear === compare) ?? years[0],
        saves: saves.items, total: saves.total, page, askedPage: asked, totalPages,
        pageHref: (p: number) => listHref(`${base}/history`, { compare }, p),
        yearChoices: [thisYear, thisYear - 1, thisYear - 2],
        values: refused?.values ?? { fiscal_year: String(thisYear) }, errors: refused?.errors ?? {},
      });
    };

    router.get(`${base}/history`, municipalityOnly, (req, res) => historyPage(req, res, 200));

    router.post(`${base}/records`, municipalityOnly, (req, res) => {
      const parsed = yearRecordSchema(service.fiscalYearNow()).safeParse(req.body ?? {});
      if (!parsed.success) return historyPage(req, res, 400, { values: formValues(req.body, 'fiscal_year'), errors: fieldErrors(parsed.error) });
      service.keepYearRecord(res.locals.currentUser!, actorOf(req, res), checklist.key, parsed.data.fiscal_year);
      res.redirect(303, `${base}/history?compare=${parsed.data.fiscal_year}&done=self-check-year-kept`);
    });
  }

  router.get('/guidebook/mynumber/items/:n', (req, res) => {
    const raw = String(req.params.n ?? '');
    const page = /^[1-9]$/.test(raw) ? guidebook.myNumber.pages.find((p) => p.number === Number(raw)) : undefined;
    if (!page) throw new NotFoundError('実務読み替え版の項目は1から9までです。');
    res.render('guidebook/mynumber-item', {
      title: `${page.number}．${page.title}（マイナンバー利活用シーン）`,
      breadcrumbs: [
        { label: 'ガイドブック', href: '/guidebook' },
        { label: 'マイナンバー利活用シーン 実務読み替え版', href: '/guidebook/mynumber' },
        { label: `${page.number}．${page.title}` },
      ],
      page,
      previous: guidebook.myNumber.pages.find((p) => p.number === page.number - 1),
      next: guidebook.myNumber.pages.find((p) => p.number === page.number + 1),
    });
  });

  return router;
}
