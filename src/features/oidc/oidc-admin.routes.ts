import { Router } from 'express';
import { z } from 'zod';
import { HttpError, idParam, NotFoundError } from '../../http-error.js';
import { actorOf } from '../audit/actor.js';
import type { OidcService } from './oidc.service.js';

const linkForm = z.object({
  subject: z.string({ message: 'ＡＰＰＬＩＣ会員IDの識別子を入力してください。' }).trim()
    .max(255, 'ＡＰＰＬＩＣ会員IDの識別子は255文字以内で入力してください。')
    .regex(/^[\x21-\x7e]*$/, 'ＡＰＰＬＩＣ会員IDの識別子は半角の英数字・記号で入力してください（空白は使えません）。'),
});

/** POST /admin/users/:id/oidc-link: the account's link to a subject at the issuer (mounted behind the secretariat guard). */
export function oidcAdminRoutes({ service, userExists }: { service: OidcService; userExists: (id: number) => boolean }): Router {
  const router = Router();
  router.post('/users/:id/oidc-link', (req, res) => {
    const id = idParam(req);
    if (!userExists(id)) throw new NotFoundError();
    const parsed = linkForm.safeParse(req.body ?? {});
    if (!parsed.success) throw new HttpError(400, parsed.error.issues[0]!.message);
    const outcome = service.link(actorOf(req, res), id, parsed.data.subject);
    if (outcome === 'taken') throw new HttpError(409, 'このＡＰＰＬＩＣ会員IDは、すでに別のアカウントに結び付けられています。先にそちらの結び付けを外してください。');
    res.redirect(303, `/admin/users/${id}?done=${outcome === 'linked' ? 'oidc-linked' : 'oidc-unlinked'}#oidc`);
  });
  return router;
}
