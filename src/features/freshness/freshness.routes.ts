import { Router, type Response } from 'express';
import type { Clock } from '../../clock.js';
import { idParam, NotFoundError } from '../../http-error.js';
import { requireKind } from '../../middleware/auth.js';
import { fieldErrors, formValues, renderInvalid } from '../../validation.js';
import { actorOf } from '../audit/actor.js';
import { doneMessage } from '../admin/done-messages.js';
import type { FreshnessRepository } from './freshness.repository.js';
import type { FreshnessService } from './freshness.service.js';
import { freshnessSettingsSchema } from './freshness.schemas.js';
import { STRIKES, type LinkChecker } from './link-checker.js';
import { staleBefore } from './stale-reminders.js';

type Deps = { service: FreshnessService; repository: FreshnessRepository; checker: LinkChecker; clock: Clock };

const NOT_OWN = 'お探しの登録情報は見つかりませんでした。削除されたか、他の団体の情報です。';

/**
 * Catalog freshness (issue 10): the secretariat's view of failing links and stale entries with the
 * checker's settings (/admin/freshness), and the owner's one-click "no changes" confirmation.
 */
export function freshnessRoutes({ service, repository, checker, clock }: Deps): Router {
  const router = Router();

  const adminPage = (res: Response) => {
    const months = repository.staleAfterMonths();
    return {
      title: '情報の鮮度', breadcrumbs: [{ label: '事務局管理', href: '/admin' }, { label: '情報の鮮度' }],
      failing: repository.failing(1, 500), strikes: STRIKES, refused: repository.refusedCount(),
      staleCount: repository.staleCount(staleBefore(clock.now(), months)), months,
      running: checker.running(), started: res.req.query.started === '1', lastRun: repository.lastRun(),
    };
  };

  router.get('/admin/freshness', requireKind('secretariat'), (req, res) => {
    res.locals.done = doneMessage(req.query.done);
    const saved = { allow_private: repository.allowPrivate() ? '1' : '', stale_after_months: String(repository.staleAfterMonths()) };
    res.render('freshness/admin', { ...adminPage(res), errors: {}, values: saved });
  });

  // Runs in the background (a full check takes minutes); the page says it is running until it ends.
  router.post('/admin/freshness/check', requireKind('secretariat'), (req, res) => {
    service.startFullCheck(actorOf(req, res));
    res.redirect(303, '/admin/freshness?started=1');
  });

  router.post('/admin/freshness/settings', requireKind('secretariat'), (req, res) => {
    const parsed = freshnessSettingsSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      const typed = formValues(req.body, 'allow_private', 'stale_after_months');
      return renderInvalid(res, 'freshness/admin', fieldErrors(parsed.error), { ...typed, allow_private: typed.allow_private === '1' ? '1' : '' }, adminPage(res));
    }
    service.saveSettings({ allowPrivate: parsed.data.allow_private, staleAfterMonths: parsed.data.stale_after_months }, actorOf(req, res));
    res.redirect(303, '/admin/freshness?done=freshness-saved');
  });

  // 「内容に変更なし」: one click from the owner's list or detail page.
  router.post('/my/entries/:id/reconfirm', requireKind('vendor', 'secretariat'), (req, res) => {
    const id = idParam(req, NOT_OWN);
    if (!service.reconfirm(id, res.locals.currentUser!.organisationId, actorOf(req, res))) throw new NotFoundError(NOT_OWN);
    res.redirect(303, `/my/entries/${id}?reconfirmed=1`);
  });

  return router;
}
