import { Router, type Response } from 'express';
import { NotFoundError } from '../../http-error.js';
import { requireKind } from '../../middleware/auth.js';
import { fieldErrors, formValues, renderInvalid, type FieldErrors, rowId } from '../../validation.js';
import type { SessionUser } from '../accounts/accounts.types.js';
import { actorOf } from '../audit/actor.js';
import { type GenresRepository } from '../genres/genres.repository.js';
import { activeGenreTree, genrePaths } from '../genres/genre-tree.js';
import type { PeersRepository } from './peers.repository.js';
import { messageForm, NOTE_MAX, peersQuery, profileForm, type PeersQuery } from './peers.schemas.js';
import type { PeerIndex } from './peers.index.js';
import type { PeersService } from './peers.service.js';
import { issueStatuses, issueStatusLabels, populationBandLabels, populationBands, prefectureName, prefectures } from './regions.js';

type Deps = { service: PeersService; repository: PeersRepository; genres: GenresRepository; index: PeerIndex };

type Submitted = Record<string, unknown>;

const relationLabels = { same: '同じ課題', narrower: 'より詳しい課題', broader: 'より広い課題', related: '関連する課題' } as const;

/** The query string of /peers filters, for paging links. */
function peersQueryString(query: PeersQuery, page: number): string {
  const params = new URLSearchParams();
  if (query.prefecture !== null) params.set('prefecture', String(query.prefecture));
  if (query.near) params.set('near', '1');
  if (query.population_band !== null) params.set('population_band', query.population_band);
  if (query.genre !== null) params.set('genre', String(query.genre));
  if (query.for !== null) params.set('for', String(query.for));
  if (page > 1) params.set('page', String(page));
  return params.toString();
}

/**
 * 同じ課題を持つ仲間を探す: the organisation's issue profile (/my/issues), the ranked peers (/peers)
 * and relayed messages between municipalities. Vendors get 403 on all of it.
 */
export function peersRoutes({ service, repository, genres, index }: Deps): Router {
  const router = Router();

  /** The profile form: saved values, or what the user sent back with the messages at each field. */
  const renderProfile = (res: Response, status: number, errors: FieldErrors = {}, submitted?: Submitted, saved = false) => {
    const user = res.locals.currentUser!;
    const allGenres = genres.listGenres();
    const { path } = genrePaths(allGenres);
    const profile = repository.profileOf(user.organisationId);
    const savedIssues = new Map(repository.issuesOf(user.organisationId).map((i) => [i.genreId, i]));
    const ticked = submitted ? new Set(([] as unknown[]).concat(submitted.genre ?? []).map(Number)) : new Set(savedIssues.keys());
    const field = (name: string, stored: string) => (submitted ? (typeof submitted[name] === 'string' ? (submitted[name]) : '') : stored);
    const issueValue = (id: number, name: 'status' | 'note') =>
      submitted ? field(`${name}_${id}`, '') : name === 'status' ? (savedIssues.get(id)?.status ?? '') : (savedIssues.get(id)?.note ?? '');
    const retiredIssues = allGenres.filter((g) => g.retired && savedIssues.has(g.id)).map((g) => ({ id: g.id, path: path(g.id) }));
    res.status(status).render('peers/issues', {
      title: '自団体の課題',
      breadcrumbs: [{ label: '自団体の課題' }],
      tree: activeGenreTree(allGenres), retiredIssues, ticked, issueValue, path,
      value: {
        prefecture: field('prefecture', String(profile?.prefecture ?? '')),
        population_band: field('population_band', profile?.populationBand ?? ''),
        contact_user: field('contact_user', String(profile?.contactUserId ?? '')),
        visible: field('visible', profile?.visible ? '1' : '') === '1',
        show_likes: field('show_likes', profile?.showLikes ? '1' : '') === '1',
        publish_contact: field('publish_contact', profile?.publishContact ? '1' : '') === '1',
      },
      colleagues: repository.colleaguesOf(user.organisationId),
      prefectures, populationBands, populationBandLabels, issueStatuses, issueStatusLabels, noteMax: NOTE_MAX,
      errors, saved,
    });
  };

  router.get('/my/issues', requireKind('municipality'), (req, res) => renderProfile(res, 200, {}, undefined, req.query.saved === '1'));

  router.post('/my/issues', requireKind('municipality'), (req, res) => {
    const body = (req.body ?? {}) as Submitted;
    const parsed = profileForm.safeParse(body);
    if (!parsed.success) return renderProfile(res, 400, fieldErrors(parsed.error), body);
    const { errors } = service.saveProfile(res.locals.currentUser!, actorOf(req, res), parsed.data, body);
    if (Object.keys(errors).length > 0) return renderProfile(res, 400, errors, body);
    res.redirect(303, '/my/issues?saved=1');
  });

  const renderPeers = (res: Response, status: number, query: PeersQuery, errors: FieldErrors = {}) => {
    const user = res.locals.currentUser!;
    const standing = service.standingOf(user);
    const found = Object.keys(errors).length === 0 ? service.findPeers(user, query, standing) : { errors };
    const failed = 'errors' in found;
    const page = failed ? { peers: [], total: 0, page: 1, totalPages: 1, basis: 'none' as const, bases: [] } : found;
    res.status(failed ? 400 : status).render('peers/index', {
      title: '同じ課題を持つ仲間を探す',
      breadcrumbs: [{ label: '同じ課題を持つ仲間を探す' }],
      ...page,
      errors: failed ? found.errors : {},
      query,
      pageHref: (n: number) => `/peers?${peersQueryString(query, n)}`,
      tree: index.current().tree,
      ownIssueCount: standing.issueGenreIds.length,
      ownVisible: standing.visible,
      canWrite: user.organisationKind === 'municipality',
      prefectures, prefectureName, populationBands, populationBandLabels, issueStatusLabels, relationLabels,
    });
  };

  const emptyQuery: PeersQuery = { prefecture: null, near: false, population_band: null, genre: null, for: null, page: 1 };

  router.get('/peers', requireKind('municipality', 'secretariat'), (req, res) => {
    const parsed = peersQuery.safeParse(req.query);
    if (!parsed.success) return renderPeers(res, 400, emptyQuery, fieldErrors(parsed.error));
    renderPeers(res, 200, parsed.data);
  });

  const target = (user: SessionUser, raw: unknown) => {
    const id = rowId(raw) ?? 0;
    const found = service.writableTarget(user, id);
    if (!found) throw new NotFoundError('メッセージを送れる団体が見つかりません。公開をやめた団体には送れません。');
    return found;
  };

  /** The message form to `to`; `problem` is why the last one could not be sent (not a field's fault). */
  const messagePage = (to: { id: number; name: string }, sent = false, problem?: string) => ({
    title: `${to.name}へのメッセージ`,
    breadcrumbs: [{ label: '同じ課題を持つ仲間を探す', href: '/peers' }, { label: `${to.name}へのメッセージ` }],
    to, sent, problem,
  });

  router.get('/peers/:id/message', requireKind('municipality'), (req, res) => {
    const to = target(res.locals.currentUser!, req.params.id);
    res.render('peers/message', { ...messagePage(to, req.query.sent === '1'), errors: {}, values: { subject: '', body: '' } });
  });

  router.post('/peers/:id/message', requireKind('municipality'), (req, res) => {
    const user = res.locals.currentUser!;
    const to = target(user, req.params.id);
    const typed = formValues(req.body, 'subject', 'body');
    const parsed = messageForm.safeParse(req.body ?? {});
    if (!parsed.success) return renderInvalid(res, 'peers/message', fieldErrors(parsed.error), typed, messagePage(to));
    const { error, status } = service.sendMessage(user, actorOf(req, res), to.id, parsed.data);
    if (error) return renderInvalid(res, 'peers/message', {}, typed, messagePage(to, false, error), status ?? 400);
    res.redirect(303, `/peers/${to.id}/message?sent=1`);
  });

  return router;
}
