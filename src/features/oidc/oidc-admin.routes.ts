import { Router, type RequestHandler, type Response } from 'express';
import type { Clock } from '../../clock.js';
import { HttpError, idParam, NotFoundError } from '../../http-error.js';
import { multipartForm, uploadProblemMessages } from '../../middleware/upload.js';
import { formValue } from '../../validation.js';
import { problemLines } from '../admin/admin-csv.js';
import { actorOf } from '../audit/actor.js';
import { linkCsv, type LinkProblem } from './oidc-import.js';
import { linkForm } from './oidc.schemas.js';
import type { LinkPlan, OidcService } from './oidc.service.js';

type Deps = { service: OidcService; userExists: (id: number) => boolean; clock: Clock; verifyCsrf: RequestHandler };

type ImportLocals = { problems?: LinkProblem[]; plan?: LinkPlan; previewKey?: string; result?: { linked: number; unlinked: number } };

/**
 * The secretariat's side of sign-in through the issuer (mounted behind its guard under /admin): an
 * account's link on its page (POST /admin/users/:id/oidc-link), and the bulk link from a CSV of login
 * ID and subject (/admin/import/oidc-links: upload → whole-file check and preview → commit).
 */
export function oidcAdminRoutes({ service, userExists, clock, verifyCsrf }: Deps): Router {
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

  const title = 'ＡＰＰＬＩＣ会員IDの一括結び付け';
  const render = (res: Response, status: number, locals: ImportLocals) => {
    const problems = locals.problems ?? [];
    res.status(status).render('oidc/import', {
      title, breadcrumbs: [{ label: '事務局管理', href: '/admin' }, { label: 'CSVの取り込み', href: '/admin/import' }, { label: title }],
      plan: undefined, previewKey: undefined, result: undefined, ...locals,
      errors: problemLines(problems), problems: problems.filter((p) => p.row !== null),
    });
  };
  const message = (text: string): LinkProblem[] => [{ row: null, column: null, cell: null, message: text }];

  router.get('/import/oidc-links', (_req, res) => render(res, 200, {}));

  router.get('/import/oidc-links.csv', (_req, res) => {
    res.set('Content-Type', 'text/csv; charset=utf-8');
    res.attachment(`applic-id-links-${clock.now().toISOString().slice(0, 10).replaceAll('-', '')}.csv`);
    res.send(linkCsv(service.linksCsvRows()));
  });

  router.post('/import/oidc-links', multipartForm('file', verifyCsrf), (req, res) => {
    const problem = res.locals.uploadProblem;
    if (problem) return render(res, problem === 'too_large' ? 413 : 400, { problems: message(uploadProblemMessages[problem]) });
    if (!req.file || req.file.size === 0) return render(res, 400, { problems: message('CSVファイルを選択してください。') });
    const outcome = service.previewImport(req.file.buffer, res.locals.currentUser!.id);
    if ('errors' in outcome) return render(res, 400, { problems: outcome.errors });
    render(res, 200, { plan: outcome.plan, previewKey: outcome.key });
  });

  router.post('/import/oidc-links/commit', (req, res) => {
    const outcome = service.commitImport(formValue(req.body, 'key'), actorOf(req, res));
    if (!outcome) {
      return render(res, 400, { problems: message('確認画面の有効期限（1時間）が切れたか、すでに取り込み済みです。お手数ですが、CSVファイルをもう一度選んでください。') });
    }
    if ('errors' in outcome) return render(res, 400, { problems: [...message('確認のあとにアカウントや結び付けが変わったため、取り込めませんでした。'), ...outcome.errors] });
    render(res, 200, { result: outcome });
  });

  return router;
}
