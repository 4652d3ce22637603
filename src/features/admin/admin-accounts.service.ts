import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import { pageCount, pageWindow } from '../../pagination.js';
import type { SaveOutcome } from '../../validation.js';
import { hashPassword } from '../accounts/passwords.js';
import type { Actor, AuditRepository, Diff } from '../audit/audit.repository.js';
import type { AdminAccountsRepository, OrganisationRow, UserListRow, UserRow } from './admin-accounts.repository.js';
import type { OrganisationForm, OrganisationListQuery, UserForm, UserListQuery } from './admin.schemas.js';

type Deps = { db: Db; accounts: AdminAccountsRepository; audit: AuditRepository; clock: Clock };

/**
 * Organisations and accounts as the secretariat manages them (管理者側機能: 団体・アカウントの管理):
 * the lists at 1,800 organisations and thousands of accounts, and every save as one transaction with
 * its audit record. A save over a record changed since its form was read changes nothing.
 */
export function adminAccountsService({ db, accounts, audit, clock }: Deps) {
  return {
    organisations(query: OrganisationListQuery): { total: number; totalPages: number; items: OrganisationRow[] } {
      const { total, items } = accounts.searchOrganisations({ q: query.q, kind: query.kind, sort: query.sort, ...pageWindow(query.page) });
      return { total, totalPages: pageCount(total), items };
    },

    users(query: UserListQuery): { total: number; totalPages: number; items: UserListRow[] } {
      const { total, items } = accounts.searchUsers({
        q: query.q, kind: query.kind, state: query.state, organisationId: query.org_id, sort: query.sort, ...pageWindow(query.page),
      });
      return { total, totalPages: pageCount(total), items };
    },

    /** The accounts of one organisation, for its page (an organisation has a handful, rarely more than 50). */
    usersOf(organisationId: number): UserListRow[] {
      return accounts.searchUsers({ q: '', kind: '', state: '', organisationId, sort: 'login_id', limit: 500, offset: 0 }).items;
    },

    organisation: (id: number) => accounts.findOrganisation(id),
    user: (id: number) => accounts.findUser(id),
    organisationOptions: () => accounts.organisationOptions(),

    /** Adds an organisation (`id` undefined) or saves one read at `version`. */
    saveOrganisation(id: number | undefined, version: number | null, form: OrganisationForm, actor: Actor): SaveOutcome {
      if (accounts.organisationNameTaken(form.name, id)) return { errors: { name: '同じ名前の団体が既にあります。' } };
      const at = clock.now().toISOString();
      const fields = { name: form.name, kind: form.kind, ipRanges: form.ip_ranges };
      return db.transaction((): SaveOutcome => {
        const before = id === undefined ? undefined : accounts.findOrganisation(id);
        const savedId = id === undefined ? accounts.createOrganisation(fields, at)
          : accounts.updateOrganisation({ id, version: version ?? 0, ...fields }, at) ? id : undefined;
        if (savedId === undefined) return { conflict: true };
        audit.record(actor, at, id === undefined ? 'organisation.create' : 'organisation.update', { type: 'organisation', id: savedId }, {
          name: [before?.name ?? null, form.name], kind: [before?.kind ?? null, form.kind],
          ip_ranges: [before?.ipRanges ?? null, form.ip_ranges],
        });
        return { saved: savedId };
      })();
    },

    /**
     * Adds an account (`id` undefined) or saves one read at `version`. A new password is hashed before
     * the transaction (bcrypt takes ~100 ms; the write lock is not held for it). A deactivated account,
     * or one whose password was reset, keeps no session.
     */
    async saveUser(id: number | undefined, version: number | null, form: UserForm, actor: Actor): Promise<SaveOutcome> {
      if (!accounts.findOrganisation(form.organisationId)) return { errors: { org_id: '所属団体を選択してください。' } };
      if (accounts.loginIdTaken(form.loginId, id)) return { errors: { login_id: 'このログインIDは既に使われています。' } };
      const passwordHash = form.password ? await hashPassword(form.password) : undefined;
      const at = clock.now().toISOString();
      const { password: _typed, ...fields } = form;
      return db.transaction((): SaveOutcome => {
        const before = id === undefined ? undefined : accounts.findUser(id);
        let userId = id;
        if (userId === undefined) userId = accounts.insertUser({ ...fields, passwordHash: passwordHash! }, at);
        else {
          if (!accounts.updateUser({ id: userId, version: version ?? 0, ...fields }, at)) return { conflict: true };
          if (passwordHash) accounts.setPassword(userId, passwordHash, at);
        }
        if (!fields.active || (id !== undefined && passwordHash)) accounts.endSessionsOf(userId);
        audit.record(actor, at, id === undefined ? 'user.create' : 'user.update', { type: 'user', id: userId }, userDiff(before, fields, passwordHash !== undefined));
        return { saved: userId };
      })();
    },
  };
}

/** The fields that changed (all of them for a new account); a password only as 変更, never its value. */
function userDiff(before: UserRow | undefined, after: Omit<UserForm, 'password'>, passwordChanged: boolean): Diff {
  const diff: Diff = {};
  for (const [key, value] of Object.entries(after)) {
    const old = before ? before[key as keyof typeof after] : null;
    if (old !== value) diff[key] = [old, value];
  }
  if (passwordChanged) diff.password = ['（非表示）', '（変更）'];
  return diff;
}

export type AdminAccountsService = ReturnType<typeof adminAccountsService>;
