import crypto from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { LinkTo } from '../../mail/links.js';
import type { OutboxRepository } from '../../mail/outbox.repository.js';
import type { AccountsRepository } from '../accounts/accounts.repository.js';
import type { CredentialsRepository, TokenPurpose } from '../accounts/credentials.repository.js';
import { hashPassword } from '../accounts/passwords.js';
import type { Actor, AuditRepository } from '../audit/audit.repository.js';
import { invitationMail, passwordChangedMail, resetLinkMail } from '../my-account/account.mail.js';
import { ipKey } from '../security/ip-ranges.js';

/** How long a mailed link works: a reset for half an hour, an invitation for a week. */
export const RESET_MINUTES = 30;
export const INVITATION_DAYS = 7;

/**
 * Reset requests allowed in an hour for one typed ID and from one address (an IPv6 client's /64).
 * Past either, the request gets the same answer and no mail: a mailbox is not flooded, and a city
 * hall's staff behind one address still have room for a morning of forgotten passwords.
 */
export const RESET_LIMITS = { perId: 3, perAddress: 20, windowMs: 60 * 60_000 };

type Deps = {
  db: Db; accounts: AccountsRepository; credentials: CredentialsRepository; audit: AuditRepository; outbox: OutboxRepository;
  clock: Clock; link: LinkTo; onMailQueued: () => void;
};

/** The token a link carries (256 random bits) and what is stored of it. */
const newToken = () => crypto.randomBytes(32).toString('base64url');
export const tokenHash = (token: string) => crypto.createHash('sha256').update(token).digest('hex');
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A user acting on their own account from a link, for the audit log (they are not logged in). */
const selfActor = (user: { id: number; organisationId: number; loginId: string }, ip: string): Actor => ({
  userId: user.id, organisationId: user.organisationId, ip, sessionId: null, loginId: user.loginId, outsideRange: false,
});

/**
 * The mailed single-use links (issue 17.3, 17.4): password reset on request, and the invitation the
 * secretariat sends instead of typing a password. Only a hash of each token is stored; a new link
 * voids the older ones of its kind; using one ends every session of the account.
 */
export function accountLinksService({ db, accounts, credentials, audit, outbox, clock, link, onMailQueued }: Deps) {
  /** The open link of that purpose behind `token`, with its account, or undefined (any reason alike). */
  function openLink(token: string, purpose: TokenPurpose) {
    if (!TOKEN_PATTERN.test(token)) return undefined;
    const found = credentials.findToken(tokenHash(token));
    if (!found || found.purpose !== purpose || found.usedAt || found.voidedAt || found.expiresAt <= clock.now().toISOString()) return undefined;
    const user = accounts.findSessionUser(found.userId);
    return user && { token: found, user };
  }

  return {
    /**
     * 「パスワードを忘れた方」: the same answer for every typed ID. A mail goes only to an active
     * account with an address, within the limits; the request is recorded either way.
     */
    requestReset(loginId: string, ip: string): void {
      const now = clock.now();
      const at = now.toISOString();
      const key = ipKey(ip);
      const queued = db.transaction((): boolean => {
        const since = new Date(now.getTime() - RESET_LIMITS.windowMs).toISOString();
        const recent = credentials.resetRequestsSince(loginId, key, since);
        credentials.recordResetRequest(loginId, key, at);
        if (recent.byId >= RESET_LIMITS.perId || recent.byAddress >= RESET_LIMITS.perAddress) return false;
        const found = accounts.findCredentials(loginId);
        const user = found?.active ? accounts.findSessionUser(found.id) : undefined;
        if (!user || user.email === '') return false;
        const token = newToken();
        credentials.issueToken(user.id, 'reset', tokenHash(token), at, new Date(now.getTime() + RESET_MINUTES * 60_000).toISOString());
        outbox.enqueue(resetLinkMail({ email: user.email, name: user.name, loginId: user.loginId }, token, link, RESET_MINUTES), at);
        return true;
      }).immediate();
      if (queued) onMailQueued();
    },

    /**
     * The invitation of a new account (or again, voiding the older link): inside the caller's
     * transaction when there is one, so an account is never created without its mail.
     */
    queueInvitation(userId: number, actor: Actor): boolean {
      const now = clock.now();
      const at = now.toISOString();
      return db.transaction((): boolean => {
        const user = accounts.findSessionUser(userId);
        if (!user || user.email === '') return false;
        const token = newToken();
        credentials.issueToken(user.id, 'invite', tokenHash(token), at, new Date(now.getTime() + INVITATION_DAYS * 86_400_000).toISOString());
        outbox.enqueue(invitationMail({ email: user.email, name: user.name, loginId: user.loginId, organisationName: user.organisationName }, token, link, INVITATION_DAYS), at);
        audit.record(actor, at, 'user.invite', { type: 'user', id: user.id });
        return true;
      })();
    },

    /** The account a link is for, while it works (for its page: whose password is being set). */
    linkFor(token: string, purpose: TokenPurpose) {
      return openLink(token, purpose)?.user;
    },

    /**
     * Sets the password from a link, once: the link is marked used in the same transaction that
     * changes the password, so two tabs posting it at once set it once. Every session ends.
     */
    async setPasswordFromLink(token: string, purpose: TokenPurpose, password: string, ip: string): Promise<boolean> {
      const found = openLink(token, purpose);
      if (!found) return false;
      const hash = await hashPassword(password);
      const at = clock.now().toISOString();
      const { user } = found;
      const done = db.transaction((): boolean => {
        if (!credentials.useToken(found.token.id, at)) return false;
        credentials.setPassword(user.id, hash, at);
        credentials.endSessions(user.id);
        audit.record(selfActor(user, ip), at, purpose === 'reset' ? 'account.password_reset' : 'account.invitation_accepted', { type: 'user', id: user.id },
          { password: ['（非表示）', '（変更）'] });
        outbox.enqueue(passwordChangedMail({ email: user.email, name: user.name, loginId: user.loginId }, at, ip, purpose === 'reset' ? 'reset' : 'invite'), at);
        return true;
      }).immediate();
      if (done) onMailQueued();
      return done;
    },

    /**
     * Accepts an invitation by signing in through the association's issuer instead of setting a
     * password (issue 24.2): the link is used, and `attach` links the signed-in subject to the
     * account, in one transaction; if `attach` refuses (the subject is another account's) nothing
     * changes. The account, or undefined when the link no longer works or `attach` refused.
     */
    acceptInvitationBy(token: string, ip: string, attach: (actor: Actor) => boolean) {
      const found = openLink(token, 'invite');
      if (!found) return undefined;
      const at = clock.now().toISOString();
      const actor = selfActor(found.user, ip);
      // Thrown to roll the used link back; never leaves this method.
      const refused = new Error('the subject is linked to another account');
      try {
        return db.transaction(() => {
          if (!credentials.useToken(found.token.id, at)) return undefined;
          if (!attach(actor)) throw refused;
          audit.record(actor, at, 'account.invitation_accepted', { type: 'user', id: found.user.id }, {});
          return found.user;
        }).immediate();
      } catch (error) {
        if (error === refused) return undefined;
        throw error;
      }
    },

    latestInvitation: (userId: number) => credentials.latestInvitation(userId),
  };
}

export type AccountLinksService = ReturnType<typeof accountLinksService>;
