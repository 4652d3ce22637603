import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../http-error.js';
import { requireKind } from '../../middleware/auth.js';
import { charCount, fieldErrors, formValues, renderInvalid } from '../../validation.js';
import type { SessionUser } from '../accounts/accounts.types.js';
import { actorOf } from '../audit/actor.js';
import type { InfoTypesRepository } from '../info-types/info-types.repository.js';
import type { Guidebook } from './guidebook.content.js';
import { selfCheckLabels, selfCheckStatuses, type GuidebookRepository, type SelfCheck } from './guidebook.repository.js';
import type { GuidebookService } from './guidebook.service.js';

const NUMBERS = Array.from({ length: 10 }, (_, i) => i + 1);

/** The self-check form: status_N (one of the three) and note_N (optional, 200 characters) for N = 1..10. */
const selfCheckForm = z.object(Object.fromEntries(NUMBERS.flatMap((n) => [
  [`status_${n}`, z.enum(selfCheckStatuses, { message: `項目${n}の状況を選択してください。` })],
  [`note_${n}`, z.string().optional().transform((v) => (v ?? '').trim())
    .pipe(z.string().refine((v) => charCount(v) <= 200, `項目${n}のメモは200文字以内で入力してください。`))],
])));

type Deps = { guidebook: Guidebook; repository: GuidebookRepository; service: GuidebookService; infoTypes: InfoTypesRepository };

/** ＩＣＴ地域イノベーション・ガイドブック Ver.2.0: the checklist, one commentary page per item, and the self-check. */
export function guidebookRoutes({ guidebook, repository, service, infoTypes }: Deps): Router {
  const router = Router();

  /** The guidebook's front page with the self-check; `submitted` is a refused form, shown as typed. */
  const indexPage = (user: SessionUser | undefined, submitted?: Record<string, string>) => {
    const checks = user?.organisationKind === 'municipality' ? repository.selfChecksOf(user.organisationId) : [];
    const byNumber = new Map<number, SelfCheck>(checks.map((c) => [c.itemNumber, c]));
    const counts = Object.fromEntries(selfCheckStatuses.map((s) => [s, checks.filter((c) => c.status === s).length]));
    return {
      title: guidebook.title,
      breadcrumbs: [{ label: 'ガイドブック' }],
      guidebook,
      canSelfCheck: user?.organisationKind === 'municipality',
      byNumber, counts, labels: selfCheckLabels, statuses: selfCheckStatuses,
      value: (n: number, field: 'status' | 'note') => submitted?.[`${field}_${n}`] ?? (field === 'status' ? byNumber.get(n)?.status : byNumber.get(n)?.note) ?? '',
    };
  };

  router.get('/guidebook', (_req, res) => res.render('guidebook/index', { ...indexPage(res.locals.currentUser), errors: {} }));

  router.post('/guidebook/self-check', requireKind('municipality'), (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const parsed = selfCheckForm.safeParse(body);
    if (!parsed.success) {
      const submitted = formValues(body, ...NUMBERS.flatMap((n) => [`status_${n}`, `note_${n}`]));
      return renderInvalid(res, 'guidebook/index', fieldErrors(parsed.error), submitted, indexPage(res.locals.currentUser, submitted));
    }
    const user = res.locals.currentUser!;
    const data = parsed.data as Record<string, string>;
    service.saveSelfCheck(user, actorOf(req, res),
      NUMBERS.map((n) => ({ itemNumber: n, status: data[`status_${n}`] as SelfCheck['status'], note: data[`note_${n}`] ?? '' })));
    res.redirect(303, '/guidebook#self-check');
  });

  // The self-check on its own, for printing (one or two A4 pages) and for the organisation's records.
  router.get('/guidebook/self-check', requireKind('municipality'), (_req, res) => {
    const user = res.locals.currentUser!;
    const byNumber = new Map<number, SelfCheck>(repository.selfChecksOf(user.organisationId).map((c) => [c.itemNumber, c]));
    res.render('guidebook/self-check', {
      title: 'セルフチェックの結果',
      breadcrumbs: [{ label: 'ガイドブック', href: '/guidebook' }, { label: 'セルフチェックの結果' }],
      items: guidebook.items, byNumber, labels: selfCheckLabels, organisationName: user.organisationName,
    });
  });

  router.get('/guidebook/items/:n', (req, res) => {
    const raw = String(req.params.n ?? '');
    const item = /^(10|[1-9])$/.test(raw) ? guidebook.items.find((i) => i.number === Number(raw)) : undefined;
    if (!item) throw new NotFoundError('ガイドブックの項目は1から10までです。');
    const caseType = infoTypes.listInfoTypes().find((t) => t.name === '事例情報');
    // Where the text invites it, the item leads into the service (issue: links between guidebook and service).
    const serviceLinks =
      item.number === 1
        ? [{ href: '/search', label: '製品・サービス、事例、人材を探す' }, { href: '/peers', label: '同じ課題を持つ仲間を探す' }]
        : item.number === 10 && caseType
          ? [{ href: `/search/results?type=${caseType.id}`, label: '他の地方公共団体の事例を探す' }]
          : [];
    res.render('guidebook/item', {
      title: `${item.number}．${item.title}`,
      breadcrumbs: [{ label: 'ガイドブック', href: '/guidebook' }, { label: `チェックリスト${item.number}` }],
      item,
      previous: guidebook.items.find((i) => i.number === item.number - 1),
      next: guidebook.items.find((i) => i.number === item.number + 1),
      serviceLinks,
    });
  });

  router.get('/guidebook/mynumber', (_req, res) => {
    res.render('guidebook/mynumber', {
      title: 'マイナンバー利活用シーン 実務読み替え版',
      breadcrumbs: [{ label: 'ガイドブック', href: '/guidebook' }, { label: 'マイナンバー利活用シーン 実務読み替え版' }],
      myNumber: guidebook.myNumber,
    });
  });

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
