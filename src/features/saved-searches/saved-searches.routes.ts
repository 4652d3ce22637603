import { Router, type Response } from 'express';
import { NotFoundError } from '../../http-error.js';
import { requireKind } from '../../middleware/auth.js';
import { fieldErrors, type FieldErrors, formValue, rowId } from '../../validation.js';
import { actorOf } from '../audit/actor.js';
import { type GenresRepository } from '../genres/genres.repository.js';
import { genrePaths } from '../genres/genre-tree.js';
import type { InfoTypesRepository } from '../info-types/info-types.repository.js';
import { searchQueryString } from '../search/search.schemas.js';
import type { SavedSearch, SavedSearchesRepository } from './saved-searches.repository.js';
import type { SavedSearchesService } from './saved-searches.service.js';
import { MAX_SAVED_SEARCHES, NAME_MAX, saveSearchForm, updateSearchForm } from './saved-searches.schemas.js';

type Deps = {
  repository: SavedSearchesRepository; service: SavedSearchesService; genres: GenresRepository; infoTypes: InfoTypesRepository;
};

const NOT_FOUND = '保存した検索が見つかりません。削除された可能性があります。';

/** Saved searches (issue 9) at /my/searches, for municipality and secretariat users; each user sees only their own. */
export function savedSearchesRoutes({ repository, service, genres, infoTypes }: Deps): Router {
  const router = Router();
  const members = requireKind('municipality', 'secretariat');

  /** 「防災 › 避難所運営、観光／製品・サービス情報／キーワード：避難」 for a list row. */
  const describe = () => {
    const { parentOf, path } = genrePaths(genres.listGenres());
    const typeNames = new Map(infoTypes.listInfoTypes().map((t) => [t.id, t.name]));
    return (s: Pick<SavedSearch, 'genreIds' | 'typeIds' | 'q'>) => {
      const conditions = searchQueryString({ genre: s.genreIds, type: s.typeIds, q: s.q });
      return {
        genres: s.genreIds.map((id) => (parentOf.has(id) ? path(id) : '（削除されたジャンル）')).join('、') || 'すべて',
        types: s.typeIds.map((id) => typeNames.get(id) ?? '（削除された種別）').join('、') || 'すべて',
        q: s.q || '指定なし',
        href: `/search/results${conditions ? `?${conditions}` : ''}`,
      };
    };
  };

  const renderList = (res: Response, status: number, extra: { errors?: FieldErrors; rejected?: { id?: number; values: Record<string, unknown>; conditions?: Pick<SavedSearch, 'genreIds' | 'typeIds' | 'q'> }; notice?: string } = {}) => {
    const user = res.locals.currentUser!;
    res.status(status).render('saved-searches/list', {
      title: '保存した検索',
      breadcrumbs: [{ label: '保存した検索' }],
      searches: repository.listOwn(user.id), describe: describe(), errors: extra.errors ?? {}, rejected: extra.rejected, notice: extra.notice,
      nameMax: NAME_MAX,
    });
  };

  router.get('/my/searches', members, (req, res) => {
    const notice = req.query.saved !== undefined ? '検索条件を保存しました。' : req.query.updated !== undefined ? '変更を保存しました。' : req.query.deleted !== undefined ? '削除しました。' : undefined;
    renderList(res, 200, { notice });
  });

  router.post('/my/searches', members, (req, res) => {
    const user = res.locals.currentUser!;
    const parsed = saveSearchForm.safeParse(req.body ?? {});
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error);
      const conditionsBroken = errors.genre ?? errors.type ?? errors.q;
      if (conditionsBroken) return renderList(res, 400, { errors: { _form: `検索条件が正しくないため保存できません（${conditionsBroken}）` } });
      return renderList(res, 400, { errors, rejected: { values: req.body as Record<string, unknown>, conditions: conditionsOf(req.body) } });
    }
    if (repository.countOwn(user.id) >= MAX_SAVED_SEARCHES) {
      return renderList(res, 400, { errors: { _form: `保存できる検索は${MAX_SAVED_SEARCHES}件までです。不要なものを削除してから保存してください。` } });
    }
    const id = service.save(actorOf(req, res), parsed.data);
    res.redirect(303, `/my/searches?saved=${id}#saved-search-${id}`);
  });

  const ownedId = (raw: unknown): number => {
    const id = rowId(raw);
    if (id === null) throw new NotFoundError(NOT_FOUND);
    return id;
  };

  router.post('/my/searches/:id', members, (req, res) => {
    const user = res.locals.currentUser!;
    const id = ownedId(req.params.id);
    if (!repository.findOwn(id, user.id)) throw new NotFoundError(NOT_FOUND);
    const parsed = updateSearchForm.safeParse(req.body ?? {});
    if (!parsed.success) return renderList(res, 400, { errors: Object.fromEntries(Object.entries(fieldErrors(parsed.error)).map(([k, v]) => [`${k}-${id}`, v])), rejected: { id, values: req.body as Record<string, unknown> } });
    if (!service.update(actorOf(req, res), id, parsed.data)) throw new NotFoundError(NOT_FOUND);
    res.redirect(303, `/my/searches?updated=${id}#saved-search-${id}`);
  });

  router.post('/my/searches/:id/delete', members, (req, res) => {
    if (!service.remove(actorOf(req, res), ownedId(req.params.id))) throw new NotFoundError(NOT_FOUND);
    res.redirect(303, '/my/searches?deleted=1');
  });

  return router;
}

/** The conditions a rejected save carried, to show them back (ids that do not parse are dropped). */
function conditionsOf(body: unknown): Pick<SavedSearch, 'genreIds' | 'typeIds' | 'q'> {
  const ids = (key: string) => ([] as unknown[]).concat((body as Record<string, unknown> | undefined)?.[key] ?? [])
    .map(rowId).filter((id): id is number => id !== null);
  return { genreIds: ids('genre'), typeIds: ids('type'), q: formValue(body, 'q') };
}
