import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import { idParam, NotFoundError } from '../../http-error.js';
import { CONFLICT_MESSAGE, fieldErrors, versionOf, type FieldErrors } from '../../validation.js';
import { actorOf } from '../audit/actor.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { Genre, GenresRepository } from '../genres/genres.repository.js';
import type { InfoTypesRepository } from '../info-types/info-types.repository.js';

const name = (label: string, max: number) =>
  z.string({ message: `${label}を入力してください。` }).trim().min(1, `${label}を入力してください。`).max(max, `${label}は${max}文字以内で入力してください。`);
const optionalId = z.string().optional().transform((v) => (v ?? '').trim())
  .pipe(z.string().regex(/^(|[1-9]\d{0,9})$/, '親ジャンルの指定が正しくありません。'))
  .transform((v) => (v === '' ? null : Number(v)));
const sortOrder = z.string({ message: '並び順は整数で入力してください。' }).trim()
  .regex(/^-?\d{1,6}$/, '並び順は整数で入力してください。').transform(Number);

// The CSV import writes a genre as its path joined by '/' and separates genres by ';' (full-width
// forms too, after NFKC): a name containing either could not be written there.
const genreName = name('ジャンル名', 50).refine((v) => !/[/;]/.test(v.normalize('NFKC')), {
  message: 'ジャンル名に「/」「;」は使えません（CSVの取り込みでジャンルの区切りに使います）。',
});
const genreAddForm = z.object({ name: genreName, parent_id: optionalId });
const genreEditForm = z.object({ name: genreName, parent_id: optionalId, sort_order: sortOrder });
const typeAddForm = z.object({ name: name('情報種別名', 50) });
const typeEditForm = z.object({ name: name('情報種別名', 50), sort_order: sortOrder });

type Deps = { db: Db; genres: GenresRepository; infoTypes: InfoTypesRepository; audit: AuditRepository; clock: Clock };

type TreeNode = Genre & { children: TreeNode[]; depth: number };

/** Every genre, retired ones included, as a tree in display order. */
function fullTree(all: readonly Genre[]): TreeNode[] {
  const nodes = new Map(all.map((g) => [g.id, { ...g, children: [] as TreeNode[], depth: 0 }]));
  const roots: TreeNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId === null ? undefined : nodes.get(node.parentId);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const setDepth = (list: TreeNode[], depth: number) => list.forEach((n) => { n.depth = depth; setDepth(n.children, depth + 1); });
  setDepth(roots, 0);
  return roots;
}

/** Flattened for a <select>: each genre with its depth, in tree order. */
function flatten(tree: TreeNode[]): TreeNode[] {
  return tree.flatMap((n) => [n, ...flatten(n.children)]);
}

/** The genre tree editor and the info types (管理者側機能 2). Every change is audited. */
export function adminTaxonomyRoutes({ db, genres, infoTypes, audit, clock }: Deps): Router {
  const router = Router();

  const renderGenres = (res: Response, status = 200, errors: FieldErrors = {}, values = { name: '', parent_id: '' }) => {
    const tree = fullTree(genres.listGenres());
    res.status(status).render('admin/genres', {
      title: 'ジャンルの管理', breadcrumbs: [{ label: '事務局管理', href: '/admin' }, { label: 'ジャンルの管理' }],
      tree, options: flatten(tree), errors, values,
    });
  };

  const renderGenre = (res: Response, genre: Genre, status = 200, errors: FieldErrors = {}, values?: Record<string, string>) => {
    const tree = fullTree(genres.listGenres());
    res.status(status).render('admin/genre', {
      title: `ジャンル「${genre.name}」`,
      breadcrumbs: [{ label: '事務局管理', href: '/admin' }, { label: 'ジャンルの管理', href: '/admin/genres' }, { label: genre.name }],
      genre, options: flatten(tree), errors, entryCount: genres.entryCount(genre.id),
      values: values ?? {
        name: genre.name, parent_id: genre.parentId === null ? '' : String(genre.parentId), sort_order: String(genre.sortOrder), version: String(genre.version),
      },
    });
  };

  router.get('/genres', (_req, res) => renderGenres(res));

  router.post('/genres', (req, res) => {
    const parsed = genreAddForm.safeParse(req.body ?? {});
    const values = { name: String(req.body?.name ?? ''), parent_id: String(req.body?.parent_id ?? '') };
    if (!parsed.success) return renderGenres(res, 400, fieldErrors(parsed.error), values);
    const { name: genreName, parent_id: parentId } = parsed.data;
    if (parentId !== null && !genres.findGenre(parentId)) return renderGenres(res, 400, { parent_id: '親ジャンルが見つかりません。' }, values);
    if (genres.siblingNamed(parentId, genreName)) return renderGenres(res, 400, { name: '同じ親の下に同じ名前のジャンルがあります。' }, values);
    const at = clock.now().toISOString();
    db.transaction(() => {
      const id = genres.insertGenre(parentId, genreName, genres.nextSortOrder(parentId), at);
      audit.record(actorOf(req, res), at, 'genre.create', { type: 'genre', id }, { name: [null, genreName], parent_id: [null, parentId] });
    })();
    res.redirect(303, '/admin/genres?done=genre-created');
  });

  router.get('/genres/:id', (req, res) => {
    const genre = genres.findGenre(idParam(req));
    if (!genre) throw new NotFoundError();
    renderGenre(res, genre);
  });

  router.post('/genres/:id', (req, res) => {
    const genre = genres.findGenre(idParam(req));
    if (!genre) throw new NotFoundError();
    const values = {
      name: String(req.body?.name ?? ''), parent_id: String(req.body?.parent_id ?? ''), sort_order: String(req.body?.sort_order ?? ''),
      version: String(req.body?.version ?? ''),
    };
    const parsed = genreEditForm.safeParse(req.body ?? {});
    if (!parsed.success) return renderGenre(res, genre, 400, fieldErrors(parsed.error), values);
    const { name: genreName, parent_id: parentId, sort_order: order } = parsed.data;
    if (parentId !== null && !genres.findGenre(parentId)) return renderGenre(res, genre, 400, { parent_id: '親ジャンルが見つかりません。' }, values);
    if (parentId !== null && genres.isInSubtree(genre.id, parentId)) {
      return renderGenre(res, genre, 400, { parent_id: '自分自身やその下位のジャンルの下には移動できません。' }, values);
    }
    if (genres.siblingNamed(parentId, genreName, genre.id)) return renderGenre(res, genre, 400, { name: '同じ親の下に同じ名前のジャンルがあります。' }, values);
    const at = clock.now().toISOString();
    const saved = db.transaction(() => {
      if (!genres.updateGenre(genre.id, versionOf(req.body) ?? 0, { name: genreName, parentId, sortOrder: order }, at)) return false;
      const diff: Record<string, [unknown, unknown]> = {};
      if (genre.name !== genreName) diff.name = [genre.name, genreName];
      if (genre.parentId !== parentId) diff.parent_id = [genre.parentId, parentId];
      if (genre.sortOrder !== order) diff.sort_order = [genre.sortOrder, order];
      audit.record(actorOf(req, res), at, 'genre.update', { type: 'genre', id: genre.id }, diff);
      return true;
    })();
    if (!saved) {
      const now = genres.findGenre(genre.id)!;
      return renderGenre(res, now, 409, { _form: CONFLICT_MESSAGE }, { ...values, version: String(now.version) });
    }
    res.redirect(303, '/admin/genres?done=genre-updated');
  });

  for (const [action, retire] of [['retire', true], ['restore', false]] as const) {
    router.post(`/genres/:id/${action}`, (req, res) => {
      const genre = genres.findGenre(idParam(req));
      if (!genre) throw new NotFoundError();
      const at = clock.now().toISOString();
      db.transaction(() => {
        if (retire) genres.retireSubtree(genre.id, at);
        else genres.restoreSubtree(genre.id, at);
        audit.record(actorOf(req, res), at, `genre.${action}`, { type: 'genre', id: genre.id }, { retired: [!retire, retire] });
      })();
      res.redirect(303, `/admin/genres?done=genre-${retire ? 'retired' : 'restored'}`);
    });
  }

  /** `edited`: a type's form shown with what was typed (after a refused save) instead of what is saved. */
  const renderTypes = (res: Response, status = 200, errors: FieldErrors = {}, values = { name: '' },
    edited?: { id: number; name: string; sort_order: string; version: string }) =>
    res.status(status).render('admin/types', {
      title: '情報種別の管理', breadcrumbs: [{ label: '事務局管理', href: '/admin' }, { label: '情報種別の管理' }],
      types: infoTypes.listInfoTypes(), errors, values, edited,
    });

  router.get('/types', (_req, res) => renderTypes(res));

  router.post('/types', (req, res) => {
    const parsed = typeAddForm.safeParse(req.body ?? {});
    const values = { name: String(req.body?.name ?? '') };
    if (!parsed.success) return renderTypes(res, 400, fieldErrors(parsed.error), values);
    if (infoTypes.nameTaken(parsed.data.name)) return renderTypes(res, 400, { name: '同じ名前の情報種別があります。' }, values);
    const at = clock.now().toISOString();
    db.transaction(() => {
      const id = infoTypes.insertInfoType(parsed.data.name, at);
      audit.record(actorOf(req, res), at, 'type.create', { type: 'info_type', id }, { name: [null, parsed.data.name] });
    })();
    res.redirect(303, '/admin/types?done=type-created');
  });

  router.post('/types/:id', (req, res) => {
    const id = idParam(req);
    const current = infoTypes.listInfoTypes().find((t) => t.id === id);
    if (!current) throw new NotFoundError();
    const parsed = typeEditForm.safeParse(req.body ?? {});
    const typed = { id, name: String(req.body?.name ?? ''), sort_order: String(req.body?.sort_order ?? ''), version: String(req.body?.version ?? '') };
    if (!parsed.success) return renderTypes(res, 400, fieldErrors(parsed.error), { name: '' }, typed);
    if (infoTypes.nameTaken(parsed.data.name, id)) return renderTypes(res, 400, { name: '同じ名前の情報種別があります。' }, { name: '' }, typed);
    const at = clock.now().toISOString();
    const saved = db.transaction(() => {
      if (!infoTypes.updateInfoType(id, versionOf(req.body) ?? 0, parsed.data.name, parsed.data.sort_order, at)) return false;
      audit.record(actorOf(req, res), at, 'type.update', { type: 'info_type', id }, {
        name: [current.name, parsed.data.name], sort_order: [current.sortOrder, parsed.data.sort_order],
      });
      return true;
    })();
    if (!saved) {
      const now = infoTypes.listInfoTypes().find((t) => t.id === id)!;
      return renderTypes(res, 409, { _form: CONFLICT_MESSAGE }, { name: '' }, { ...typed, version: String(now.version) });
    }
    res.redirect(303, '/admin/types?done=type-updated');
  });

  return router;
}
