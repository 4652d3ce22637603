import { Router, type RequestHandler, type Response } from 'express';
import type { Clock } from '../../clock.js';
import { multipartForm, uploadProblemMessages } from '../../middleware/upload.js';
import { actorOf } from '../audit/actor.js';
import { fieldLabel } from '../audit/audit-labels.js';
import { CSV_COLUMN_GUIDE, problemLines, type ImportProblem } from './admin-csv.js';
import type { AdminImportService, ImportPlan } from './admin-import.service.js';
import { formValue } from '../../validation.js';

type Deps = { service: AdminImportService; clock: Clock; verifyCsrf: RequestHandler; oidcEnabled: boolean };

type PageLocals = {
  errors?: ImportProblem[]; createOrgs?: boolean; plan?: ImportPlan; previewKey?: string; result?: { created: number; updated: number };
};

/** CSV export of all entries that are not deleted, and the import: upload → preview → commit. */
export function adminImportRoutes({ service, clock, verifyCsrf, oidcEnabled }: Deps): Router {
  const router = Router();
  const crumbs = [{ label: '事務局管理', href: '/admin' }, { label: 'CSVの取り込み' }];

  /** The page; a file with problems lists them by row (the summary) and by cell (行・列・内容). */
  const render = (res: Response, status: number, locals: PageLocals) => {
    const problems = locals.errors ?? [];
    res.status(status).render('admin/import', {
      title: 'CSVの取り込み', breadcrumbs: crumbs, fieldLabel, oidcEnabled, createOrgs: false, plan: undefined, previewKey: undefined, result: undefined, ...locals,
      errors: problemLines(problems), problems: problems.filter((p) => p.row !== null), columnGuide: CSV_COLUMN_GUIDE,
    });
  };
  const message = (text: string): ImportProblem[] => [{ row: null, column: null, cell: null, message: text }];

  router.get('/export.csv', (_req, res) => {
    const stamp = clock.now().toISOString().slice(0, 10).replaceAll('-', '');
    res.set('Content-Type', 'text/csv; charset=utf-8');
    res.attachment(`entries-${stamp}.csv`);
    res.send(service.exportCsv());
  });

  router.get('/import', (_req, res) => render(res, 200, {}));

  // A file to start from, in the import's own format (UTF-8 with BOM, so Excel opens it as Japanese).
  router.get('/import/sample.csv', (_req, res) => {
    res.set('Content-Type', 'text/csv; charset=utf-8');
    res.attachment('import-sample.csv');
    res.send(service.sampleCsv());
  });

  router.post('/import', multipartForm('file', verifyCsrf), (req, res) => {
    const problem = res.locals.uploadProblem;
    if (problem) return render(res, problem === 'too_large' ? 413 : 400, { errors: message(uploadProblemMessages[problem]) });
    const createOrgs = formValue(req.body, 'create_orgs') === '1';
    if (!req.file || req.file.size === 0) return render(res, 400, { errors: message('CSVファイルを選択してください。'), createOrgs });
    const outcome = service.preview(req.file.buffer, createOrgs, res.locals.currentUser!);
    if ('errors' in outcome) return render(res, 400, { errors: outcome.errors, createOrgs });
    render(res, 200, { plan: outcome.plan, previewKey: outcome.key, createOrgs });
  });

  router.post('/import/commit', (req, res) => {
    const key = formValue(req.body, 'key');
    const outcome = service.commit(key, res.locals.currentUser!, actorOf(req, res));
    if (!outcome) {
      return render(res, 400, { errors: message('確認画面の有効期限（1時間）が切れたか、すでに取り込み済みです。お手数ですが、CSVファイルをもう一度選んでください。') });
    }
    if ('errors' in outcome) return render(res, 400, { errors: [...message('確認のあとに登録情報やジャンルが変わったため、取り込めませんでした。'), ...outcome.errors] });
    render(res, 200, { result: outcome });
  });

  return router;
}
