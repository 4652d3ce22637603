import { Router, type Request, type Response } from 'express';
import { idParam, NotFoundError } from '../../http-error.js';
import { requireKind } from '../../middleware/auth.js';
import { pageCount, PER_PAGE } from '../../pagination.js';
import { formatDateTime, formatSlashDate } from '../../text.js';
import { answerSave, fieldErrors, formValues, type SaveOutcome, versionOf } from '../../validation.js';
import { stringifyCsv } from '../../csv.js';
import { doneMessage } from '../admin/done-messages.js';
import { actorOf } from '../audit/actor.js';
import { actionLabel } from '../audit/audit-labels.js';
import { pageField } from '../search/search.schemas.js';
import { CATEGORY_HANDLING, CATEGORY_LABELS, QA_CATEGORIES, QA_STATUSES, STATUS_LABELS } from './qa.labels.js';
import type { QaFilter, QaRecord, QaRepository } from './qa.repository.js';
import { qaFilterQuery, qaForm } from './qa.schemas.js';
import type { QaService } from './qa.service.js';

const FIELDS = ['category', 'subject', 'body', 'status', 'answer', 'owner', 'entry_id', 'version'];

/** A saved record as the form shows it. */
const formOf = (r: QaRecord): Record<string, string> => ({
  category: r.category, subject: r.subject, body: r.body, status: r.status, answer: r.answer,
  owner: r.ownerUserId === null ? '' : String(r.ownerUserId), entry_id: r.entryId === null ? '' : String(r.entryId), version: String(r.version),
});

const FIELD_LABELS: Record<string, string> = {
  category: '区分', subject: '件名', body: '内容', status: '状態', answer: '回答', ownerUserId: '担当', entryId: '関係する情報ID',
};

/**
 * The QA・インシデント管理台帳 at /admin/qa (issue 21.4): the list with its filters, a record with its
 * history, and the CSV the 検討会 opens in Excel. Secretariat only.
 */
export function qaRoutes({ service, repository }: { service: QaService; repository: QaRepository }): Router {
  const router = Router();
  router.use('/admin/qa', requireKind('secretariat'), (req, res, next) => {
    if (req.method === 'GET') res.locals.done = doneMessage(req.query.done);
    next();
  });
  router.use('/admin/qa.csv', requireKind('secretariat'));

  const filterOf = (req: Request): QaFilter => qaFilterQuery.parse(req.query);
  const choices = () => ({
    categories: QA_CATEGORIES.map((value) => ({ value, label: CATEGORY_LABELS[value], handling: CATEGORY_HANDLING[value] })),
    statuses: QA_STATUSES.map((value) => ({ value, label: STATUS_LABELS[value] })),
    owners: repository.owners(),
    categoryLabels: CATEGORY_LABELS, statusLabels: STATUS_LABELS,
  });
  const crumbs = (last?: string) => [
    { label: '事務局管理', href: '/admin' }, ...(last ? [{ label: 'QA・インシデント管理台帳', href: '/admin/qa' }, { label: last }] : [{ label: 'QA・インシデント管理台帳' }]),
  ];

  const listPage = (req: Request) => {
    const filter = filterOf(req);
    const parsedPage = pageField().safeParse(req.query.page);
    const page = parsedPage.success ? parsedPage.data : 1;
    const { total, items } = repository.list(filter, page, PER_PAGE);
    const query = (p: number) => {
      const q = new URLSearchParams();
      if (filter.category) q.set('category', filter.category);
      if (filter.status) q.set('status', filter.status);
      if (p > 1) q.set('page', String(p));
      return q.toString();
    };
    return {
      title: 'QA・インシデント管理台帳', breadcrumbs: crumbs(), ...choices(), filter, total, items, page, totalPages: pageCount(total),
      pageHref: (p: number) => `/admin/qa${query(p) ? `?${query(p)}` : ''}`,
      csvHref: `/admin/qa.csv${query(1) ? `?${query(1)}` : ''}`,
    };
  };

  router.get('/admin/qa', (req, res) => {
    res.render('qa/list', { ...listPage(req), errors: {}, values: { category: 'operation', status: 'open', subject: '', body: '', answer: '', owner: '', entry_id: '' } });
  });

  router.post('/admin/qa', (req, res) => {
    const parsed = qaForm.safeParse(req.body ?? {});
    const outcome: SaveOutcome = parsed.success ? service.add(parsed.data, actorOf(req, res)) : { errors: fieldErrors(parsed.error) };
    answerSave(res, outcome, {
      done: (id) => `/admin/qa/${id}?done=qa-created`, view: 'qa/list', values: formValues(req.body, ...FIELDS),
      locals: () => listPage(req), currentVersion: () => '',
    });
  });

  const recordPage = (id: number) => {
    const record = repository.find(id);
    if (!record) throw new NotFoundError('お探しの記録は見つかりませんでした。');
    const offered = choices();
    // Owners named from the list the form offers: one query for the page, not one a history row.
    const ownerName = (userId: number) => offered.owners.find((o) => o.id === userId)?.name ?? `利用者ID ${userId}`;
    return {
      title: `受付番号 ${record.id}：${record.subject}`, breadcrumbs: crumbs(`受付番号 ${record.id}`), ...offered, record, actionLabel,
      history: repository.history(id).map((h) => ({ ...h, rows: historyRows(h.diff, ownerName) })),
    };
  };

  router.get('/admin/qa/:id', (req, res) => {
    const page = recordPage(idParam(req));
    res.render('qa/record', { ...page, errors: {}, values: formOf(page.record) });
  });

  router.post('/admin/qa/:id', (req, res) => {
    const id = idParam(req);
    const page = recordPage(id);
    const parsed = qaForm.safeParse(req.body ?? {});
    const outcome: SaveOutcome = parsed.success ? service.save(id, versionOf(req.body), parsed.data, actorOf(req, res)) : { errors: fieldErrors(parsed.error) };
    answerSave(res, outcome, {
      done: () => `/admin/qa/${id}?done=qa-updated`, view: 'qa/record', values: formValues(req.body, ...FIELDS),
      locals: () => recordPage(id), currentVersion: () => String(repository.find(id)?.version ?? page.record.version),
    });
  });

  router.get('/admin/qa.csv', (req: Request, res: Response) => {
    const rows = repository.all(filterOf(req)).map((r) => [
      r.id, formatDateTime(r.createdAt), CATEGORY_LABELS[r.category], r.subject, r.body, STATUS_LABELS[r.status], r.ownerName ?? '',
      r.answer, r.answeredAt ? formatDateTime(r.answeredAt) : '', r.entryId === null ? '' : r.entryId, r.entryTitle ?? '',
      r.askerOrganisation ?? '', r.askerName ?? '', r.source === 'contact' ? 'お問い合わせフォーム' : '事務局が記録', formatDateTime(r.updatedAt),
    ]);
    const header = ['受付番号', '受付日時', '区分', '件名', '内容', '状態', '担当', '回答', '回答日時', '関係する情報ID', '関係する情報', '問い合わせた団体', '問い合わせた方', '受付の方法', '更新日時'];
    res.set('Content-Type', 'text/csv; charset=utf-8');
    res.attachment(`qa-ledger-${formatSlashDate(new Date()).replaceAll('/', '')}.csv`);
    res.send(stringifyCsv([header, ...rows], { bom: true }));
  });

  return router;
}

/** An audit diff of a record as rows of 項目・変更前・変更後, in words. */
function historyRows(diff: string, ownerName: (id: number) => string): { label: string; before: string; after: string }[] {
  const parsed = JSON.parse(diff) as Record<string, [unknown, unknown]>;
  const shown = (field: string, value: unknown): string => {
    if (value === null || value === undefined || value === '') return '（なし）';
    if (field === 'category' && typeof value === 'string') return CATEGORY_LABELS[value as keyof typeof CATEGORY_LABELS] ?? value;
    if (field === 'status' && typeof value === 'string') return STATUS_LABELS[value as keyof typeof STATUS_LABELS] ?? value;
    if (field === 'ownerUserId' && typeof value === 'number') return ownerName(value);
    return typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
  };
  return Object.entries(parsed).map(([field, [before, after]]) => ({ label: FIELD_LABELS[field] ?? '項目', before: shown(field, before), after: shown(field, after) }));
}
