import { Router, type Request, type Response } from 'express';
import { HttpError, idParam, NotFoundError } from '../../http-error.js';
import { listHref } from '../../pagination.js';
import { answerSave, fieldErrors, formValues, versionOf, type SaveOutcome } from '../../validation.js';
import { organisationKindLabels, organisationKinds } from '../accounts/accounts.types.js';
import { actorOf } from '../audit/actor.js';
import type { PeersService } from '../peers/peers.service.js';
import { issueStatusLabels, populationBandLabels, prefectureName } from '../peers/regions.js';
import type { AdminAccountsService } from './admin-accounts.service.js';
import {
  organisationForm, organisationListQuery, userForm, userListQuery, type OrganisationListQuery, type UserListQuery,
} from './admin.schemas.js';

/** What /admin/orgs/:id shows of a municipality's issue profile. */
export type IssueProfileView = ReturnType<PeersService['profileForSecretariat']>;

type Deps = {
  service: AdminAccountsService;
  /** A municipality's issue profile (peers), shown on its page. */
  issueProfileOf: (organisationId: number) => IssueProfileView | undefined;
  /** With the association's issuer configured (issue 24): the account's linked subject, shown and edited on its page. */
  oidcLinkOf?: (userId: number) => { subject: string; linkedAt: string } | undefined;
};

const ORG_FIELDS = ['name', 'kind', 'ip_ranges', 'version'] as const;
const USER_FIELDS = ['login_id', 'org_id', 'name', 'department', 'phone', 'email', 'active', 'version'] as const;
const newOrganisation = { name: '', kind: 'vendor', ip_ranges: '' };
const newUser = { login_id: '', password: '', org_id: '', name: '', department: '', phone: '', email: '', active: '1' };

const orgSortLabels = { name: '団体名順', kind: '種別順', newest: '追加の新しい順' };
const userSortLabels = { login_id: 'ログインID順', organisation: '団体名順', newest: '追加の新しい順', last_login: '最終ログインの新しい順' };

/** Organisations with their IP ranges, and accounts (管理者側機能: 団体・アカウントの管理). */
export function adminAccountsRoutes({ service, issueProfileOf, oidcLinkOf }: Deps): Router {
  const router = Router();
  /** 事務局管理 › the section › (the record being edited). */
  const crumbs = (section: { label: string; href: string }, current?: string) =>
    [{ label: '事務局管理', href: '/admin' }, current ? section : { label: section.label }, ...(current ? [{ label: current }] : [])];
  const orgsSection = { label: '団体の管理', href: '/admin/orgs' };
  const usersSection = { label: 'アカウントの管理', href: '/admin/users' };

  const parseQuery = <T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, req: Request): T => {
    const parsed = schema.safeParse(req.query);
    if (!parsed.success) throw new HttpError(400, '検索条件の指定が正しくありません。');
    return parsed.data;
  };
  const defaultOrgQuery = organisationListQuery.parse({});
  const defaultUserQuery = userListQuery.parse({});

  const orgsPage = (query: OrganisationListQuery) => {
    const conditions = { q: query.q, kind: query.kind, sort: query.sort === 'name' ? '' : query.sort };
    return {
      title: '団体の管理', breadcrumbs: crumbs(orgsSection), query, page: query.page, ...service.organisations(query),
      pageHref: (page: number) => listHref('/admin/orgs', conditions, page),
      kinds: organisationKinds, kindLabels: organisationKindLabels, sortLabels: orgSortLabels,
    };
  };

  const orgPage = (id: number) => {
    const org = service.organisation(id);
    if (!org) throw new NotFoundError();
    return {
      title: `団体「${org.name}」`, breadcrumbs: crumbs(orgsSection, org.name), org, users: service.usersOf(org.id),
      kinds: organisationKinds, kindLabels: organisationKindLabels,
      issueProfile: org.kind === 'municipality' ? issueProfileOf(org.id) : undefined,
      prefectureName, populationBandLabels, issueStatusLabels,
      values: { name: org.name, kind: org.kind, ip_ranges: org.ipRanges.join('\n'), version: String(org.version) }, errors: {},
    };
  };

  router.get('/orgs', (req, res) => {
    res.render('admin/orgs', { ...orgsPage(parseQuery(organisationListQuery, req)), errors: {}, values: newOrganisation });
  });
  router.get('/orgs/:id', (req, res) => res.render('admin/org', orgPage(idParam(req))));

  const saveOrganisation = (req: Request, res: Response, id: number | undefined) => {
    const values = formValues(req.body, ...ORG_FIELDS);
    const parsed = organisationForm.safeParse(req.body ?? {});
    const outcome: SaveOutcome = parsed.success
      ? service.saveOrganisation(id, versionOf(req.body), parsed.data, actorOf(req, res))
      : { errors: fieldErrors(parsed.error) };
    answerSave(res, outcome, {
      done: (saved) => `/admin/orgs/${saved}?done=${id === undefined ? 'org-created' : 'org-updated'}`, values,
      view: id === undefined ? 'admin/orgs' : 'admin/org', locals: () => (id === undefined ? orgsPage(defaultOrgQuery) : orgPage(id)),
      currentVersion: () => String(service.organisation(id!)!.version),
    });
  };

  router.post('/orgs', (req, res) => saveOrganisation(req, res, undefined));
  router.post('/orgs/:id', (req, res) => {
    const id = idParam(req);
    if (!service.organisation(id)) throw new NotFoundError();
    saveOrganisation(req, res, id);
  });

  const usersPage = (query: UserListQuery) => {
    const conditions = { q: query.q, kind: query.kind, state: query.state, org_id: query.org_id, sort: query.sort === 'login_id' ? '' : query.sort };
    return {
      title: 'アカウントの管理', breadcrumbs: crumbs(usersSection), query, page: query.page, ...service.users(query),
      pageHref: (page: number) => listHref('/admin/users', conditions, page),
      filterOrganisation: query.org_id === null ? undefined : service.organisation(query.org_id),
      organisations: service.organisationOptions(), kinds: organisationKinds, kindLabels: organisationKindLabels, sortLabels: userSortLabels,
    };
  };

  const userPage = (id: number) => {
    const user = service.user(id);
    if (!user) throw new NotFoundError();
    return {
      title: `アカウント「${user.loginId}」`, breadcrumbs: crumbs(usersSection, user.loginId), user, organisations: service.organisationOptions(),
      invitation: service.invitationOf(id), twoFactor: service.twoFactorOf(id),
      oidc: oidcLinkOf ? { link: oidcLinkOf(id) ?? null } : null,
      values: {
        login_id: user.loginId, password: '', org_id: String(user.organisationId), name: user.name, department: user.department,
        phone: user.phone, email: user.email, active: user.active ? '1' : '', version: String(user.version),
      },
      errors: {},
    };
  };

  // ?org_id=N (「この団体にアカウントを追加」): that organisation's accounts, and the add form set to it.
  router.get('/users', (req, res) => {
    const query = parseQuery(userListQuery, req);
    res.render('admin/users', { ...usersPage(query), errors: {}, values: { ...newUser, org_id: query.org_id === null ? '' : String(query.org_id) } });
  });
  router.get('/users/:id', (req, res) => res.render('admin/user', userPage(idParam(req))));

  const saveUser = async (req: Request, res: Response, id: number | undefined) => {
    const values = { ...formValues(req.body, ...USER_FIELDS), password: '' };
    const parsed = userForm(id === undefined).safeParse(req.body ?? {});
    const outcome: SaveOutcome = parsed.success
      ? await service.saveUser(id, versionOf(req.body), parsed.data, actorOf(req, res))
      : { errors: fieldErrors(parsed.error) };
    answerSave(res, outcome, {
      done: (saved) => `/admin/users/${saved}?done=${id !== undefined ? 'user-updated' : parsed.success && parsed.data.password === '' ? 'user-created-invited' : 'user-created'}`, values,
      view: id === undefined ? 'admin/users' : 'admin/user', locals: () => (id === undefined ? usersPage(defaultUserQuery) : userPage(id)),
      currentVersion: () => String(service.user(id!)!.version),
    });
  };

  router.post('/users', (req, res) => saveUser(req, res, undefined));

  router.post('/users/:id/invite', (req, res) => {
    const id = idParam(req);
    if (!service.user(id)) throw new NotFoundError();
    if (!service.resendInvitation(id, actorOf(req, res))) {
      throw new HttpError(409, '招待メールを送れません。アカウントにメールアドレスを登録し、「ログインできる」にしてから送ってください。');
    }
    res.redirect(303, `/admin/users/${id}?done=user-invited`);
  });

  router.post('/users/:id/two-factor/reset', (req, res) => {
    const id = idParam(req);
    if (!service.user(id)) throw new NotFoundError();
    if (!service.resetTwoFactor(id, actorOf(req, res))) throw new HttpError(409, 'このアカウントは二要素認証を設定していません。');
    res.redirect(303, `/admin/users/${id}?done=two-factor-reset`);
  });
  router.post('/users/:id', async (req, res) => {
    const id = idParam(req);
    if (!service.user(id)) throw new NotFoundError();
    await saveUser(req, res, id);
  });

  return router;
}
