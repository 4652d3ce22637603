import { Router, type Request, type Response } from 'express';
import { HttpError, idParam, NotFoundError } from '../../http-error.js';
import { fieldErrors, formValue, type FieldErrors } from '../../validation.js';
import { actorOf } from '../audit/actor.js';
import { actionLabel, fieldLabel, valueText } from '../audit/audit-labels.js';
import { placesOutside } from '../genres/genre-tree.js';
import type { Genre, GenresRepository } from '../genres/genres.repository.js';
import type { InfoTypesRepository } from '../info-types/info-types.repository.js';
import type { GenreReviewRepository } from './genre-review.repository.js';
import { mergeForm, moveForm, snapshotForm, splitFilter, splitForm } from './genre-review.schemas.js';
import type { GenreReviewService } from './genre-review.service.js';
import { snapshotComparison } from './snapshot-diff.js';

type Deps = { service: GenreReviewService; repository: GenreReviewRepository; genres: GenresRepository; infoTypes: InfoTypesRepository };

/** Entries listed on the split page at once: a genre holds a few hundred; narrow by word or type beyond. */
const SPLIT_LIST = 200;

/**
 * The yearly genre review (issue 22.5) beside the tree editor: merge (the contract's route), move a
 * subtree, split, each previewed first; and the fiscal year's versions of the tree. Mounted under
 * /admin behind the secretariat guard, before the editor's /genres/:id routes.
 */
export function genreReviewRoutes({ service, repository, genres, infoTypes }: Deps): Router {
  const router = Router();
  const genreOf = (req: Request): Genre => {
    const genre = genres.findGenre(idParam(req));
    if (!genre) throw new NotFoundError('このジャンルは見つかりませんでした。');
    return genre;
  };
  const crumbs = (genre: Genre | null, last: string) => [
    { label: '事務局管理', href: '/admin' }, { label: 'ジャンルの管理', href: '/admin/genres' },
    ...(genre ? [{ label: genre.name, href: `/admin/genres/${genre.id}` }] : []), { label: last },
  ];
  const pathOf = (id: number) => genres.pathsOf([id]).get(id) ?? '';

  // ---- merge ------------------------------------------------------------------------------------
  const renderMerge = (res: Response, status: number, genre: Genre, into: string, errors: FieldErrors, preview?: object) =>
    res.status(status).render('genre-review/merge', {
      title: `ジャンル「${genre.name}」の統合`, breadcrumbs: crumbs(genre, '統合'), genre, genrePath: pathOf(genre.id),
      options: placesOutside(genres.listGenres(), genre.id), into, errors, preview, sinceLabel: service.sinceLabel(),
    });

  router.get('/genres/:id/merge', (req, res) => {
    const genre = genreOf(req);
    if (req.query.into === undefined || req.query.into === '') return renderMerge(res, 200, genre, '', {});
    const parsed = mergeForm.safeParse(req.query);
    if (!parsed.success) return renderMerge(res, 400, genre, '', fieldErrors(parsed.error));
    const preview = service.mergePreview(genre, parsed.data.into);
    if ('errors' in preview) return renderMerge(res, 400, genre, String(parsed.data.into), preview.errors);
    renderMerge(res, 200, genre, String(parsed.data.into), {}, preview);
  });

  router.post('/genres/:id/merge', (req, res) => {
    const genre = genreOf(req);
    if (genre.retired) throw new HttpError(409, 'このジャンルはすでに非表示です（統合済みかもしれません）。ジャンルの管理で確かめてください。');
    const parsed = mergeForm.safeParse(req.body ?? {});
    if (!parsed.success) return renderMerge(res, 400, genre, formValue(req.body, 'into'), fieldErrors(parsed.error));
    const merged = service.merge(genre, parsed.data.into, actorOf(req, res));
    if ('errors' in merged) return renderMerge(res, 400, genre, String(parsed.data.into), merged.errors);
    res.redirect(303, '/admin/genres?done=genre-merged');
  });

  // ---- move a subtree ---------------------------------------------------------------------------
  const renderMove = (res: Response, status: number, genre: Genre, parentId: string, errors: FieldErrors, preview?: object) =>
    res.status(status).render('genre-review/move', {
      title: `ジャンル「${genre.name}」の移動`, breadcrumbs: crumbs(genre, '移動'), genre, genrePath: pathOf(genre.id),
      options: placesOutside(genres.listGenres(), genre.id), parentId, errors, preview,
    });

  router.get('/genres/:id/move', (req, res) => {
    const genre = genreOf(req);
    if (req.query.parent_id === undefined) return renderMove(res, 200, genre, '', {});
    const parsed = moveForm.safeParse(req.query);
    if (!parsed.success) return renderMove(res, 400, genre, '', fieldErrors(parsed.error));
    const preview = service.movePreview(genre, parsed.data.parent_id);
    if ('errors' in preview) return renderMove(res, 400, genre, String(parsed.data.parent_id ?? ''), preview.errors);
    renderMove(res, 200, genre, String(parsed.data.parent_id ?? ''), {}, preview);
  });

  router.post('/genres/:id/move', (req, res) => {
    const genre = genreOf(req);
    const parsed = moveForm.safeParse(req.body ?? {});
    if (!parsed.success) return renderMove(res, 400, genre, formValue(req.body, 'parent_id'), fieldErrors(parsed.error));
    const moved = service.move(genre, parsed.data.parent_id, actorOf(req, res));
    if ('errors' in moved) return renderMove(res, 400, genre, String(parsed.data.parent_id ?? ''), moved.errors);
    res.redirect(303, '/admin/genres?done=genre-moved');
  });

  // ---- split ------------------------------------------------------------------------------------
  const renderSplit = (res: Response, status: number, genre: Genre, filter: { q: string; type: number | null },
    values: { name: string; placement: string; entry: number[] }, errors: FieldErrors, preview = false) => {
    const candidates = service.splitCandidates(genre, filter, SPLIT_LIST);
    res.status(status).render('genre-review/split', {
      title: `ジャンル「${genre.name}」の分割`, breadcrumbs: crumbs(genre, '分割'), genre, genrePath: pathOf(genre.id),
      parentPath: genre.parentId === null ? null : pathOf(genre.parentId), types: infoTypes.listInfoTypes(),
      filter, candidates, limit: SPLIT_LIST, values, errors, preview,
      chosen: preview ? candidates.items.filter((e) => values.entry.includes(e.id)) : [],
    });
  };

  router.get('/genres/:id/split', (req, res) => {
    const genre = genreOf(req);
    const filter = splitFilter.parse(req.query);
    renderSplit(res, 200, genre, filter, { name: '', placement: 'child', entry: [] }, {});
  });

  router.post('/genres/:id/split', (req, res) => {
    const genre = genreOf(req);
    const filter = splitFilter.parse(req.body ?? {});
    const parsed = splitForm.safeParse(req.body ?? {});
    const raw = (req.body as Record<string, unknown> | undefined)?.entry;
    const typed = { name: formValue(req.body, 'name'), placement: formValue(req.body, 'placement') || 'child',
      entry: (Array.isArray(raw) ? raw : [raw]).map(Number).filter(Number.isInteger) };
    if (!parsed.success) return renderSplit(res, 400, genre, filter, typed, fieldErrors(parsed.error));
    // First the preview of what will move, then (confirm=1) the split itself.
    if (!parsed.data.confirm) return renderSplit(res, 200, genre, filter, typed, {}, true);
    const split = service.split(genre, { name: parsed.data.name, placement: parsed.data.placement, entryIds: parsed.data.entry }, actorOf(req, res));
    if ('errors' in split) return renderSplit(res, 400, genre, filter, typed, split.errors);
    res.redirect(303, `/admin/genres?done=genre-split`);
  });

  // ---- fiscal-year versions -------------------------------------------------------------------
  const snapshotsPage = (res: Response, status: number, errors: FieldErrors) => {
    const year = service.fiscalYearNow();
    res.status(status).render('genre-review/snapshots', {
      title: 'ジャンル体系の年度版', breadcrumbs: crumbs(null, '年度版'), snapshots: repository.snapshots(),
      years: [year + 1, year, year - 1], currentYear: year, errors,
    });
  };

  router.get('/genres/snapshots', (_req, res) => snapshotsPage(res, 200, {}));

  router.post('/genres/snapshots', (req, res) => {
    const parsed = snapshotForm.safeParse(req.body ?? {});
    if (!parsed.success) return snapshotsPage(res, 400, fieldErrors(parsed.error));
    service.saveSnapshot(parsed.data.fiscal_year, actorOf(req, res));
    res.redirect(303, `/admin/genres/snapshots/${parsed.data.fiscal_year}?done=snapshot-saved`);
  });

  router.get('/genres/snapshots/:year', (req, res) => {
    const year = /^2\d{3}$/.test(String(req.params.year)) ? Number(req.params.year) : NaN;
    const snapshot = Number.isNaN(year) ? undefined : repository.snapshot(year);
    if (!snapshot) throw new NotFoundError('この年度のジャンル体系は保存されていません。');
    res.render('genre-review/snapshot', {
      title: `ジャンル体系 ${snapshot.fiscalYear}年度版`, breadcrumbs: crumbs(null, `${snapshot.fiscalYear}年度版`),
      snapshot, comparison: snapshotComparison(snapshot.genres, genres.listGenres()), history: repository.historySince(snapshot.createdAt).map((h) => ({
        ...h, label: actionLabel(h.action),
        rows: Object.entries(h.diff).map(([field, [before, after]]) => ({ label: fieldLabel(field), before: valueText(field, before), after: valueText(field, after) })),
      })),
      done: req.query.done,
    });
  });

  return router;
}
