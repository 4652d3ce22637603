import { Router, type Response } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import { idParam, NotFoundError } from '../../http-error.js';
import { requireKind } from '../../middleware/auth.js';
import { fieldErrors, type FieldErrors } from '../../validation.js';
import { actorOf } from '../audit/actor.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { FreshnessRepository } from './freshness.repository.js';
import { freshnessSettingsSchema } from './freshness.schemas.js';
import { STRIKES, type LinkChecker } from './link-checker.js';
import { staleBefore } from './stale-reminders.js';

type Deps = { db: Db; repository: FreshnessRepository; checker: LinkChecker; audit: AuditRepository; clock: Clock; logger: Logger };

const NOT_OWN = 'お探しの登録情報は見つかりませんでした。削除されたか、他の団体の情報です。';

/**
 * Catalog freshness (issue 10): the secretariat's view of failing links and stale entries with the
 * checker's settings (/admin/freshness), and the owner's one-click "no changes" confirmation.
 */
export function freshnessRoutes({ db, repository, checker, audit, clock, logger }: Deps): Router {
  const router = Router();

  const renderAdmin = (res: Response, status: number, errors: FieldErrors = {}, values?: { allow_private: boolean; stale_after_months: string }) => {
    const months = repository.staleAfterMonths();
    res.status(status).render('freshness/admin', {
      title: '情報の鮮度', breadcrumbs: [{ label: '事務局管理', href: '/admin' }, { label: '情報の鮮度' }],
      failing: repository.failing(1, 500), strikes: STRIKES, refused: repository.refusedCount(),
      staleCount: repository.staleCount(staleBefore(clock.now(), months)), months,
      running: checker.running(), started: res.req.query.started === '1', lastRun: repository.lastRun(),
      values: values ?? { allow_private: repository.allowPrivate(), stale_after_months: String(months) }, errors,
    });
  };

  router.get('/admin/freshness', requireKind('secretariat'), (_req, res) => renderAdmin(res, 200));

  // Runs in the background (a full check takes minutes); the page says it is running until it ends.
  router.post('/admin/freshness/check', requireKind('secretariat'), (req, res) => {
    audit.record(actorOf(req, res), clock.now().toISOString(), 'freshness.check', { type: 'setting', id: 0 });
    checker.run({ all: true }).then(
      (summary) => logger.info(summary, 'link check on demand finished'),
      (error: unknown) => logger.error({ err: error }, 'link check on demand failed'),
    );
    res.redirect(303, '/admin/freshness?started=1');
  });

  router.post('/admin/freshness/settings', requireKind('secretariat'), (req, res) => {
    const parsed = freshnessSettingsSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      const raw = req.body as Record<string, unknown> | undefined;
      return renderAdmin(res, 400, fieldErrors(parsed.error), {
        allow_private: raw?.allow_private === '1', stale_after_months: typeof raw?.stale_after_months === 'string' ? raw.stale_after_months : '',
      });
    }
    const before = { allowPrivate: repository.allowPrivate(), staleAfterMonths: repository.staleAfterMonths() };
    const after = { allowPrivate: parsed.data.allow_private, staleAfterMonths: parsed.data.stale_after_months };
    const at = clock.now().toISOString();
    db.transaction(() => {
      repository.saveSettings(after, at);
      audit.record(actorOf(req, res), at, 'freshness.settings', { type: 'setting', id: 0 }, {
        link_check_allow_private: [before.allowPrivate, after.allowPrivate], stale_after_months: [before.staleAfterMonths, after.staleAfterMonths],
      });
    })();
    res.redirect(303, '/admin/freshness');
  });

  // 「内容に変更なし」: one click from the owner's list or detail page.
  router.post('/my/entries/:id/reconfirm', requireKind('vendor', 'secretariat'), (req, res) => {
    const id = idParam(req, NOT_OWN);
    const user = res.locals.currentUser!;
    const at = clock.now().toISOString();
    const confirmed = db.transaction(() => {
      const before = repository.ownFreshness(id, user.organisationId);
      if (!before || !repository.confirmOwn(id, user.organisationId, at)) return false;
      audit.record(actorOf(req, res), at, 'entry.reconfirm', { type: 'entry', id }, { confirmed_at: [before.confirmedAt, at] });
      return true;
    })();
    if (!confirmed) throw new NotFoundError(NOT_OWN);
    res.redirect(303, `/my/entries/${id}?reconfirmed=1`);
  });

  return router;
}
