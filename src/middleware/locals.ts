import type { Express, RequestHandler, Response } from 'express';
import { genreTreeHtml } from '../features/genres/genre-tree.html.js';
import { normaliseIp } from '../features/security/ip-ranges.js';
import type { Clock } from '../clock.js';
import { formatBytes, formatCount, formatDate, formatDateTime, formatDuration, formatTime, markTerms, summaryHead } from '../text.js';

export type Breadcrumb = { label: string; href?: string };

declare module 'express-serve-static-core' {
  interface Locals {
    csrfToken: () => string;
    currentPath: string;
    /** When a logged-in user's session ends if nothing more is done (shown on every page). */
    sessionEndsAt?: string;
    /** The same as seconds from now, for the page's script (the browser's clock may differ from ours). */
    sessionIdleSeconds?: number;
  }
}

/**
 * Helpers and defaults every template may rely on, set on app.locals so that even an error page
 * rendered before the session middleware ran (a malformed body, say) finds them.
 */
export function setTemplateDefaults(app: Express): void {
  Object.assign(app.locals, {
    formatDateTime,
    formatTime,
    formatCount,
    formatBytes,
    formatDuration,
    markTerms,
    genreTreeHtml,
    formatDate,
    summaryHead,
    // Addresses as people write them: an IPv4-mapped IPv6 address (::ffff:192.0.2.1) as IPv4.
    formatIp: normaliseIp,
    currentUser: undefined,
    currentPath: '',
    sessionEndsAt: undefined,
    sessionIdleSeconds: undefined,
    done: undefined,
    breadcrumbs: undefined,
    csrfToken: () => '',
    // Replaced in createPortal by the built assets' hashed names, where there are any.
    asset: (plain: string) => plain,
  });
}

/** Notices said on the next page of a visitor without a session, by the cookie `portal.notice=KEY`. */
const PUBLIC_NOTICES = {
  'logged-out': 'ログアウトしました。',
  'password-set': 'パスワードを設定しました。新しいパスワードでログインしてください。',
} as const;

export type PublicNotice = keyof typeof PUBLIC_NOTICES;

const NOTICE_COOKIE = 'portal.notice';

/** Carries `key` to the next page (a minute at most); only the keys above are ever read back. */
export function carryNotice(res: Response, key: PublicNotice): void {
  res.cookie(NOTICE_COOKIE, key, { httpOnly: true, sameSite: 'lax', secure: res.req.secure, maxAge: 60_000, path: '/' });
}

function noticeCookieOf(header: string | undefined): PublicNotice | undefined {
  const value = header?.split(/;\s*/).find((part) => part.startsWith(`${NOTICE_COOKIE}=`))?.slice(NOTICE_COOKIE.length + 1);
  return value !== undefined && Object.hasOwn(PUBLIC_NOTICES, value) ? (value as PublicNotice) : undefined;
}

/**
 * Per request: the path (navigation marks the current section) and, for a logged-in user, when the
 * session will end: the session is idle-timed (every response renews it), and JIS X 8341-3 / WCAG 2.0
 * 2.2.1 asks that a time limit be announced. The page says it; with JavaScript a dialog warns before.
 */
export function requestLocals(deps: { clock: Clock; idleMinutes: number }): RequestHandler {
  return (req, res, next) => {
    res.locals.currentPath = req.path;
    // What the last step did, said once on the page it led to: a notice the session kept for it, or
    // one a short-lived cookie carries where there is no session to keep it (after logout).
    const notice = req.session?.notice;
    const carried = noticeCookieOf(req.headers.cookie);
    if (notice !== undefined) {
      delete req.session.notice;
      res.locals.done = notice;
    } else if (carried) {
      res.locals.done = PUBLIC_NOTICES[carried];
      res.clearCookie(NOTICE_COOKIE, { path: '/' });
    }
    if (res.locals.currentUser) {
      res.locals.sessionEndsAt = new Date(deps.clock.now().getTime() + deps.idleMinutes * 60_000).toISOString();
      res.locals.sessionIdleSeconds = deps.idleMinutes * 60;
    }
    next();
  };
}
