import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { SecurityService } from '../security/security.service.js';
import type { AccountsRepository } from './accounts.repository.js';
import { verifyPassword } from './passwords.js';

/** How many failures lock a login ID, within which window, and for how long. */
export type LockPolicy = { maxFailures: number; windowMs: number; lockMs: number };

export const defaultLockPolicy: LockPolicy = {
  maxFailures: 5,
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
};

/**
 * Failed logins allowed from one client address within the window; past that the address gets 429
 * until old failures leave the window. Counted from login_events, so only failures count (a whole
 * city hall behind one address is never slowed by its own logins, however many at once) and the
 * count survives restarts and holds across processes.
 */
export type IpThrottle = { maxFailures: number; windowMs: number };

export const defaultIpThrottle: IpThrottle = { maxFailures: 30, windowMs: 15 * 60_000 };

export type LoginAttempt = { loginId: string; password: string; ip: string; userAgent: string };

export type LoginOutcome =
  | { ok: true; userId: number; organisationId: number; outsideRange: boolean }
  | { ok: false; reason: 'bad_credentials' }
  | { ok: false; reason: 'ip_throttled' }
  | { ok: false; reason: 'locked'; retryAfterSeconds: number };

/**
 * Checks a login attempt and records it as a login event, whatever its outcome.
 *
 * The lock is keyed on the typed login ID, not on the user row, so unknown IDs lock exactly like real
 * ones and a lock says nothing about whether an ID exists. Only failures count: a city hall's
 * colleagues logging in through one address never lock each other out.
 */
export function accountsService(deps: {
  accounts: AccountsRepository; security: SecurityService; clock: Clock; logger: Logger; lockPolicy: LockPolicy;
  ipThrottle: IpThrottle; onMailQueued?: () => void;
}) {
  const { accounts, security, clock, logger, lockPolicy } = deps;

  function lockedUntil(loginId: string): number | null {
    const started = accounts.lastEventAt(loginId, 'lock_started');
    if (!started) return null;
    const until = Date.parse(started) + lockPolicy.lockMs;
    return until > clock.now().getTime() ? until : null;
  }

  /** Failures since the window opened, the last success, or the last lock, whichever is latest. */
  function recentFailures(loginId: string): number {
    const windowStart = new Date(clock.now().getTime() - lockPolicy.windowMs).toISOString();
    const since = [windowStart, accounts.lastEventAt(loginId, 'ok'), accounts.lastEventAt(loginId, 'lock_started')]
      .filter((t): t is string => t !== null)
      .sort()
      .at(-1) as string;
    return accounts.countFailuresSince(loginId, since);
  }

  return {
    async login(attempt: LoginAttempt): Promise<LoginOutcome> {
      const { loginId, password, ip, userAgent } = attempt;
      const base = { loginId, ip, userAgent, userId: null, organisationId: null };

      const ipWindowStart = new Date(clock.now().getTime() - deps.ipThrottle.windowMs).toISOString();
      if (accounts.countFailuresFromIpSince(ip, ipWindowStart) >= deps.ipThrottle.maxFailures) {
        accounts.recordLoginEvent({ ...base, at: clock.now().toISOString(), success: false, reason: 'ip_throttled' });
        return { ok: false, reason: 'ip_throttled' };
      }

      const until = lockedUntil(loginId);
      if (until !== null) {
        accounts.recordLoginEvent({ ...base, at: clock.now().toISOString(), success: false, reason: 'locked' });
        return { ok: false, reason: 'locked', retryAfterSeconds: Math.ceil((until - clock.now().getTime()) / 1000) };
      }

      const user = accounts.findCredentials(loginId);
      const passwordMatches = await verifyPassword(password, user?.passwordHash);
      const now = clock.now().toISOString();

      if (user && passwordMatches && user.active) {
        const who = { userId: user.id, organisationId: user.organisationId };
        const outsideRange = security.isOutsideRange(user.organisationId, ip);
        const denied = outsideRange && security.policy() === 'deny';
        const loginEventId = accounts.recordLoginEvent({
          ...base, ...who, at: now, success: !denied, reason: denied ? 'outside_range_denied' : 'ok',
        });
        const facts = { ...who, loginEventId, loginId, ip, at: now };
        if (outsideRange) {
          security.recordOutsideRange({ ...facts, organisationName: user.organisationName, denied });
          logger.warn({ loginId, ip, denied }, 'login from outside the organisation\'s IP ranges');
        }
        if (!denied) security.checkSharedIp(facts);
        deps.onMailQueued?.();
        // Refused under `deny` with the usual failure message: nothing tells the caller why.
        if (denied) return { ok: false, reason: 'bad_credentials' };
        return { ok: true, ...who, outsideRange };
      }

      accounts.recordLoginEvent({
        ...base,
        at: now,
        userId: user?.id ?? null,
        organisationId: user?.organisationId ?? null,
        success: false,
        reason: user && passwordMatches ? 'inactive' : 'bad_credentials',
      });
      if (recentFailures(loginId) >= lockPolicy.maxFailures) {
        accounts.recordLoginEvent({ ...base, at: now, success: false, reason: 'lock_started' });
        logger.warn({ loginId, ip, lockMinutes: lockPolicy.lockMs / 60_000 }, 'login ID locked after repeated failures');
      }
      return { ok: false, reason: 'bad_credentials' };
    },
  };
}

export type AccountsService = ReturnType<typeof accountsService>;
