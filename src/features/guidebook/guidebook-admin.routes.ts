import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { requireKind } from '../../middleware/auth.js';
import { fieldErrors, formValue, type FieldErrors } from '../../validation.js';
import { doneMessage } from '../admin/done-messages.js';
import { actorOf } from '../audit/actor.js';
import { activeGenreTree, selectableGenreIds } from '../genres/genre-tree.js';
import type { GenresRepository } from '../genres/genres.repository.js';
import { idList } from '../search/search.schemas.js';
import { guidebookItemOr404, type Guidebook } from './guidebook.content.js';
import type { GuidebookRepository } from './guidebook.repository.js';
import type { GuidebookService } from './guidebook.service.js';

/** How many of each an item may name: a short list a reader follows, not a second catalog. */
export const MAX_ITEM_GENRES = 12;
export const MAX_ITEM_ENTRIES = 12;

type PublishedEntry = { id: number; title: string; typeName: string; organisationName: string };
type Deps = {
  guidebook: Guidebook; repository: GuidebookRepository; service: GuidebookService; genres: GenresRepository;
  publishedEntries: (ids: readonly number[]) => PublishedEntry[];
};

const linksForm = z.object({
  genre: idList('行政課題のジャンルの指定が正しくありません。').refine((ids) => ids.length <= MAX_ITEM_GENRES, `行政課題のジャンルは${MAX_ITEM_GENRES}件までにしてください。`),
  // Numbers, one or more per line, separated by commas or spaces as a person types them.
  entries: z.string().optional().transform((v) => (v ?? '').split(/[\s,、，]+/).filter((t) => t !== ''))
    .pipe(z.array(z.string().regex(/^[1-9]\d{0,9}$/, '情報の番号は数字で入力してください（例：120, 3456）。')))
    .transform((ids) => [...new Set(ids.map(Number))])
    .refine((ids) => ids.length <= MAX_ITEM_ENTRIES, `情報は${MAX_ITEM_ENTRIES}件までにしてください。`),
});

/** /admin/guidebook: which genres and entries each checklist item leads to (issue 23.4). */
export function guidebookAdminRoutes({ guidebook, repository, service, genres, publishedEntries }: Deps): Router {
  const router = Router();
  const secretariat = requireKind('secretariat');

  const itemOr404 = (req: Request) => guidebookItemOr404(guidebook, req.params.n);

  router.get('/admin/guidebook', secretariat, (req, res) => {
    res.locals.done = doneMessage(req.query.done);
    const links = repository.itemLinks();
    const paths = genres.pathsOf([...links.values()].flatMap((l) => l.genreIds));
    res.render('admin/guidebook', {
      title: 'ガイドブックの項目と情報の対応',
      breadcrumbs: [{ label: '事務局管理', href: '/admin' }, { label: 'ガイドブックの項目と情報の対応' }],
      items: guidebook.items.map((item) => {
        const l = links.get(item.number) ?? { genreIds: [], entryIds: [] };
        const entries = publishedEntries(l.entryIds);
        return { ...item, genrePaths: l.genreIds.map((id) => paths.get(id) ?? ''), entries, hidden: l.entryIds.length - entries.length };
      }),
    });
  });

  const editPage = (req: Request, res: Response, status: number, form?: { genre: number[]; entries: string; errors: FieldErrors }) => {
    const item = itemOr404(req);
    const saved = repository.itemLinks().get(item.number) ?? { genreIds: [], entryIds: [] };
    res.status(status).render('admin/guidebook-item', {
      title: `チェックリスト${item.number}と情報の対応`,
      breadcrumbs: [{ label: '事務局管理', href: '/admin' }, { label: 'ガイドブックの項目と情報の対応', href: '/admin/guidebook' }, { label: `チェックリスト${item.number}` }],
      item, tree: activeGenreTree(genres.listGenres()), limits: { genres: MAX_ITEM_GENRES, entries: MAX_ITEM_ENTRIES },
      values: { genre: form?.genre ?? saved.genreIds, entries: form?.entries ?? saved.entryIds.join('\n') },
      savedEntries: publishedEntries(saved.entryIds),
      errors: form?.errors ?? {},
    });
  };

  router.get('/admin/guidebook/items/:n', secretariat, (req, res) => editPage(req, res, 200));

  router.post('/admin/guidebook/items/:n', secretariat, (req, res) => {
    const item = itemOr404(req);
    const raw = (req.body as Record<string, unknown> | undefined)?.genre;
    const typed = { genre: [raw ?? []].flat().map(Number).filter(Number.isInteger), entries: formValue(req.body, 'entries') };
    const parsed = linksForm.safeParse(req.body ?? {});
    const errors: FieldErrors = parsed.success ? {} : fieldErrors(parsed.error);
    if (parsed.success) {
      const selectable = selectableGenreIds(genres.listGenres());
      if (parsed.data.genre.some((id) => !selectable.has(id))) errors.genre = '行政課題のジャンルの指定が正しくありません。表示中のジャンルから選んでください。';
      const found = new Set(publishedEntries(parsed.data.entries).map((e) => e.id));
      const missing = parsed.data.entries.filter((id) => !found.has(id));
      if (missing.length > 0) errors.entries = `公開中の情報が見つからない番号があります：${missing.join('、')}`;
    }
    if (!parsed.success || Object.keys(errors).length > 0) return editPage(req, res, 400, { ...typed, errors });
    service.saveItemLinks(actorOf(req, res), item.number, { genreIds: parsed.data.genre, entryIds: parsed.data.entries });
    res.redirect(303, '/admin/guidebook?done=guidebook-links-saved');
  });

  return router;
}
