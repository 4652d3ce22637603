import { Router, type Response } from 'express';
import { HttpError } from '../../http-error.js';
import { fieldErrors, formValue } from '../../validation.js';
import { actorOf } from '../audit/actor.js';
import type { AdminReviewService } from './admin-review.service.js';
import { reviewFormSchema, reviewQuerySchema } from './admin.schemas.js';

/** /admin/review: the queue of new and changed entries, worked through 30 at a time. */
export function adminReviewRoutes({ service }: { service: AdminReviewService }): Router {
  const router = Router();
  const crumbs = [{ label: '事務局管理', href: '/admin' }, { label: '確認待ちの登録・変更' }];
  const pageHref = (page: number) => (page > 1 ? `/admin/review?page=${page}` : '/admin/review');

  const render = (res: Response, status: number, page: number, extra: { reviewed?: number; error?: string } = {}) => {
    const queue = service.queue(page);
    res.status(status).render('admin/review', {
      title: '確認待ちの登録・変更', breadcrumbs: crumbs, ...queue, page, pageHref, reviewed: extra.reviewed, error: extra.error,
    });
  };

  router.get('/review', (req, res) => {
    const parsed = reviewQuerySchema.safeParse(req.query);
    if (!parsed.success) throw new HttpError(400, 'ページの指定が正しくありません。');
    render(res, 200, parsed.data.page, { reviewed: parsed.data.reviewed });
  });

  router.post('/review', (req, res) => {
    const parsed = reviewFormSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      const page = reviewQuerySchema.safeParse({ page: formValue(req.body, 'page') || undefined }).data?.page ?? 1;
      return render(res, 400, page, { error: Object.values(fieldErrors(parsed.error))[0] });
    }
    const reviewed = service.markReviewed(parsed.data.ids, actorOf(req, res));
    // Back to the page the user was on, which now holds the next ones in line (or the last page).
    const page = Math.min(parsed.data.page, service.totalPages());
    res.redirect(303, `/admin/review?${new URLSearchParams({ ...(page > 1 ? { page: String(page) } : {}), reviewed: String(reviewed) })}`);
  });

  return router;
}
