import session from 'express-session';
import makeSqliteStore from 'better-sqlite3-session-store';
import type { Db } from '../db/connection.js';

declare module 'express-session' {
  interface SessionData {
    userId: number;
    loginAt: string;
    /** The login came from outside the organisation's IP ranges (allowed under policy `notify`). */
    outsideRange: boolean;
    /** The last 「延長する」 (the session's row is written again, with a new expiry). */
    extendedAt: string;
    /** A login whose password was right, waiting for its second factor (not logged in yet). */
    pendingLogin: { userId: number; loginId: string; next: string | null; outsideRange: boolean; startedAt: string; failures: number };
    /** The TOTP secret the set-up page shows, until a code of it is confirmed. */
    totpSetupSecret: string;
    /** Said once on the next page (「回復コードでログインしました…」). */
    notice: string;
    /** A login through the association's issuer, started and waiting for its return (oidc.client.ts). */
    oidcPending: import('../features/oidc/oidc.client.js').OidcPending;
    /** The issuer's ID token of this session's login, for logout's id_token_hint. */
    oidcIdToken: string;
  }
}

export const SESSION_COOKIE = 'portal.sid';

const SqliteStore = makeSqliteStore(session);

/**
 * Sessions live in the portal's SQLite file (table `sessions`), so they survive a restart.
 * `rolling` renews the cookie on every response, which makes maxAge an idle timeout.
 * `secure: 'auto'` marks the cookie Secure whenever the request came over HTTPS (TRUST_PROXY tells
 * Express to believe the proxy about that).
 */
export function sessions(deps: { db: Db; secret: string; idleMinutes: number }) {
  return session({
    name: SESSION_COOKIE,
    secret: deps.secret,
    store: new SqliteStore({ client: deps.db, expired: { clear: true, intervalMs: 15 * 60_000 } }),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: deps.idleMinutes * 60_000 },
  });
}
