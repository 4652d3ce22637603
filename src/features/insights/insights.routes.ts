import { Router, type Request, type Response } from 'express';
import type { Clock } from '../../clock.js';
import { stringifyCsv } from '../../csv.js';
import { idParam, NotFoundError } from '../../http-error.js';
import { formatDateTime, formatSlashDate, tokyoDay } from '../../text.js';
import type { Survey } from '../surveys/surveys.repository.js';
import type { SurveysService } from '../surveys/surveys.service.js';
import { fieldErrors, formValues, renderInvalid } from '../../validation.js';
import { actorOf } from '../audit/actor.js';
import { selectableGenreIds } from '../genres/genre-tree.js';
import type { GenresRepository } from '../genres/genres.repository.js';
import type { UsageAudience } from '../usage/usage.repository.js';
import { barChart } from './bar-chart.js';
import type { InsightsRepository } from './insights.repository.js';
import { audienceQuery, registrationRequestForm, reportQuery } from './insights.schemas.js';
import { DEMAND_DAYS, periodOf, TREND_MONTHS, type InsightsService } from './insights.service.js';

type Deps = {
  service: InsightsService; repository: InsightsRepository; genres: GenresRepository; clock: Clock;
  /** The newest fiscal-year version of the genre tree, which the genre table's tree departs from. */
  latestSnapshot: () => { fiscalYear: number; createdAt: string } | undefined;
  /** The 利用者アンケート open on any day of a period, each with its summary (surveys.service.ts). */
  surveysIn: (from: string, to: string) => { survey: Survey; summary: ReturnType<SurveysService['summary']> }[];
  /** The first day of the current fiscal year (April 1, Japan time): where the report starts by default. */
  fiscalYearStart: () => string;
};

const CHART_GENRES = 15;
/** Who used the portal, in the report's words. */
const KIND_LABELS = { municipality: '特別会員（地方公共団体）', vendor: '一般会員（民間企業・研究機関等）', secretariat: 'ＡＰＰＬＩＣ事務局', guest: 'ログインしていない閲覧者' } as const;
const monthLabel = (month: string) => `${month.slice(0, 4)}年${Number(month.slice(5))}月`;

/**
 * /admin/insights (issue 22.2), mounted behind the secretariat guard: what members look for against
 * what is registered, with a CSV of every table and the 登録依頼 for a genre nobody supplies.
 */
export function insightsRoutes({ service, repository, genres, clock, latestSnapshot, surveysIn, fiscalYearStart }: Deps): Router {
  const router = Router();
  const crumbs = (last?: string) => [
    { label: '事務局管理', href: '/admin' },
    ...(last ? [{ label: '利用状況と需要の分析', href: '/admin/insights' }, { label: last }] : [{ label: '利用状況と需要の分析' }]),
  ];
  const audienceOf = (req: Request): UsageAudience => audienceQuery.parse(req.query).who;
  const csv = (res: Response, name: string, rows: unknown[][]) => {
    res.set('Content-Type', 'text/csv; charset=utf-8');
    res.attachment(`${name}-${formatSlashDate(clock.now()).replaceAll('/', '')}.csv`);
    res.send(stringifyCsv(rows, { bom: true }));
  };
  const suffix = (audience: UsageAudience) => (audience === 'municipality' ? '?who=municipality' : '');

  router.get('/', (req, res) => {
    const audience = audienceOf(req);
    const rows = service.genreInsights(audience);
    const months = service.months(audience);
    const nothing = service.foundNothing(audience);
    const mostSearched = [...rows].filter((r) => r.searches > 0).sort((a, b) => b.searches - a.searches).slice(0, CHART_GENRES);
    res.render('insights/index', {
      title: '利用状況と需要の分析', breadcrumbs: crumbs(), audience, suffix: suffix(audience), days: DEMAND_DAYS, trendMonths: TREND_MONTHS,
      rows, unmet: rows.filter((r) => r.unmet).length, nothing, monthLabel, snapshot: latestSnapshot(),
      // Back from a 登録依頼: how many organisations it went to.
      requested: typeof req.query.requested === 'string' && /^\d{1,4}$/.test(req.query.requested) ? Number(req.query.requested) : undefined,
      genreChart: barChart({
        id: 'chart-genres', title: `よく検索されたジャンルと掲載中の情報（直近${DEMAND_DAYS}日、上位${CHART_GENRES}件）`, labelHeader: 'ジャンル',
        series: ['検索', '掲載中の情報'],
        rows: mostSearched.map((r) => ({ label: r.path, shortLabel: r.path.split(' › ').pop(), values: [r.searches, r.entries] })),
      }),
      monthChart: barChart({
        id: 'chart-months', title: `月ごとの検索と、情報が見つからなかった検索（直近${TREND_MONTHS}か月）`, labelHeader: '月',
        series: ['検索', '0件だった検索'],
        rows: months.map((m) => ({ label: monthLabel(m.month), values: [m.searches, m.foundNothing] })),
      }),
      activityChart: barChart({
        id: 'chart-activity', title: `月ごとの閲覧・資料のダウンロード・いいね！・問い合わせ・新規登録（直近${TREND_MONTHS}か月）`, labelHeader: '月',
        series: ['詳細の閲覧', '資料のダウンロード', 'いいね！', '問い合わせ', '新規登録'],
        rows: months.map((m) => ({ label: monthLabel(m.month), values: [m.view, m.download, m.like, m.inquiry, m.registration] })),
      }),
    });
  });

  router.get('/genres.csv', (req, res) => {
    const rows = service.genreInsights(audienceOf(req));
    csv(res, 'insights-genres', [
      ['ジャンルID', 'ジャンル', '掲載中の情報', `検索（直近${DEMAND_DAYS}日）`, 'うち0件', '課題に挙げた団体', `いいね！（直近${DEMAND_DAYS}日）`, '需要があり掲載なし'],
      ...rows.map((r) => [r.genreId, r.path, r.entries, r.searches, r.foundNothing, r.profiles, r.likes, r.unmet ? 'はい' : '']),
    ]);
  });

  router.get('/found-nothing-keywords.csv', (req, res) => {
    const { keywords } = service.foundNothing(audienceOf(req), 1000);
    csv(res, 'insights-found-nothing-keywords', [['キーワード', '検索の回数', '最後に検索された日時'], ...keywords.map((k) => [k.q, k.searches, formatDateTime(k.lastAt)])]);
  });

  router.get('/found-nothing-conditions.csv', (req, res) => {
    const { conditions } = service.foundNothing(audienceOf(req), 1000);
    csv(res, 'insights-found-nothing-conditions', [
      ['ジャンル', '情報種別', '検索の回数', 'うちキーワードあり', '最後に検索された日時'],
      ...conditions.map((c) => [c.genres.join(' / '), c.types.join(' / '), c.searches, c.withKeyword, formatDateTime(c.lastAt)]),
    ]);
  });

  router.get('/months.csv', (req, res) => {
    csv(res, 'insights-months', [
      ['月', '検索', '0件だった検索', '詳細の閲覧', '資料のダウンロード', 'いいね！', '問い合わせ', '新規登録'],
      ...service.months(audienceOf(req)).map((m) => [monthLabel(m.month), m.searches, m.foundNothing, m.view, m.download, m.like, m.inquiry, m.registration]),
    ]);
  });

  // ---- the usage report: one printable page for a period ---------------------------------------------
  router.get('/report', (req, res) => {
    const given = req.query.from !== undefined || req.query.to !== undefined;
    const raw = given ? { from: req.query.from, to: req.query.to } : { from: fiscalYearStart(), to: tokyoDay(clock.now()) };
    const parsed = reportQuery.safeParse(raw);
    const values = { from: typeof raw.from === 'string' ? raw.from : '', to: typeof raw.to === 'string' ? raw.to : '' };
    const base = { title: '利用状況の報告書', breadcrumbs: crumbs('利用状況の報告書'), values, monthLabel, kindLabels: KIND_LABELS };
    if (!parsed.success) return res.status(400).render('insights/report', { ...base, errors: fieldErrors(parsed.error), report: undefined });
    const period = periodOf(parsed.data.from, parsed.data.to);
    const { totals, months } = service.period(period);
    const genreRows = service.genreInsights('all', period);
    res.render('insights/report', {
      ...base, errors: {},
      report: {
        period, totals, months,
        mostSearched: [...genreRows].filter((r) => r.searches > 0).sort((a, b) => b.searches - a.searches).slice(0, 20),
        unmet: genreRows.filter((r) => r.unmet).slice(0, 20),
        keywords: service.foundNothing('all', 20, period).keywords,
        surveys: surveysIn(period.from, period.to),
        monthChart: barChart({
          id: 'report-months', title: '月ごとの検索と利用', labelHeader: '月', series: ['検索', '詳細の閲覧', '資料のダウンロード'],
          rows: months.map((m) => ({ label: monthLabel(m.month), values: [m.searches, m.view, m.download] })),
        }),
      },
    });
  });

  // ---- 登録依頼 from a genre -------------------------------------------------------------------------
  const genreOf = (req: Request) => {
    const id = idParam(req);
    if (!selectableGenreIds(genres.listGenres()).has(id)) throw new NotFoundError('このジャンルは見つかりませんでした。');
    return { id, path: genres.pathsOf([id]).get(id) ?? '' };
  };
  const requestPage = (genre: { id: number; path: string }) => {
    const insight = service.genreInsights('all').find((r) => r.genreId === genre.id);
    const nearest = service.nearestVendors(genre.id);
    return {
      title: `登録依頼の作成：${genre.path}`, breadcrumbs: crumbs('登録依頼の作成'), genre, insight, nearest,
      underPath: nearest.under === null ? null : (genres.pathsOf([nearest.under]).get(nearest.under) ?? ''),
    };
  };

  router.get('/genres/:id/request', (req, res) => {
    const genre = genreOf(req);
    const page = requestPage(genre);
    const draft = service.draftRequest(genre.id, page.insight?.searches ?? 0);
    res.render('insights/request', { ...page, errors: {}, values: draft, chosen: page.nearest.vendors.map((v) => v.organisationId) });
  });

  router.post('/genres/:id/request', (req, res) => {
    const genre = genreOf(req);
    const parsed = registrationRequestForm.safeParse(req.body ?? {});
    const chosenRaw = (req.body as Record<string, unknown>)?.organisation;
    const chosen = (Array.isArray(chosenRaw) ? chosenRaw : [chosenRaw]).map(Number).filter(Number.isInteger);
    if (!parsed.success) {
      return renderInvalid(res, 'insights/request', fieldErrors(parsed.error), formValues(req.body, 'subject', 'body'), { ...requestPage(genre), chosen });
    }
    // Only vendor organisations: an id of anything else is dropped, never mailed.
    const vendors = repository.vendorNames(parsed.data.organisation);
    if (vendors.length === 0) {
      return renderInvalid(res, 'insights/request', { organisation: '送り先の団体を1つ以上選んでください。' }, formValues(req.body, 'subject', 'body'), { ...requestPage(genre), chosen });
    }
    const sent = service.sendRegistrationRequest(genre.id, vendors.map((v) => v.id), parsed.data, actorOf(req, res));
    res.redirect(303, `/admin/insights?requested=${sent}#genres`);
  });

  return router;
}
