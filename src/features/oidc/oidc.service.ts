import crypto from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import { IMPORT_PREVIEW_LIFETIME_MS } from '../admin/admin-import.service.js';
import { problemAt } from '../admin/admin-csv.js';
import type { Actor, AuditRepository } from '../audit/audit.repository.js';
import { LINK_COLUMNS, parseLinkCsv, type LinkColumn, type LinkProblem } from './oidc-import.js';
import type { OidcRepository } from './oidc.repository.js';

/** One account's change in a bulk link: its subject before and after ('' for none). */
export type LinkChange = { rowNumber: number; loginId: string; userId: number; before: string; after: string };

/** What a checked file would do: the changes, and how many rows already say what is linked. */
export type LinkPlan = { changes: LinkChange[]; unchanged: number };

/**
 * The secretariat's changes here (issue 24.2 and 24.4): which subject at the issuer signs in to an
 * account, one at a time on the account's page or in bulk from a CSV, each change audited.
 */
export function oidcService({ db, repository, audit, clock, issuer }: { db: Db; repository: OidcRepository; audit: AuditRepository; clock: Clock; issuer: string }) {
  const recordLink = (actor: Actor, at: string, userId: number, before: string | null, after: string | null) =>
    audit.record(actor, at, 'user.oidc_link', { type: 'user', id: userId }, { oidc_subject: [before, after] });

  /**
   * The whole file checked against the accounts: every login ID known and named once, every subject
   * named once, and none left on two accounts once the file is applied (a subject may move from an
   * account the file also changes). Every problem found, or the plan.
   */
  function plan(content: Buffer): { errors: LinkProblem[] } | { plan: LinkPlan } {
    const parsed = parseLinkCsv(content);
    const columns = LINK_COLUMNS;
    const errors: LinkProblem[] = [...parsed.errors];
    if (parsed.rows.length === 0) return { errors };
    const at = (row: number, column: LinkColumn, message: string) => errors.push(problemAt(columns, row, column, message));
    const accounts = repository.accountsByLoginIds(issuer, parsed.rows.map((r) => r.loginId));
    const holders = repository.holdersOf(issuer, parsed.rows.map((r) => r.subject).filter((s) => s !== ''));
    const rowOfLogin = new Map<string, number>();
    const rowOfSubject = new Map<string, number>();
    const changes: LinkChange[] = [];
    let unchanged = 0;
    for (const row of parsed.rows) {
      const account = accounts.get(row.loginId);
      if (!account) at(row.rowNumber, 'login_id', `ログインID「${row.loginId.slice(0, 64)}」のアカウントはありません`);
      const earlierLogin = rowOfLogin.get(row.loginId);
      if (earlierLogin !== undefined) at(row.rowNumber, 'login_id', `ログインID「${row.loginId.slice(0, 64)}」は${earlierLogin}行目にもあります`);
      else rowOfLogin.set(row.loginId, row.rowNumber);
      if (row.subject !== '') {
        const earlierSubject = rowOfSubject.get(row.subject);
        if (earlierSubject !== undefined) at(row.rowNumber, 'subject', `この識別子は${earlierSubject}行目にもあります（1つの会員IDは1つのアカウントにだけ結び付けられます）`);
        else rowOfSubject.set(row.subject, row.rowNumber);
      }
      if (!account) continue;
      const before = account.subject ?? '';
      if (before === row.subject) unchanged++;
      else changes.push({ rowNumber: row.rowNumber, loginId: row.loginId, userId: account.userId, before, after: row.subject });
    }
    // A subject held by an account the file does not move it from.
    const fileSubjectOf = new Map(parsed.rows.map((r) => [r.loginId, r.subject]));
    for (const change of changes) {
      const holder = change.after === '' ? undefined : holders.get(change.after);
      if (!holder || holder.userId === change.userId) continue;
      const holderKeeps = !fileSubjectOf.has(holder.loginId) || fileSubjectOf.get(holder.loginId) === change.after;
      if (holderKeeps) at(change.rowNumber, 'subject', `この識別子は、すでにアカウント「${holder.loginId}」に結び付いています`);
    }
    return errors.length > 0 ? { errors: errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)) } : { plan: { changes, unchanged } };
  }

  return {
    /**
     * Links the account to `subject` ('' removes its link), audited. A subject already linked to
     * another account is refused: one subject, one account.
     */
    link(actor: Actor, userId: number, subject: string): 'linked' | 'unlinked' | 'taken' {
      const at = clock.now().toISOString();
      return db.transaction(() => {
        const before = repository.linkOf(userId);
        if (subject === '') {
          repository.unlink(userId);
          recordLink(actor, at, userId, before?.subject ?? null, null);
          return 'unlinked' as const;
        }
        const holder = repository.userOf(issuer, subject);
        if (holder !== undefined && holder !== userId) return 'taken' as const;
        repository.link(userId, issuer, subject, at, actor.userId);
        recordLink(actor, at, userId, before?.subject ?? null, subject);
        return 'linked' as const;
      }).immediate();
    },

    /** Every account with its subject, as the bulk link's file (to fill in and import). */
    linksCsvRows: () => repository.accountsWithLinks(issuer),

    /** Checks a bulk link file; if it is good, keeps it for the commit and returns the plan with its key. */
    previewImport(content: Buffer, userId: number): { errors: LinkProblem[] } | { plan: LinkPlan; key: string } {
      const checked = plan(content);
      if ('errors' in checked) return checked;
      const key = crypto.randomBytes(24).toString('base64url');
      repository.keepUpload(key, userId, content, clock.now().toISOString());
      return { plan: checked.plan, key };
    },

    /**
     * Applies a previewed file, once, in one transaction, checked again (accounts and links may have
     * changed since the preview). Every changed account's old link goes first, so subjects can move
     * between accounts of the same file. `undefined` when the key is unknown, another user's, used or
     * expired.
     */
    commitImport(key: string, actor: Actor): { errors: LinkProblem[] } | { linked: number; unlinked: number } | undefined {
      return db.transaction(() => {
        const upload = repository.findUpload(key, actor.userId);
        if (!upload || Date.parse(upload.createdAt) < clock.now().getTime() - IMPORT_PREVIEW_LIFETIME_MS) return undefined;
        const checked = plan(upload.content);
        if ('errors' in checked) return checked;
        repository.removeUpload(key);
        const at = clock.now().toISOString();
        for (const change of checked.plan.changes) repository.unlink(change.userId);
        for (const change of checked.plan.changes) {
          if (change.after !== '') repository.link(change.userId, issuer, change.after, at, actor.userId);
          recordLink(actor, at, change.userId, change.before || null, change.after || null);
        }
        const unlinked = checked.plan.changes.filter((c) => c.after === '').length;
        return { linked: checked.plan.changes.length - unlinked, unlinked };
      }).immediate();
    },
  };
}

export type OidcService = ReturnType<typeof oidcService>;
