import crypto from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import { pageCount, pageWindow } from '../../pagination.js';
import type { SaveOutcome } from '../../validation.js';
import type { OutboxRepository } from '../../mail/outbox.repository.js';
import type { CredentialsRepository, InvitationState } from '../accounts/credentials.repository.js';
import { hashPassword } from '../accounts/passwords.js';
import { twoFactorMail } from '../my-account/account.mail.js';
import type { Actor, AuditRepository, Diff } from '../audit/audit.repository.js';
import type { AdminAccountsRepository, OrganisationRow, UserListRow, UserRow } from './admin-accounts.repository.js';
import type { OrganisationForm, OrganisationListQuery, UserForm, UserListQuery } from './admin.schemas.js';

type Deps = {
  db: Db; accounts: AdminAccountsRepository; audit: AuditRepository; clock: Clock; outbox: OutboxRepository; onMailQueued: () => void;
  /** Mails the account a link to set its password (account-links.service.ts), inside the caller's transaction. */
  invitations: { queueInvitation(userId: number, actor: Actor): boolean; latestInvitation(userId: number): InvitationState | undefined };
  credentials: CredentialsRepository;
};

/**
 * Organisations and accounts as the secretariat manages them (管理者側機能: 団体・アカウントの管理):
 * the lists at 1,800 organisations and thousands of accounts, and every save as one transaction with
 * its audit record. A save over a record changed since its form was read changes nothing.
 */
export function adminAccountsService({ db, accounts, audit, clock, outbox, onMailQueued, invitations, credentials }: Deps) {
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
     * or one whose password was reset, keeps no session. A new account without a password gets one
     * nobody knows and an invitation to set its own, in the same transaction.
     */
    async saveUser(id: number | undefined, version: number | null, form: UserForm, actor: Actor): Promise<SaveOutcome> {
      if (!accounts.findOrganisation(form.organisationId)) return { errors: { org_id: '所属団体を選択してください。' } };
      if (accounts.loginIdTaken(form.loginId, id)) return { errors: { login_id: 'このログインIDは既に使われています。' } };
      const inviting = id === undefined && form.password === '';
      const passwordHash = form.password ? await hashPassword(form.password)
        : inviting ? await hashPassword(crypto.randomBytes(32).toString('base64url')) : undefined;
      const at = clock.now().toISOString();
      const { password: _typed, ...fields } = form;
      const outcome = db.transaction((): SaveOutcome => {
        const before = id === undefined ? undefined : accounts.findUser(id);
        let userId = id;
        if (userId === undefined) {
          userId = accounts.insertUser({ ...fields, passwordHash: passwordHash! }, at);
          audit.record(actor, at, 'user.create', { type: 'user', id: userId }, userDiff(undefined, fields, !inviting));
          if (inviting) invitations.queueInvitation(userId, actor);
          return { saved: userId };
        } else {
          if (!accounts.updateUser({ id: userId, version: version ?? 0, ...fields }, at)) return { conflict: true };
          if (passwordHash) credentials.setPassword(userId, passwordHash, at);
        }
        if (!fields.active || (id !== undefined && passwordHash)) credentials.endSessions(userId);
        audit.record(actor, at, 'user.update', { type: 'user', id: userId }, userDiff(before, fields, passwordHash !== undefined));
        return { saved: userId };
      })();
      if (inviting && 'saved' in outcome) onMailQueued();
      return outcome;
    },

    /** The account's latest invitation and where it stands (used, still open, or past its 7 days). */
    invitationOf(userId: number): (InvitationState & { state: 'used' | 'open' | 'expired' }) | undefined {
      const latest = invitations.latestInvitation(userId);
      if (!latest) return undefined;
      const state = latest.usedAt ? 'used' : latest.expiresAt > clock.now().toISOString() && !latest.voidedAt ? 'open' : 'expired';
      return { ...latest, state };
    },
    twoFactorOf: (userId: number) => credentials.twoFactor(userId),

    /** The invitation again, with a new link (the older ones stop working); false without an address. */
    resendInvitation(userId: number, actor: Actor): boolean {
      const sent = invitations.queueInvitation(userId, actor);
      if (sent) onMailQueued();
      return sent;
    },

    /** For a user who lost their phone and recovery codes: two-factor login off, audited, the user mailed. */
    resetTwoFactor(userId: number, actor: Actor): boolean {
      const at = clock.now().toISOString();
      const done = db.transaction((): boolean => {
        const user = accounts.findUser(userId);
        if (!user || !credentials.twoFactor(userId)?.enabledAt) return false;
        credentials.disableTotp(userId);
        audit.record(actor, at, 'user.two_factor_reset', { type: 'user', id: userId });
        outbox.enqueue(twoFactorMail({ email: user.email, name: user.name, loginId: user.loginId }, at, 'reset'), at);
        return true;
      })();
      if (done) onMailQueued();
      return done;
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
