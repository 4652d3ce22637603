import { Router } from 'express';
import { idParam, NotFoundError } from '../../http-error.js';
import { requireKind } from '../../middleware/auth.js';
import { rowId } from '../../validation.js';
import { actorOf } from '../audit/actor.js';
import type { EntryLinksService } from './entry-links.service.js';

/**
 * An organisation's answer to another's link to its entry (issue 21.1): hide it from the entry's
 * pages, or show it again. The owner's entry page (/my/entries/:id) holds the buttons.
 */
export function entryLinksRoutes({ service }: { service: EntryLinksService }): Router {
  const router = Router();
  for (const action of ['hide', 'show'] as const) {
    router.post(`/my/entries/:id/related/:from/${action}`, requireKind('vendor', 'secretariat'), (req, res) => {
      const to = idParam(req);
      const from = rowId(req.params.from);
      // The same answer whether the link is missing, not another organisation's, or the entry not
      // this organisation's: nothing here tells what exists elsewhere.
      if (from === null || !service.setHidden({ from, to }, action === 'hide', res.locals.currentUser!, actorOf(req, res))) {
        throw new NotFoundError('お探しの関連付けは見つかりませんでした。すでに変更されたか、他の団体の情報です。');
      }
      res.redirect(303, `/my/entries/${to}#related`);
    });
  }
  return router;
}
