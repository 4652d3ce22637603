import { Router } from 'express';
import type { Clock } from '../../clock.js';
import { HttpError, idParam } from '../../http-error.js';
import { requireKind } from '../../middleware/auth.js';
import { tokyoYear } from '../../text.js';
import { actorOf } from '../audit/actor.js';
import { assertCanOpen } from '../entries/entries.access.js';
import type { EntriesRepository } from '../entries/entries.repository.js';
import { adoptionFormSchema } from './adoptions.schemas.js';
import type { AdoptionsService } from './adoptions.service.js';

/** 「導入しています」 on a detail page (issue 21.2): municipality staff mark, change or take back their organisation's use. */
export function adoptionsRoutes({ service, entries, clock }: { service: AdoptionsService; entries: EntriesRepository; clock: Clock }): Router {
  const router = Router();

  /** The entry, as the detail page's rules let this user open it, and only where its type takes the mark. */
  const adoptableEntry = (id: number, user: Parameters<typeof assertCanOpen>[0]) => {
    const entry = entries.findEntry(id);
    assertCanOpen(user, entry);
    if (!entry.adoptable) throw new HttpError(400, 'この情報には「導入しています」を登録できません（製品・サービスの情報に登録できます）。');
    return id;
  };

  router.post('/entries/:id/adoption', requireKind('municipality'), (req, res) => {
    const user = res.locals.currentUser!;
    const id = adoptableEntry(idParam(req), user);
    // The form's year is a list and its visibility starts on the most private choice, so only a
    // tampered or stale form fails here.
    const parsed = adoptionFormSchema(tokyoYear(clock.now())).safeParse(req.body ?? {});
    if (!parsed.success) throw new HttpError(400, parsed.error.issues[0]?.message ?? '入力内容を読み取れませんでした。');
    service.mark(id, parsed.data, user, actorOf(req, res));
    res.redirect(303, `/entries/${id}?adoption=saved#adoption`);
  });

  router.post('/entries/:id/adoption/remove', requireKind('municipality'), (req, res) => {
    const user = res.locals.currentUser!;
    const id = adoptableEntry(idParam(req), user);
    service.unmark(id, user, actorOf(req, res));
    res.redirect(303, `/entries/${id}?adoption=removed#adoption`);
  });

  return router;
}
