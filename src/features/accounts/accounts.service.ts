import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { Logger } from '../../logger.js';
import { ipKey } from '../security/ip-ranges.js';
import type { SecurityService } from '../security/security.service.js';
import type { AccountsRepository } from './accounts.repository.js';
import type { CredentialsRepository } from './credentials.repository.js';
import { verifyPassword } from './passwords.js';
import { recoveryCodeHash, totpStep } from './two-factor.js';

/** How many failures lock a login ID, within which window, and for how long. */
export type LockPolicy = { maxFailures: number; windowMs: number; lockMs: number };

export const defaultLockPolicy: LockPolicy = {
  maxFailures: 5,
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
};

/**
 * Failed logins allowed from one client address (an IPv6 client's /64) within the window. Past that,
 * the address may still log in to IDs that have logged in successfully from it before (a city hall's
 * staff, or a prefecture's security cloud carrying many municipalities, share one address), but every
 * other ID from it gets 429 until old failures leave the window: guessing unknown IDs and spraying a
 * password across the membership from one address is stopped, a colleague's correct password is not.
 * Counted from login_events, so the count survives restarts and holds across processes.
 */
export type IpThrottle = { maxFailures: number; windowMs: number };

export const defaultIpThrottle: IpThrottle = { maxFailures: 30, windowMs: 15 * 60_000 };

/**
 * How long an attempt waits for others from its address to be checked while none of them settles (see
 * admit). Counted from the last settlement, not from the start: two hundred colleagues logging in at
 * nine queue behind each other's bcrypt checks for longer than this on a busy server, and every one of
 * them is still admitted as long as the queue moves; only attempts left pending by a stopped process
 * make the wait run out.
 */
const ADMISSION_STALL_MS = 30_000;

/** How far back a successful login makes an (ID, address) pair known to the per-address rule. */
const KNOWN_PAIR_MS = 180 * 24 * 60 * 60_000;

export type LoginAttempt = { loginId: string; password: string; ip: string; userAgent: string };

export type LoginOutcome =
  /** `secondFactor`: the password was right and the account asks for a code (completeSecondFactor). */
  | { ok: true; userId: number; organisationId: number; outsideRange: boolean; secondFactor: boolean }
  | { ok: false; reason: 'bad_credentials' }
  /** The password was right, but the account must sign in with the association's ID (issue 24.3). */
  | { ok: false; reason: 'oidc_required' }
  | { ok: false; reason: 'ip_throttled' }
  | { ok: false; reason: 'locked'; retryAfterSeconds: number };

/** The code step of a login whose password was right (the session holds who it is for). */
export type SecondFactorAttempt = { userId: number; loginId: string; code: string; ip: string; userAgent: string; outsideRange: boolean };

export type SecondFactorOutcome =
  | { ok: true; userId: number; usedRecoveryCode: boolean; recoveryCodesLeft: number }
  | { ok: false; reason: 'bad_otp' }
  | { ok: false; reason: 'locked'; retryAfterSeconds: number };

/**
 * Checks a login attempt and records it as a login event, whatever its outcome.
 *
 * The lock is keyed on the typed login ID, not on the user row, so unknown IDs lock exactly like real
 * ones and a lock says nothing about whether an ID exists. Only failures count: a city hall's
 * colleagues logging in through one address never lock each other out.
 *
 * The limits and the count are one atomic step: in one write transaction the attempt is checked
 * against them and recorded as a failure *before* the (slow) password check, which then settles it.
 * Twenty-five simultaneous attempts at one ID therefore reach the password check at most
 * `maxFailures` times, and forty from one address at most `maxFailures` of the address rule.
 */
export function accountsService(deps: {
  db: Db; accounts: AccountsRepository; credentials: CredentialsRepository; security: SecurityService; clock: Clock; logger: Logger;
  lockPolicy: LockPolicy; ipThrottle: IpThrottle; onMailQueued?: () => void;
  /** The association's issuer is configured: only then can the secretariat's requirement of it apply. */
  oidcEnabled?: boolean;
}) {
  const { db, accounts, credentials, security, clock, logger, lockPolicy } = deps;

  function lockedUntil(loginId: string): number | null {
    const started = accounts.lastEventAt(loginId, 'lock_started');
    if (!started) return null;
    const until = Date.parse(started) + lockPolicy.lockMs;
    return until > clock.now().getTime() ? until : null;
  }

  /** Failures (and attempts still being checked) in the window, after the last success or lock. */
  function recentFailures(loginId: string): number {
    return accounts.countFailuresSince(loginId, new Date(clock.now().getTime() - lockPolicy.windowMs).toISOString());
  }

  type Admission = { admitted: true; eventId: number } | { admitted: false; outcome: LoginOutcome } | { admitted: 'wait'; settled: number };

  /** The limits, and the attempt counted against them, in one write transaction (see above). */
  const admit = (attempt: LoginAttempt, key: string, lastTry: boolean): Admission => db.transaction((): Admission => {
    const { loginId, ip, userAgent } = attempt;
    const now = clock.now();
    const at = now.toISOString();
    const base = { loginId, ip, ipKey: key, userAgent, userId: null, organisationId: null, at, success: false };

    const ipWindowStart = new Date(now.getTime() - deps.ipThrottle.windowMs).toISOString();
    const fromAddress = accounts.failuresFromIpKeySince(key, ipWindowStart);
    if (fromAddress.failed + fromAddress.pending >= deps.ipThrottle.maxFailures
        && !accounts.hasLoggedInFrom(loginId, key, new Date(now.getTime() - KNOWN_PAIR_MS).toISOString())) {
      // Attempts still being checked may yet succeed (a city hall logging in at nine): wait for them
      // rather than refuse; only failures that really happened close the address.
      if (fromAddress.failed < deps.ipThrottle.maxFailures && !lastTry) return { admitted: 'wait', settled: fromAddress.settled };
      accounts.recordLoginEvent({ ...base, reason: 'ip_throttled' });
      return { admitted: false, outcome: { ok: false, reason: 'ip_throttled' } };
    }

    // A lock in force, or as many attempts as a lock takes already failed or still being checked.
    const until = lockedUntil(loginId) ?? (recentFailures(loginId) >= lockPolicy.maxFailures ? now.getTime() + lockPolicy.lockMs : null);
    if (until !== null) {
      accounts.recordLoginEvent({ ...base, reason: 'locked' });
      return { admitted: false, outcome: { ok: false, reason: 'locked', retryAfterSeconds: Math.ceil((until - now.getTime()) / 1000) } };
    }

    // Counted as a failure until the password check settles it.
    return { admitted: true, eventId: accounts.recordLoginEvent({ ...base, reason: 'bad_credentials', pending: true }) };
  }).immediate();

  /** After a failure: the lock starts when this one was the last the policy allows. */
  function lockIfDue(attempt: { loginId: string; ip: string; userAgent: string }, key: string, now: string): void {
    const { loginId, ip } = attempt;
    if (lockedUntil(loginId) === null && recentFailures(loginId) >= lockPolicy.maxFailures) {
      accounts.recordLoginEvent({
        loginId, ip, ipKey: key, userAgent: attempt.userAgent, userId: null, organisationId: null, at: now, success: false, reason: 'lock_started',
      });
      logger.warn({ loginId, ip, lockMinutes: lockPolicy.lockMs / 60_000 }, 'login ID locked after repeated failures');
    }
  }

  /** A completed login: the outside-range record and the shared-address check (design.md, login anomalies). */
  function recordAnomalies(facts: { userId: number; organisationId: number; organisationName: string; loginEventId: number; loginId: string; ip: string; at: string }, outsideRange: boolean) {
    const { organisationName, ...rest } = facts;
    if (outsideRange) {
      security.recordOutsideRange({ ...rest, organisationName, denied: false });
      logger.warn({ loginId: facts.loginId, ip: facts.ip, denied: false }, 'login from outside the organisation\'s IP ranges');
    }
    security.checkSharedIp(rest);
    deps.onMailQueued?.();
  }

  return {
    async login(attempt: LoginAttempt): Promise<LoginOutcome> {
      const { loginId, password, ip } = attempt;
      const key = ipKey(ip);
      let deadline = Date.now() + ADMISSION_STALL_MS;
      let admission = admit(attempt, key, false);
      let settled = admission.admitted === 'wait' ? admission.settled : 0;
      while (admission.admitted === 'wait') {
        await new Promise((resolve) => setTimeout(resolve, 50));
        admission = admit(attempt, key, Date.now() > deadline);
        // Another attempt from the address was settled: the queue moves, so the wait starts over.
        // (Counted as settled attempts, not pending ones: as one leaves the queue the next enters it.)
        if (admission.admitted === 'wait' && admission.settled !== settled) {
          settled = admission.settled;
          deadline = Date.now() + ADMISSION_STALL_MS;
        }
      }
      if (!admission.admitted) return admission.outcome;
      const { eventId } = admission;

      const user = accounts.findCredentials(loginId);
      const passwordMatches = await verifyPassword(password, user?.passwordHash);
      const now = clock.now().toISOString();

      if (user && passwordMatches && user.active) {
        const who = { userId: user.id, organisationId: user.organisationId };
        // Told only to whoever knows the password: a wrong one gets the usual message.
        if (deps.oidcEnabled && user.organisationKind !== 'secretariat' && security.oidcRequiredForMembers()) {
          accounts.settleLoginEvent(eventId, { ...who, success: false, reason: 'password_not_allowed' });
          return { ok: false, reason: 'oidc_required' };
        }
        const outsideRange = security.isOutsideRange(user.organisationId, ip);
        if (outsideRange && security.policy() === 'deny') {
          accounts.settleLoginEvent(eventId, { ...who, success: false, reason: 'outside_range_denied' });
          security.recordOutsideRange({ ...who, loginEventId: eventId, loginId, ip, at: now, organisationName: user.organisationName, denied: true });
          logger.warn({ loginId, ip, denied: true }, 'login from outside the organisation\'s IP ranges');
          deps.onMailQueued?.();
          // Refused with the usual failure message: nothing tells the caller why.
          return { ok: false, reason: 'bad_credentials' };
        }
        // With a second factor the login is complete only with its code; the anomalies wait for that.
        if (user.twoFactor) {
          accounts.settleLoginEvent(eventId, { ...who, success: false, reason: 'second_factor' });
          return { ok: true, ...who, outsideRange, secondFactor: true };
        }
        accounts.settleLoginEvent(eventId, { ...who, success: true, reason: 'ok' });
        recordAnomalies({ ...who, organisationName: user.organisationName, loginEventId: eventId, loginId, ip, at: now }, outsideRange);
        return { ok: true, ...who, outsideRange, secondFactor: false };
      }

      db.transaction(() => {
        accounts.settleLoginEvent(eventId, {
          userId: user?.id ?? null, organisationId: user?.organisationId ?? null, success: false,
          reason: user && passwordMatches ? 'inactive' : 'bad_credentials',
        });
        lockIfDue(attempt, key, now);
      }).immediate();
      return { ok: false, reason: 'bad_credentials' };
    },

    /**
     * A login through the association's issuer (issue 24), for the account the subject is linked to:
     * the rules of a password login after the password — an inactive account is refused, the
     * outside-range policy and the shared-address check run — recorded as a login event of method
     * `oidc`. The issuer has authenticated the person, so no second factor is asked here.
     */
    loginLinked(attempt: { userId: number; ip: string; userAgent: string }): { ok: true; outsideRange: boolean } | { ok: false } {
      const user = accounts.findIdentity(attempt.userId);
      if (!user) return { ok: false };
      const at = clock.now().toISOString();
      const base = {
        loginId: user.loginId, ip: attempt.ip, ipKey: ipKey(attempt.ip), userAgent: attempt.userAgent, userId: attempt.userId,
        organisationId: user.organisationId, at, method: 'oidc' as const,
      };
      if (!user.active) {
        accounts.recordLoginEvent({ ...base, success: false, reason: 'inactive' });
        return { ok: false };
      }
      const outsideRange = security.isOutsideRange(user.organisationId, attempt.ip);
      if (outsideRange && security.policy() === 'deny') {
        const eventId = accounts.recordLoginEvent({ ...base, success: false, reason: 'outside_range_denied' });
        security.recordOutsideRange({ userId: attempt.userId, organisationId: user.organisationId, loginEventId: eventId, loginId: user.loginId, ip: attempt.ip, at, organisationName: user.organisationName, denied: true });
        logger.warn({ loginId: user.loginId, ip: attempt.ip, denied: true, method: 'oidc' }, 'login from outside the organisation\'s IP ranges');
        deps.onMailQueued?.();
        return { ok: false };
      }
      const eventId = accounts.recordLoginEvent({ ...base, success: true, reason: 'ok' });
      recordAnomalies({ userId: attempt.userId, organisationId: user.organisationId, organisationName: user.organisationName, loginEventId: eventId, loginId: user.loginId, ip: attempt.ip, at }, outsideRange);
      return { ok: true, outsideRange };
    },

    /**
     * A sign-in through the issuer that reached no account, kept in the login log as a refused
     * password is: an answer that did not check out (no account known: login_id ''), or a subject
     * linked to no account (login_id = the subject, which the secretariat may then link). Neither
     * counts toward a lock: no password was tried.
     */
    recordRefusedOidc(attempt: { reason: 'oidc_refused' | 'oidc_unlinked'; subject?: string; ip: string; userAgent: string }): void {
      accounts.recordLoginEvent({
        loginId: attempt.subject ?? '', ip: attempt.ip, ipKey: ipKey(attempt.ip), userAgent: attempt.userAgent, userId: null, organisationId: null,
        at: clock.now().toISOString(), success: false, reason: attempt.reason, method: 'oidc',
      });
    },

    /**
     * The code of a login whose password was right: a TOTP code of a step not used before, or one of
     * the account's unused recovery codes. A wrong code counts toward the ID's lock as a wrong
     * password does, so the code cannot be guessed by starting the login again and again.
     */
    completeSecondFactor(attempt: SecondFactorAttempt): SecondFactorOutcome {
      const { userId, loginId, ip } = attempt;
      const key = ipKey(ip);
      const now = clock.now();
      const at = now.toISOString();
      const user = accounts.findSessionUser(userId);
      const outcome = db.transaction((): SecondFactorOutcome & { eventId?: number } => {
        const base = { loginId, ip, ipKey: key, userAgent: attempt.userAgent, userId, organisationId: user?.organisationId ?? null, at };
        const until = lockedUntil(loginId);
        if (until !== null) {
          accounts.recordLoginEvent({ ...base, success: false, reason: 'locked' });
          return { ok: false, reason: 'locked', retryAfterSeconds: Math.ceil((until - now.getTime()) / 1000) };
        }
        const state = credentials.twoFactor(userId);
        const step = state?.secret ? totpStep(state.secret, attempt.code, now) : null;
        const accepted = user !== undefined && state?.secret
          ? (step !== null ? credentials.acceptTotpStep(userId, step) : credentials.useRecoveryCode(userId, recoveryCodeHash(attempt.code), at))
          : false;
        if (!accepted) {
          accounts.recordLoginEvent({ ...base, success: false, reason: 'bad_otp' });
          lockIfDue(attempt, key, at);
          return { ok: false, reason: 'bad_otp' };
        }
        const eventId = accounts.recordLoginEvent({ ...base, success: true, reason: 'ok' });
        const left = credentials.twoFactor(userId)?.unusedRecoveryCodes ?? 0;
        return { ok: true, userId, usedRecoveryCode: step === null, recoveryCodesLeft: left, eventId };
      }).immediate();
      if (outcome.ok && user) {
        recordAnomalies({ userId, organisationId: user.organisationId, organisationName: user.organisationName, loginEventId: outcome.eventId!, loginId, ip, at }, attempt.outsideRange);
      }
      const { eventId: _eventId, ...answer } = outcome;
      return answer;
    },
  };
}

export type AccountsService = ReturnType<typeof accountsService>;
