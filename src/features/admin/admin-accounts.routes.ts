import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Clock } from '../../clock.js';
import type { PeersService } from '../peers/peers.service.js';
import { issueStatusLabels, populationBandLabels, prefectureName } from '../peers/regions.js';
import type { Db } from '../../db/connection.js';
import { idParam, NotFoundError } from '../../http-error.js';
import { CONFLICT_MESSAGE, fieldErrors, versionOf, type FieldErrors } from '../../validation.js';
import { organisationKindLabels, organisationKinds } from '../accounts/accounts.types.js';
import { hashPassword, PASSWORD_TOO_LONG_MESSAGE, passwordTooLong } from '../accounts/passwords.js';
import { actorOf } from '../audit/actor.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import { parseRange } from '../security/ip-ranges.js';
import type { AdminAccountsRepository } from './admin-accounts.repository.js';

const text = (label: string, max: number) => z.string().optional().transform((v) => (v ?? '').trim())
  .pipe(z.string().max(max, `${label}は${max}文字以内で入力してください。`));

const organisationForm = z.object({
  name: z.string({ message: '団体名を入力してください。' }).trim().min(1, '団体名を入力してください。').max(100, '団体名は100文字以内で入力してください。'),
  kind: z.enum(organisationKinds, { message: '種別を選択してください。' }),
  ip_ranges: z.string().optional().transform((v) => (v ?? '').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== ''))
    .superRefine((lines, ctx) => {
      const bad = lines.map((l, i) => (parseRange(l) ? null : `${i + 1}行目「${l.slice(0, 50)}」`)).filter((x) => x !== null);
      if (bad.length > 0) ctx.addIssue({ code: 'custom', message: `IPアドレスまたはCIDRの形式ではありません：${bad.join('、')}` });
      if (lines.length > 200) ctx.addIssue({ code: 'custom', message: 'IPアドレスの範囲は200行までにしてください。' });
    }),
});

const userForm = (passwordRequired: boolean) => z.object({
  login_id: z.string({ message: 'ログインIDを入力してください。' }).trim().min(1, 'ログインIDを入力してください。')
    .max(64, 'ログインIDは64文字以内で入力してください。')
    .regex(/^[A-Za-z0-9._@-]*$/, 'ログインIDは半角英数字と . _ @ - で入力してください。'),
  password: z.string().optional().transform((v) => v ?? '')
    .refine((v) => (passwordRequired ? v.length >= 12 : v === '' || v.length >= 12), 'パスワードは12文字以上で入力してください。')
    .refine((v) => !passwordTooLong(v), PASSWORD_TOO_LONG_MESSAGE),
  org_id: z.string({ message: '所属団体を選択してください。' }).regex(/^[1-9]\d{0,9}$/, '所属団体を選択してください。').transform(Number),
  name: text('氏名', 100),
  department: text('部署名', 100),
  phone: text('電話番号', 30),
  email: text('メールアドレス', 254).refine((v) => v === '' || z.email().safeParse(v).success, 'メールアドレスの形式が正しくありません。'),
  active: z.literal('1').optional(),
});

/** What /admin/orgs/:id shows of a municipality's issue profile. */
export type IssueProfileView = ReturnType<PeersService['profileForSecretariat']>;

type Deps = {
  db: Db; accounts: AdminAccountsRepository; audit: AuditRepository; clock: Clock;
  /** A municipality's issue profile (peers), shown on its page. */
  issueProfileOf: (organisationId: number) => IssueProfileView | undefined;
};

const raw = (req: Request, ...names: string[]) => Object.fromEntries(names.map((n) => [n, typeof req.body?.[n] === 'string' ? req.body[n] : '']));

/** Organisations with their IP ranges, and accounts (管理者側機能: 団体・アカウントの管理). */
export function adminAccountsRoutes({ db, accounts, audit, clock, issueProfileOf }: Deps): Router {
  const router = Router();
  /** 事務局管理 › the section › (the record being edited). */
  const crumbs = (section: { label: string; href: string }, current?: string) =>
    [{ label: '事務局管理', href: '/admin' }, current ? section : { label: section.label }, ...(current ? [{ label: current }] : [])];
  const orgsSection = { label: '団体の管理', href: '/admin/orgs' };
  const usersSection = { label: 'アカウントの管理', href: '/admin/users' };

  const renderOrgs = (res: Response, status = 200, errors: FieldErrors = {}, values: Record<string, string> = { name: '', kind: 'vendor', ip_ranges: '' }) =>
    res.status(status).render('admin/orgs', {
      title: '団体の管理', breadcrumbs: crumbs(orgsSection), organisations: accounts.listOrganisations(),
      kinds: organisationKinds, kindLabels: organisationKindLabels, errors, values,
    });

  const renderOrg = (res: Response, id: number, status = 200, errors: FieldErrors = {}, values?: Record<string, string>) => {
    const org = accounts.findOrganisation(id);
    if (!org) throw new NotFoundError();
    res.status(status).render('admin/org', {
      title: `団体「${org.name}」`, breadcrumbs: crumbs(orgsSection, org.name), org,
      kinds: organisationKinds, kindLabels: organisationKindLabels, errors,
      values: values ?? { name: org.name, kind: org.kind, ip_ranges: org.ipRanges.join('\n'), version: String(org.version) },
      issueProfile: org.kind === 'municipality' ? issueProfileOf(org.id) : undefined,
      prefectureName, populationBandLabels, issueStatusLabels,
    });
  };

  const saveOrganisation = (req: Request, res: Response, id: number | undefined) => {
    const values = raw(req, 'name', 'kind', 'ip_ranges', 'version');
    const fail = (errors: FieldErrors) => (id === undefined ? renderOrgs(res, 400, errors, values) : renderOrg(res, id, 400, errors, values));
    const parsed = organisationForm.safeParse(req.body ?? {});
    if (!parsed.success) return fail(fieldErrors(parsed.error));
    if (accounts.organisationNameTaken(parsed.data.name, id)) return fail({ name: '同じ名前の団体が既にあります。' });
    const at = clock.now().toISOString();
    const before = id === undefined ? undefined : accounts.findOrganisation(id);
    const ipRanges = parsed.data.ip_ranges.map((l) => { const [a, bits] = parseRange(l)!; return l.includes('/') ? `${a.toString()}/${bits}` : a.toString(); });
    const fields = { name: parsed.data.name, kind: parsed.data.kind, ipRanges };
    const saved = db.transaction(() => {
      const savedId = id === undefined ? accounts.createOrganisation(fields, at)
        : accounts.updateOrganisation({ id, version: versionOf(req.body) ?? 0, ...fields }, at) ? id : undefined;
      if (savedId === undefined) return false;
      audit.record(actorOf(req, res), at, id === undefined ? 'organisation.create' : 'organisation.update', { type: 'organisation', id: savedId }, {
        name: [before?.name ?? null, parsed.data.name], kind: [before?.kind ?? null, parsed.data.kind],
        ip_ranges: [before?.ipRanges ?? null, ipRanges],
      });
      return true;
    })();
    // Changed since this form was read: the form again with what was typed and the version now saved.
    if (!saved) return renderOrg(res, id!, 409, { _form: CONFLICT_MESSAGE }, { ...values, version: String(accounts.findOrganisation(id!)!.version) });
    res.redirect(303, `/admin/orgs?done=${id === undefined ? 'org-created' : 'org-updated'}`);
  };

  router.get('/orgs', (_req, res) => renderOrgs(res));
  router.post('/orgs', (req, res) => saveOrganisation(req, res, undefined));
  router.get('/orgs/:id', (req, res) => renderOrg(res, idParam(req)));
  router.post('/orgs/:id', (req, res) => {
    const id = idParam(req);
    if (!accounts.findOrganisation(id)) throw new NotFoundError();
    saveOrganisation(req, res, id);
  });

  const userValues = { login_id: '', password: '', org_id: '', name: '', department: '', phone: '', email: '', active: '1' };
  const renderUsers = (res: Response, status = 200, errors: FieldErrors = {}, values: Record<string, string> = userValues) =>
    res.status(status).render('admin/users', {
      title: 'アカウントの管理', breadcrumbs: crumbs(usersSection), users: accounts.listUsers(),
      organisations: accounts.listOrganisations(), errors, values,
    });

  const renderUser = (res: Response, id: number, status = 200, errors: FieldErrors = {}, values?: Record<string, string>) => {
    const user = accounts.findUser(id);
    if (!user) throw new NotFoundError();
    res.status(status).render('admin/user', {
      title: `アカウント「${user.loginId}」`, breadcrumbs: crumbs(usersSection, user.loginId), user,
      organisations: accounts.listOrganisations(), errors,
      values: values ?? {
        login_id: user.loginId, password: '', org_id: String(user.organisationId), name: user.name, department: user.department,
        phone: user.phone, email: user.email, active: user.active ? '1' : '', version: String(user.version),
      },
    });
  };

  const saveUser = async (req: Request, res: Response, id: number | undefined) => {
    const values = { ...raw(req, 'login_id', 'org_id', 'name', 'department', 'phone', 'email', 'active', 'version'), password: '' };
    const fail = (errors: FieldErrors) => (id === undefined ? renderUsers(res, 400, errors, values) : renderUser(res, id, 400, errors, values));
    const parsed = userForm(id === undefined).safeParse(req.body ?? {});
    if (!parsed.success) return fail(fieldErrors(parsed.error));
    const form = parsed.data;
    if (!accounts.findOrganisation(form.org_id)) return fail({ org_id: '所属団体を選択してください。' });
    if (accounts.loginIdTaken(form.login_id, id)) return fail({ login_id: 'このログインIDは既に使われています。' });
    const passwordHash = form.password ? await hashPassword(form.password) : undefined;
    const at = clock.now().toISOString();
    const fields = {
      loginId: form.login_id, organisationId: form.org_id, name: form.name, department: form.department,
      phone: form.phone, email: form.email, active: form.active === '1',
    };
    const before = id === undefined ? undefined : accounts.findUser(id);
    const saved = db.transaction(() => {
      let userId = id;
      if (userId === undefined) userId = accounts.insertUser({ ...fields, passwordHash: passwordHash! }, at);
      else {
        if (!accounts.updateUser({ id: userId, version: versionOf(req.body) ?? 0, ...fields }, at)) return false;
        if (passwordHash) accounts.setPassword(userId, passwordHash, at);
      }
      // A deactivated account, or one whose password was reset, keeps no session.
      if (!fields.active || (id !== undefined && passwordHash)) accounts.endSessionsOf(userId);
      const diff: Record<string, [unknown, unknown]> = {};
      for (const [key, value] of Object.entries(fields)) {
        const old = before ? before[key as keyof typeof before] : null;
        if (old !== value) diff[key] = [old, value];
      }
      if (passwordHash) diff.password = ['（非表示）', '（変更）'];
      audit.record(actorOf(req, res), at, id === undefined ? 'user.create' : 'user.update', { type: 'user', id: userId }, diff);
      return true;
    })();
    if (!saved) return renderUser(res, id!, 409, { _form: CONFLICT_MESSAGE }, { ...values, version: String(accounts.findUser(id!)!.version) });
    res.redirect(303, `/admin/users?done=${id === undefined ? 'user-created' : 'user-updated'}`);
  };

  router.get('/users', (_req, res) => renderUsers(res));
  router.post('/users', (req, res) => saveUser(req, res, undefined));
  router.get('/users/:id', (req, res) => renderUser(res, idParam(req)));
  router.post('/users/:id', async (req, res) => {
    const id = idParam(req);
    if (!accounts.findUser(id)) throw new NotFoundError();
    await saveUser(req, res, id);
  });

  return router;
}
