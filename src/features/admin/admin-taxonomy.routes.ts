import { Router } from 'express';
import { idParam, NotFoundError } from '../../http-error.js';
import { answerSave, fieldErrors, formValues, versionOf, type SaveOutcome } from '../../validation.js';
import { actorOf } from '../audit/actor.js';
import { editorGenreTree, flattenGenreTree, placesOutside } from '../genres/genre-tree.js';
import type { Genre, GenresRepository } from '../genres/genres.repository.js';
import type { InfoTypesRepository } from '../info-types/info-types.repository.js';
import type { AdminTaxonomyService } from './admin-taxonomy.service.js';
import type { MergeReach } from '../genre-review/genre-review.repository.js';
import { genreAddForm, genreEditForm, typeAddForm, typeEditForm } from './admin.schemas.js';

type Deps = { service: AdminTaxonomyService; genres: GenresRepository; infoTypes: InfoTypesRepository; mergeReachOf: (genreId: number) => MergeReach };

/** The genre tree editor and the info types (管理者側機能 2). Every change is audited by the service. */
export function adminTaxonomyRoutes({ service, genres, infoTypes, mergeReachOf }: Deps): Router {
  const router = Router();
  const section = { label: 'ジャンルの管理', href: '/admin/genres' };

  const genresPage = (open = false) => {
    const tree = editorGenreTree(genres.listGenres());
    return {
      title: 'ジャンルの管理', breadcrumbs: [{ label: '事務局管理', href: '/admin' }, { label: section.label }],
      tree, options: flattenGenreTree(tree), open, errors: {}, values: { name: '', parent_id: '' },
    };
  };

  const genrePage = (genre: Genre) => ({
    title: `ジャンル「${genre.name}」`,
    breadcrumbs: [{ label: '事務局管理', href: '/admin' }, section, { label: genre.name }],
    genre, options: flattenGenreTree(editorGenreTree(genres.listGenres())), entryCount: genres.entryCount(genre.id), errors: {},
    // The merge form (issue 22.5): what would move, and the genres it may go into (not its own subtree, not retired ones).
    mergeReach: mergeReachOf(genre.id),
    mergeOptions: placesOutside(genres.listGenres(), genre.id),
    values: { name: genre.name, parent_id: genre.parentId === null ? '' : String(genre.parentId), sort_order: String(genre.sortOrder), version: String(genre.version) },
  });

  const genreOf = (id: number) => {
    const genre = genres.findGenre(id);
    if (!genre) throw new NotFoundError();
    return genre;
  };

  // ?open=all: every branch open, for reading the whole tree or finding a genre with the browser's search.
  router.get('/genres', (req, res) => res.render('admin/genres', genresPage(req.query.open === 'all')));
  router.get('/genres/:id', (req, res) => res.render('admin/genre', genrePage(genreOf(idParam(req)))));

  router.post('/genres', (req, res) => {
    const values = formValues(req.body, 'name', 'parent_id');
    const parsed = genreAddForm.safeParse(req.body ?? {});
    const outcome: SaveOutcome = parsed.success ? service.addGenre(parsed.data, actorOf(req, res)) : { errors: fieldErrors(parsed.error) };
    answerSave(res, outcome, {
      done: () => '/admin/genres?done=genre-created', view: 'admin/genres', locals: () => genresPage(), values, currentVersion: () => '',
    });
  });

  router.post('/genres/:id', (req, res) => {
    const genre = genreOf(idParam(req));
    const values = formValues(req.body, 'name', 'parent_id', 'sort_order', 'version');
    const parsed = genreEditForm.safeParse(req.body ?? {});
    const outcome: SaveOutcome = parsed.success
      ? service.saveGenre(genre, versionOf(req.body), parsed.data, actorOf(req, res)) : { errors: fieldErrors(parsed.error) };
    answerSave(res, outcome, {
      done: () => '/admin/genres?done=genre-updated', view: 'admin/genre', values,
      // The genre as it is now: after a conflict, the other save's name and version.
      locals: () => genrePage(genreOf(genre.id)), currentVersion: () => String(genreOf(genre.id).version),
    });
  });

  for (const [action, retire] of [['retire', true], ['restore', false]] as const) {
    router.post(`/genres/:id/${action}`, (req, res) => {
      service.setRetired(genreOf(idParam(req)), retire, actorOf(req, res));
      res.redirect(303, `/admin/genres?done=genre-${retire ? 'retired' : 'restored'}`);
    });
  }

  /** The types page; `editedId` names the type whose row shows what was typed (`values`) instead of what is saved. */
  const typesPage = (editedId?: number) => ({
    title: '情報種別の管理', breadcrumbs: [{ label: '事務局管理', href: '/admin' }, { label: '情報種別の管理' }],
    types: infoTypes.listInfoTypes(), editedId,
  });

  router.get('/types', (_req, res) => res.render('admin/types', { ...typesPage(), errors: {}, values: { name: '' } }));

  router.post('/types', (req, res) => {
    const parsed = typeAddForm.safeParse(req.body ?? {});
    const outcome: SaveOutcome = parsed.success ? service.addInfoType(parsed.data.name, actorOf(req, res)) : { errors: fieldErrors(parsed.error) };
    answerSave(res, outcome, {
      done: () => '/admin/types?done=type-created', view: 'admin/types', values: formValues(req.body, 'name'),
      locals: () => typesPage(), currentVersion: () => '',
    });
  });

  router.post('/types/:id', (req, res) => {
    const id = idParam(req);
    const typeOf = () => {
      const type = infoTypes.listInfoTypes().find((t) => t.id === id);
      if (!type) throw new NotFoundError();
      return type;
    };
    typeOf();
    const parsed = typeEditForm.safeParse(req.body ?? {});
    const outcome: SaveOutcome = parsed.success
      ? service.saveInfoType(id, versionOf(req.body), parsed.data, actorOf(req, res)) : { errors: fieldErrors(parsed.error) };
    answerSave(res, outcome, {
      done: () => '/admin/types?done=type-updated', view: 'admin/types', values: formValues(req.body, 'name', 'sort_order', 'version'),
      // After a conflict the row keeps what was typed, with the version now saved.
      locals: () => typesPage(id), currentVersion: () => String(typeOf().version),
    });
  });

  return router;
}
