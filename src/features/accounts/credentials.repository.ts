import type { Db } from '../../db/connection.js';

export type TokenPurpose = 'reset' | 'invite';

/** A mailed link's record, found by the hash of its token. */
export type AccountToken = { id: number; userId: number; purpose: TokenPurpose; createdAt: string; expiresAt: string; usedAt: string | null; voidedAt: string | null };

/** The latest invitation of an account, for the secretariat's account page. */
export type InvitationState = { createdAt: string; expiresAt: string; usedAt: string | null; voidedAt: string | null };

export type TwoFactorState = { secret: string | null; enabledAt: string | null; lastStep: number; unusedRecoveryCodes: number };

/**
 * All SQL about what proves who a user is: password hashes, sessions, the mailed single-use links,
 * the password-reset request log, the TOTP secret and the recovery codes.
 */
export function credentialsRepository(db: Db) {
  const statements = {
    passwordHash: db.prepare<[number], string>('SELECT password_hash FROM users WHERE id = ?').pluck(),
    setPassword: db.prepare('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?'),
    // express-session's rows hold the session as JSON; the user's id is its userId.
    endSessions: db.prepare(`DELETE FROM sessions WHERE json_extract(sess, '$.userId') = ?`),
    endOtherSessions: db.prepare(`DELETE FROM sessions WHERE json_extract(sess, '$.userId') = ? AND sid <> ?`),
    voidTokens: db.prepare(`UPDATE account_tokens SET voided_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL AND voided_at IS NULL`),
    insertToken: db.prepare(
      `INSERT INTO account_tokens (user_id, purpose, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
    ),
    tokenByHash: db.prepare<[string], AccountToken>(
      `SELECT id, user_id AS userId, purpose, created_at AS createdAt, expires_at AS expiresAt, used_at AS usedAt, voided_at AS voidedAt
         FROM account_tokens WHERE token_hash = ?`,
    ),
    useToken: db.prepare(`UPDATE account_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL AND voided_at IS NULL AND expires_at > ?`),
    latestInvitation: db.prepare<[number], InvitationState>(
      `SELECT created_at AS createdAt, expires_at AS expiresAt, used_at AS usedAt, voided_at AS voidedAt
         FROM account_tokens WHERE user_id = ? AND purpose = 'invite' ORDER BY id DESC LIMIT 1`,
    ),
    recordResetRequest: db.prepare(`INSERT INTO password_reset_requests (at, login_id, ip_key) VALUES (?, ?, ?)`),
    resetRequestsById: db.prepare<[string, string], number>(`SELECT count(*) FROM password_reset_requests WHERE login_id = ? AND at > ?`).pluck(),
    resetRequestsByIp: db.prepare<[string, string], number>(`SELECT count(*) FROM password_reset_requests WHERE ip_key = ? AND at > ?`).pluck(),
    pruneResetRequests: db.prepare(`DELETE FROM password_reset_requests WHERE at < ?`),
    twoFactor: db.prepare<[number], { secret: string | null; enabledAt: string | null; lastStep: number; unusedRecoveryCodes: number }>(
      `SELECT totp_secret AS secret, totp_enabled_at AS enabledAt, totp_last_step AS lastStep,
              (SELECT count(*) FROM recovery_codes r WHERE r.user_id = u.id AND r.used_at IS NULL) AS unusedRecoveryCodes
         FROM users u WHERE id = ?`,
    ),
    enableTotp: db.prepare(`UPDATE users SET totp_secret = ?, totp_enabled_at = ?, totp_last_step = ? WHERE id = ?`),
    disableTotp: db.prepare(`UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = 0 WHERE id = ?`),
    // Accepted only for a step after the last one accepted: a code works once.
    acceptStep: db.prepare(`UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?`),
    deleteRecoveryCodes: db.prepare(`DELETE FROM recovery_codes WHERE user_id = ?`),
    insertRecoveryCode: db.prepare(`INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)`),
    useRecoveryCode: db.prepare(`UPDATE recovery_codes SET used_at = ? WHERE id = (
      SELECT id FROM recovery_codes WHERE user_id = ? AND code_hash = ? AND used_at IS NULL LIMIT 1)`),
  };

  return {
    passwordHash: (userId: number): string | undefined => statements.passwordHash.get(userId),
    setPassword(userId: number, passwordHash: string, at: string): void {
      statements.setPassword.run(passwordHash, at, userId);
    },
    /** Ends every session of the user (all of them, or all but `keepSessionId`); returns how many. */
    endSessions(userId: number, keepSessionId?: string): number {
      return (keepSessionId === undefined ? statements.endSessions.run(userId) : statements.endOtherSessions.run(userId, keepSessionId)).changes;
    },

    /** A new link's record; the older open links of the same purpose stop working. */
    issueToken(userId: number, purpose: TokenPurpose, tokenHash: string, at: string, expiresAt: string): void {
      statements.voidTokens.run(at, userId, purpose);
      statements.insertToken.run(userId, purpose, tokenHash, at, expiresAt);
    },
    findToken: (tokenHash: string): AccountToken | undefined => statements.tokenByHash.get(tokenHash),
    /** Marks the link used if it still works at `at`; false when it was used, voided or expired meanwhile. */
    useToken(id: number, at: string): boolean {
      return statements.useToken.run(at, id, at).changes === 1;
    },
    latestInvitation: (userId: number): InvitationState | undefined => statements.latestInvitation.get(userId),

    recordResetRequest(loginId: string, ipKey: string, at: string): void {
      statements.recordResetRequest.run(at, loginId, ipKey);
    },
    resetRequestsSince(loginId: string, ipKey: string, since: string): { byId: number; byAddress: number } {
      return { byId: statements.resetRequestsById.get(loginId, since) ?? 0, byAddress: statements.resetRequestsByIp.get(ipKey, since) ?? 0 };
    },
    pruneResetRequests(before: string): number {
      return statements.pruneResetRequests.run(before).changes;
    },

    twoFactor(userId: number): TwoFactorState | undefined {
      return statements.twoFactor.get(userId);
    },
    /** Turns TOTP on with its first accepted step and a fresh set of recovery codes (hashes). */
    enableTotp(userId: number, secret: string, step: number, recoveryCodeHashes: string[], at: string): void {
      statements.enableTotp.run(secret, at, step, userId);
      statements.deleteRecoveryCodes.run(userId);
      for (const hash of recoveryCodeHashes) statements.insertRecoveryCode.run(userId, hash);
    },
    disableTotp(userId: number): void {
      statements.disableTotp.run(userId);
      statements.deleteRecoveryCodes.run(userId);
    },
    /** Records `step` as used; false when it (or a later one) was already used. */
    acceptTotpStep(userId: number, step: number): boolean {
      return statements.acceptStep.run(step, userId, step).changes === 1;
    },
    useRecoveryCode(userId: number, codeHash: string, at: string): boolean {
      return statements.useRecoveryCode.run(at, userId, codeHash).changes === 1;
    },
  };
}

export type CredentialsRepository = ReturnType<typeof credentialsRepository>;
