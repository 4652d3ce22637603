import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Clock } from '../../clock.js';
import type { FailingLink } from '../freshness/freshness.repository.js';
import type { Db } from '../../db/connection.js';
import { HttpError, idParam, NotFoundError } from '../../http-error.js';
import type { OutboxRepository } from '../../mail/outbox.repository.js';
import { fieldErrors } from '../../validation.js';
import { actorOf } from '../audit/actor.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { SecurityRepository } from '../security/security.repository.js';
import type { AdminEntriesRepository } from './admin-entries.repository.js';

const PER_PAGE = 30;
const statuses = ['all', 'waiting', 'published', 'suspended', 'deleted'] as const;

const listQuery = z.object({
  q: z.string().optional().transform((v) => (v ?? '').trim().slice(0, 100)),
  status: z.enum(statuses).optional().transform((v) => v ?? 'all'),
  page: z.string().regex(/^[1-9]\d{0,5}$/).optional().transform((v) => Number(v ?? '1')),
});

const suspendForm = z.object({
  reason: z.string({ message: '公開停止の理由を入力してください。' }).trim()
    .min(1, '公開停止の理由を入力してください。').max(500, '公開停止の理由は500文字以内で入力してください。'),
});

type Deps = {
  db: Db; entries: AdminEntriesRepository; audit: AuditRepository; outbox: OutboxRepository;
  security: SecurityRepository; clock: Clock; onMailQueued: () => void;
  unsentMailCount: () => number;
  /** Links failing the last checks in a row, shown with the dashboard's other alerts (issue 10). */
  brokenLinks: () => FailingLink[];
};

/** Dashboard, all entries, one entry with its history, suspension and review (管理者側機能 3). */
export function adminEntriesRoutes(deps: Deps): Router {
  const { db, entries, audit, outbox, clock } = deps;
  const router = Router();

  router.get('/', (_req, res) => {
    res.render('admin/dashboard', {
      title: '事務局管理', breadcrumbs: [{ label: '事務局管理' }],
      counts: entries.countsByType(),
      waiting: entries.waitingForReview(20),
      anomalies: deps.security.recentAnomalies(10),
      unsentMail: deps.unsentMailCount(),
      brokenLinks: deps.brokenLinks(),
    });
  });

  router.get('/entries', (req, res) => {
    const parsed = listQuery.safeParse(req.query);
    if (!parsed.success) throw new HttpError(400, '検索条件の指定が正しくありません。');
    const { q, status, page } = parsed.data;
    const { total, items } = entries.list(status, q, page, PER_PAGE);
    const href = (p: number) => `/admin/entries?${new URLSearchParams({ ...(q ? { q } : {}), status, ...(p > 1 ? { page: String(p) } : {}) })}`;
    res.render('admin/entries', {
      title: '登録情報の管理', breadcrumbs: [{ label: '事務局管理', href: '/admin' }, { label: '登録情報の管理' }],
      q, status, page, total, items, totalPages: Math.max(1, Math.ceil(total / PER_PAGE)), pageHref: href,
    });
  });

  const renderEntry = (res: Response, id: number, status = 200, errors = {}, reason = '') => {
    const entry = entries.find(id);
    if (!entry) throw new NotFoundError();
    res.status(status).render('admin/entry', {
      title: entry.title,
      breadcrumbs: [{ label: '事務局管理', href: '/admin' }, { label: '登録情報の管理', href: '/admin/entries' }, { label: '登録情報' }],
      entry, history: entries.history(id), errors, reason,
    });
  };

  router.get('/entries/:id', (req, res) => renderEntry(res, idParam(req)));

  router.post('/entries/:id/suspend', (req, res) => {
    const id = idParam(req);
    const parsed = suspendForm.safeParse(req.body ?? {});
    if (!parsed.success) return renderEntry(res, id, 400, fieldErrors(parsed.error), String(req.body?.reason ?? ''));
    const at = clock.now().toISOString();
    const entry = entries.find(id);
    if (!entry) throw new NotFoundError();
    const done = db.transaction(() => {
      if (!entries.suspend(id, parsed.data.reason, res.locals.currentUser!.id, at)) return false;
      audit.record(actorOf(req, res), at, 'entry.suspend', { type: 'entry', id }, { suspended_reason: [null, parsed.data.reason] });
      // The owner is told (spec: 不適切な情報の公開を一時的に停止する).
      outbox.enqueue({
        kind: 'entry.suspended', to: (entry.ownerEmails ?? '').split(','),
        subject: `【APPLIC マッチングポータル】登録情報の公開を停止しました（${entry.title.slice(0, 40)}）`,
        body: `${entry.organisationName} ご担当者様\n\n登録いただいた次の情報の公開を、ＡＰＰＬＩＣ事務局が一時的に停止しました。\n\n` +
          `情報ID: ${id}\nタイトル: ${entry.title}\n理由: ${parsed.data.reason}\n\n` +
          '内容を修正のうえ、ＡＰＰＬＩＣ事務局までご連絡ください。自団体の登録情報一覧には「公開停止中」と表示されます。\n',
      }, at);
      return true;
    })();
    if (!done) throw new HttpError(409, 'この情報は既に公開停止中か、削除されています。');
    deps.onMailQueued();
    res.redirect(303, `/admin/entries/${id}`);
  });

  router.post('/entries/:id/unsuspend', (req, res) => {
    const id = idParam(req);
    const at = clock.now().toISOString();
    const done = db.transaction(() => {
      const entry = entries.find(id);
      if (!entry || !entries.unsuspend(id)) return false;
      audit.record(actorOf(req, res), at, 'entry.unsuspend', { type: 'entry', id }, { suspended_reason: [entry.suspendedReason, null] });
      return true;
    })();
    if (!done) throw new HttpError(409, 'この情報は公開停止中ではありません。');
    res.redirect(303, `/admin/entries/${id}`);
  });

  router.post('/entries/:id/review', (req, res) => {
    const id = idParam(req);
    if (!entries.markReviewed(id, res.locals.currentUser!.id, clock.now().toISOString())) throw new NotFoundError();
    res.redirect(303, '/admin');
  });

  return router;
}
