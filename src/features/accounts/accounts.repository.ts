import type { Db } from '../../db/connection.js';
import type { LoginEventReason, OrganisationKind, SessionUser } from './accounts.types.js';

export type Credentials = {
  id: number;
  passwordHash: string;
  active: boolean;
  organisationId: number;
  organisationName: string;
  organisationKind: OrganisationKind;
  /** Two-factor login is on: a correct password is not yet a login. */
  twoFactor: boolean;
};

export type LoginEvent = {
  at: string;
  loginId: string;
  userId: number | null;
  organisationId: number | null;
  ip: string;
  /** What the per-address rule counts by (ipKey: the address, or an IPv6 address's /64). */
  ipKey: string;
  userAgent: string;
  success: boolean;
  reason: LoginEventReason;
  /** Recorded before the password check and settled after it (settleLoginEvent). */
  pending?: boolean;
  /** How the login was made (migration 0034): the password form unless said. */
  method?: 'password' | 'oidc';
};

export type NewUser = {
  organisationId: number;
  loginId: string;
  passwordHash: string;
  name: string;
  department: string;
  phone: string;
  email: string;
  active: boolean;
  now: string;
};

/** All SQL about organisations, users and login events. */
export function accountsRepository(db: Db) {
  const sessionUserSql = `
    SELECT u.id, u.login_id AS loginId, u.name, u.department, u.phone, u.email,
           o.id AS organisationId, o.name AS organisationName, o.kind AS organisationKind,
           u.totp_enabled_at IS NOT NULL AS twoFactor
      FROM users u JOIN organisations o ON o.id = u.organisation_id
     WHERE u.id = ? AND u.active = 1`;
  const statements = {
    sessionUser: db.prepare<[number], Omit<SessionUser, 'twoFactor'> & { twoFactor: number }>(sessionUserSql),
    credentials: db.prepare<[string], { id: number; passwordHash: string; active: number; organisationId: number; organisationName: string; organisationKind: OrganisationKind; twoFactor: number }>(
      `SELECT u.id, u.password_hash AS passwordHash, u.active, u.organisation_id AS organisationId, o.name AS organisationName, o.kind AS organisationKind,
              u.totp_enabled_at IS NOT NULL AS twoFactor
         FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.login_id = ?`,
    ),
    insertEvent: db.prepare(
      `INSERT INTO login_events (at, login_id, user_id, organisation_id, ip, ip_key, user_agent, success, reason, pending, method)
       VALUES (@at, @loginId, @userId, @organisationId, @ip, @ipKey, @userAgent, @success, @reason, @pending, @method)`,
    ),
    settleEvent: db.prepare(
      `UPDATE login_events SET user_id = @userId, organisation_id = @organisationId, success = @success, reason = @reason,
              pending = 0
        WHERE id = @id`,
    ),
    lastEventAt: db.prepare<[string, string], { at: string | null }>(
      `SELECT max(at) AS at FROM login_events WHERE login_id = ? AND reason = ?`,
    ),
    // Failures after the ID's last success or lock (by row order: an attempt is recorded when it
    // starts, so two in the same millisecond are still in order) and within the window.
    failuresSince: db.prepare<[{ loginId: string; since: string }], { n: number }>(
      `SELECT count(*) AS n FROM login_events
        WHERE login_id = @loginId AND at > @since AND reason IN ('bad_credentials', 'inactive', 'bad_otp')
          AND id > coalesce((SELECT max(id) FROM login_events WHERE login_id = @loginId AND reason IN ('ok', 'lock_started')), 0)`,
    ),
    failuresFromIpKey: db.prepare<[string, string], { failed: number; pending: number; settled: number }>(
      `SELECT count(*) FILTER (WHERE pending = 0 AND reason IN ('bad_credentials', 'inactive')) AS failed,
              count(*) FILTER (WHERE pending = 1) AS pending,
              count(*) FILTER (WHERE pending = 0 AND reason NOT IN ('ip_throttled', 'locked', 'lock_started')) AS settled
         FROM login_events WHERE ip_key = ? AND at > ?`,
    ),
    loggedInFrom: db.prepare<[string, string, string], number>(
      `SELECT 1 FROM login_events WHERE login_id = ? AND ip_key = ? AND reason = 'ok' AND at > ? LIMIT 1`,
    ).pluck(),
    organisationByName: db.prepare<[string], { id: number; kind: OrganisationKind }>(
      `SELECT id, kind FROM organisations WHERE name = ?`,
    ),
    insertOrganisation: db.prepare(
      `INSERT INTO organisations (name, kind, created_at, updated_at) VALUES (?, ?, ?, ?)`,
    ),
    insertIpRange: db.prepare(`INSERT INTO organisation_ip_ranges (organisation_id, cidr) VALUES (?, ?)`),
    insertUser: db.prepare(
      `INSERT INTO users (organisation_id, login_id, password_hash, name, department, phone, email, active,
                          created_at, updated_at)
       VALUES (@organisationId, @loginId, @passwordHash, @name, @department, @phone, @email, @active, @now, @now)`,
    ),
    loginIdTaken: db.prepare<[string], { id: number }>(`SELECT id FROM users WHERE login_id = ?`),
    identity: db.prepare<[number], { loginId: string; active: number; organisationId: number; organisationName: string }>(
      `SELECT u.login_id AS loginId, u.active, u.organisation_id AS organisationId, o.name AS organisationName
         FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.id = ?`),
  };

  return {
    /** The user behind a session, or undefined once the account is gone or deactivated. */
    findSessionUser(userId: number): SessionUser | undefined {
      const row = statements.sessionUser.get(userId);
      return row && { ...row, twoFactor: row.twoFactor === 1 };
    },

    /** Who an account is, active or not (a login through the issuer names the account, not a login ID). */
    findIdentity(userId: number): { loginId: string; active: boolean; organisationId: number; organisationName: string } | undefined {
      const row = statements.identity.get(userId);
      return row && { ...row, active: row.active === 1 };
    },

    findCredentials(loginId: string): Credentials | undefined {
      const row = statements.credentials.get(loginId);
      return row && { ...row, active: row.active === 1, twoFactor: row.twoFactor === 1 };
    },

    recordLoginEvent(event: LoginEvent): number {
      const result = statements.insertEvent.run({ ...event, success: event.success ? 1 : 0, pending: event.pending ? 1 : 0, method: event.method ?? 'password' });
      return Number(result.lastInsertRowid);
    },

    /** Time of the newest event of that reason for the typed login ID, if any. */
    lastEventAt(loginId: string, reason: LoginEventReason): string | null {
      return statements.lastEventAt.get(loginId, reason)?.at ?? null;
    },

    /** Failures within the window that came after the ID's last success or lock. */
    countFailuresSince(loginId: string, since: string): number {
      return statements.failuresSince.get({ loginId, since })?.n ?? 0;
    },

    /** Gives an attempt recorded before its password check the outcome the check found. */
    settleLoginEvent(id: number, outcome: Pick<LoginEvent, 'userId' | 'organisationId' | 'success' | 'reason'>): void {
      statements.settleEvent.run({ id, ...outcome, success: outcome.success ? 1 : 0 });
    },

    /** Failures from the address key since `since`, and attempts from it still being checked. */
    /** Since `since` from the address key: failed attempts, attempts still being checked, and admitted attempts settled either way. */
    failuresFromIpKeySince(ipKey: string, since: string): { failed: number; pending: number; settled: number } {
      return statements.failuresFromIpKey.get(ipKey, since) ?? { failed: 0, pending: 0, settled: 0 };
    },

    /** Whether the typed login ID has logged in successfully from this address key since `since`. */
    hasLoggedInFrom(loginId: string, ipKey: string, since: string): boolean {
      return statements.loggedInFrom.get(loginId, ipKey, since) !== undefined;
    },

    findOrganisationByName(name: string) {
      return statements.organisationByName.get(name);
    },

    createOrganisation(name: string, kind: OrganisationKind, now: string, ipRanges: string[] = []): number {
      const id = Number(statements.insertOrganisation.run(name, kind, now, now).lastInsertRowid);
      for (const cidr of ipRanges) statements.insertIpRange.run(id, cidr);
      return id;
    },

    isLoginIdTaken(loginId: string): boolean {
      return statements.loginIdTaken.get(loginId) !== undefined;
    },

    createUser(user: NewUser): number {
      return Number(statements.insertUser.run({ ...user, active: user.active ? 1 : 0 }).lastInsertRowid);
    },
  };
}

export type AccountsRepository = ReturnType<typeof accountsRepository>;
