import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { OutboxRepository } from '../../mail/outbox.repository.js';
import type { FieldErrors } from '../../validation.js';
import type { SessionUser } from '../accounts/accounts.types.js';
import type { CredentialsRepository } from '../accounts/credentials.repository.js';
import { hashPassword, verifyPassword } from '../accounts/passwords.js';
import type { ProfileForm } from '../accounts/accounts.schemas.js';
import { newRecoveryCodes, recoveryCodeHash, totpStep } from '../accounts/two-factor.js';
import type { Actor, AuditRepository } from '../audit/audit.repository.js';
import { passwordChangedMail, twoFactorMail } from './account.mail.js';
import type { MyAccountRepository } from './my-account.repository.js';

type Deps = {
  db: Db; repository: MyAccountRepository; credentials: CredentialsRepository; audit: AuditRepository; outbox: OutboxRepository;
  clock: Clock; onMailQueued: () => void;
};

const mailTo = (user: SessionUser, email = user.email) => ({ email, name: user.name, loginId: user.loginId });

/**
 * マイページ: what a user changes of their own account. Each change is one transaction with its audit
 * record and, where the change is about security, a mail to the account's address.
 */
export function myAccountService({ db, repository, credentials, audit, outbox, clock, onMailQueued }: Deps) {
  const target = (user: SessionUser) => ({ type: 'user', id: user.id });

  return {
    saveProfile(user: SessionUser, form: ProfileForm, actor: Actor): void {
      const at = clock.now().toISOString();
      db.transaction(() => {
        const before = repository.profile(user.id);
        repository.saveProfile(user.id, form, at);
        const diff = Object.fromEntries((['name', 'department', 'phone', 'email'] as const)
          .filter((field) => before?.[field] !== form[field]).map((field): [string, [unknown, unknown]] => [field, [before?.[field] ?? null, form[field]]]));
        audit.record(actor, at, 'account.profile', target(user), diff);
      })();
    },

    saveMailPreferences(user: SessionUser, mailFreshness: boolean, actor: Actor): void {
      const at = clock.now().toISOString();
      db.transaction(() => {
        const before = repository.profile(user.id);
        repository.saveMailPreferences(user.id, mailFreshness, at);
        audit.record(actor, at, 'account.mail', target(user), { mail_freshness: [before?.mailFreshness ?? null, mailFreshness] });
      })();
    },

    /**
     * The user's new password, checked against the current one. Every other session of the user ends
     * (one on a lost laptop, say); this one stays. The user is mailed.
     */
    async changePassword(user: SessionUser, form: { current: string; next: string }, sessionId: string, actor: Actor): Promise<FieldErrors | null> {
      if (!(await verifyPassword(form.current, credentials.passwordHash(user.id)))) {
        return { current_password: '現在のパスワードが正しくありません。' };
      }
      const hash = await hashPassword(form.next);
      const at = clock.now().toISOString();
      db.transaction(() => {
        credentials.setPassword(user.id, hash, at);
        credentials.endSessions(user.id, sessionId);
        audit.record(actor, at, 'account.password', target(user), { password: ['（非表示）', '（変更）'] });
        outbox.enqueue(passwordChangedMail(mailTo(user), at, actor.ip, 'change'), at);
      })();
      onMailQueued();
      return null;
    },

    twoFactorState: (user: SessionUser) => credentials.twoFactor(user.id),

    /**
     * Turns two-factor login on with the secret the set-up page showed, once the user proves their app
     * has it (a code of it). Returns the ten recovery codes, to be shown this once; only their hashes stay.
     */
    enableTwoFactor(user: SessionUser, secret: string, code: string, actor: Actor): { codes: string[] } | { errors: FieldErrors } {
      const now = clock.now();
      const step = totpStep(secret, code, now);
      if (step === null) return { errors: { otp: '確認コードが正しくありません。認証アプリに表示されている6桁の数字を入力してください（時刻がずれていると合わないことがあります）。' } };
      const codes = newRecoveryCodes();
      const at = now.toISOString();
      db.transaction(() => {
        credentials.enableTotp(user.id, secret, step, codes.map(recoveryCodeHash), at);
        audit.record(actor, at, 'account.two_factor_on', target(user));
        outbox.enqueue(twoFactorMail(mailTo(user), at, 'enabled'), at);
      })();
      onMailQueued();
      return { codes };
    },

    /** Turns it off, with a code of the app or a recovery code (a stolen session alone cannot). */
    disableTwoFactor(user: SessionUser, code: string, actor: Actor): FieldErrors | null {
      const now = clock.now();
      const at = now.toISOString();
      const accepted = db.transaction((): boolean => {
        const state = credentials.twoFactor(user.id);
        if (!state?.secret) return true;
        const step = totpStep(state.secret, code, now);
        const proven = step !== null ? credentials.acceptTotpStep(user.id, step) : credentials.useRecoveryCode(user.id, recoveryCodeHash(code), at);
        if (!proven) return false;
        credentials.disableTotp(user.id);
        audit.record(actor, at, 'account.two_factor_off', target(user));
        outbox.enqueue(twoFactorMail(mailTo(user), at, 'disabled'), at);
        return true;
      }).immediate();
      if (!accepted) return { otp: '確認コードが正しくありません。認証アプリの6桁の数字か、回復コードを入力してください。' };
      onMailQueued();
      return null;
    },

    profile: (user: SessionUser) => repository.profile(user.id),
    likedBy: (user: SessionUser, limit: number) => repository.likedBy(user.organisationId, limit),
  };
}

export type MyAccountService = ReturnType<typeof myAccountService>;
