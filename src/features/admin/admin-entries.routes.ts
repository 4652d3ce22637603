import type { BackupRun } from '../backup/backup.repository.js';
import type { BackupSettings } from '../backup/backup.service.js';
import { Router, type Response } from 'express';
import { z } from 'zod';
import { listHref, pageCount, PER_PAGE } from '../../pagination.js';
import type { FailingLink } from '../freshness/freshness.repository.js';
import { HttpError, idParam, NotFoundError } from '../../http-error.js';
import { charCount, fieldErrors, formValues, renderInvalid } from '../../validation.js';
import { actorOf } from '../audit/actor.js';
import { actionLabel } from '../audit/audit-labels.js';
import type { SecurityRepository } from '../security/security.repository.js';
import type { AdminEntriesRepository } from './admin-entries.repository.js';
import type { AdminEntriesService, RefusedChange } from './admin-entries.service.js';
import type { AdminReviewService } from './admin-review.service.js';
import type { DoneKey } from './done-messages.js';
import type { EntryDiffText } from './entry-diff.js';

const statuses = ['all', 'waiting', 'published', 'suspended', 'deleted'] as const;

const listQuery = z.object({
  q: z.string().optional().transform((v) => (v ?? '').trim().slice(0, 100)),
  status: z.enum(statuses).optional().transform((v) => v ?? 'all'),
  page: z.string().regex(/^[1-9]\d{0,5}$/).optional().transform((v) => Number(v ?? '1')),
});

const deleteForm = z.object({
  delete_reason: z.string({ message: '削除の理由を入力してください。' }).trim()
    .min(1, '削除の理由を入力してください。').refine((v) => charCount(v) <= 500, '削除の理由は500文字以内で入力してください。'),
});

const suspendForm = z.object({
  reason: z.string({ message: '公開停止の理由を入力してください。' }).trim()
    .min(1, '公開停止の理由を入力してください。').refine((v) => charCount(v) <= 500, '公開停止の理由は500文字以内で入力してください。'),
});

type Deps = {
  entries: AdminEntriesRepository; service: AdminEntriesService; review: AdminReviewService; diffText: EntryDiffText;
  security: SecurityRepository;
  unsentMailCount: () => number;
  /** Links failing the last checks in a row, shown with the dashboard's other alerts (issue 10). */
  brokenLinks: () => FailingLink[];
  /** `stale`: no good backup within a day (26 hours: the nightly one may run late). */
  lastBackup: () => { last: BackupRun | undefined; lastGood: BackupRun | undefined; settings: BackupSettings; stale: boolean };
  /** Inquiries the entry received through the portal: the count only, never their text (issue 21.3). */
  inquiryCountOf: (entryId: number) => number;
};

export type AdminEntriesDeps = Deps;

/** Dashboard, all entries, one entry with its history, suspension and review (管理者側機能 3). */
export function adminEntriesRoutes(deps: Deps): Router {
  const { entries, service } = deps;
  const router = Router();

  router.get('/', (_req, res) => {
    res.render('admin/dashboard', {
      title: '事務局管理', breadcrumbs: [{ label: '事務局管理' }],
      counts: entries.countsByType(),
      waiting: entries.waitingForReview(20),
      anomalies: deps.security.recentAnomalies(10),
      unsentMail: deps.unsentMailCount(),
      brokenLinks: deps.brokenLinks(),
      diffRows: deps.diffText.rows,
      twoFactorRequired: deps.security.twoFactorRequiredForSecretariat(),
      backup: deps.lastBackup(),
    });
  });

  router.get('/entries', (req, res) => {
    const parsed = listQuery.safeParse(req.query);
    if (!parsed.success) throw new HttpError(400, '検索条件の指定が正しくありません。');
    const { q, status, page } = parsed.data;
    const { total, items } = entries.list(status, q, page, PER_PAGE);
    const href = (p: number) => listHref('/admin/entries', { q, status }, p);
    res.render('admin/entries', {
      title: '登録情報の管理', breadcrumbs: [{ label: '事務局管理', href: '/admin' }, { label: '登録情報の管理' }],
      q, status, page, total, items, totalPages: pageCount(total), pageHref: href,
    });
  });

  const entryPage = (id: number) => {
    const entry = entries.find(id);
    if (!entry) throw new NotFoundError();
    return {
      title: entry.title,
      breadcrumbs: [{ label: '事務局管理', href: '/admin' }, { label: '登録情報の管理', href: '/admin/entries' }, { label: '登録情報' }],
      entry, history: entries.history(id), actionLabel, diffRows: deps.diffText.rows, inquiryCount: deps.inquiryCountOf(id),
    };
  };

  router.get('/entries/:id', (req, res) => res.render('admin/entry', { ...entryPage(idParam(req)), errors: {}, values: {} }));

  /** After a change: back to the entry, which says what was done; a refused one says why. */
  const finish = (res: Response, id: number, refused: RefusedChange | undefined, done: DoneKey, wrongState: string) => {
    if (refused === 'not_found') throw new NotFoundError();
    if (refused) throw new HttpError(409, wrongState);
    res.redirect(303, `/admin/entries/${id}?done=${done}`);
  };

  router.post('/entries/:id/suspend', (req, res) => {
    const id = idParam(req);
    const parsed = suspendForm.safeParse(req.body ?? {});
    if (!parsed.success) return renderInvalid(res, 'admin/entry', fieldErrors(parsed.error), formValues(req.body, 'reason'), entryPage(id));
    finish(res, id, service.suspend(id, parsed.data.reason, actorOf(req, res)), 'suspended', 'この情報は既に公開停止中か、削除されています。');
  });

  router.post('/entries/:id/unsuspend', (req, res) => {
    const id = idParam(req);
    finish(res, id, service.unsuspend(id, actorOf(req, res)), 'unsuspended', 'この情報は公開停止中ではありません。');
  });

  router.post('/entries/:id/delete', (req, res) => {
    const id = idParam(req);
    const parsed = deleteForm.safeParse(req.body ?? {});
    if (!parsed.success) return renderInvalid(res, 'admin/entry', fieldErrors(parsed.error), formValues(req.body, 'delete_reason'), entryPage(id));
    finish(res, id, service.remove(id, parsed.data.delete_reason, actorOf(req, res)), 'deleted', 'この情報は既に削除されています。');
  });

  router.post('/entries/:id/restore', (req, res) => {
    const id = idParam(req);
    finish(res, id, service.restore(id, actorOf(req, res)), 'restored', 'この情報は削除されていません。');
  });

  router.post('/entries/:id/review', (req, res) => {
    const id = idParam(req);
    if (!deps.review.markOneReviewed(id, actorOf(req, res))) throw new NotFoundError();
    res.redirect(303, '/admin?done=reviewed');
  });

  return router;
}
