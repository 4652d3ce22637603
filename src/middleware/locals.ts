import type { Express, RequestHandler } from 'express';
import { genreTreeHtml } from '../features/genres/genre-tree.html.js';
import { normaliseIp } from '../features/security/ip-ranges.js';
import type { Clock } from '../clock.js';
import { formatCount, formatDate, formatDateTime, formatTime, markTerms, summaryHead } from '../text.js';

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
  });
}

/**
 * Per request: the path (navigation marks the current section) and, for a logged-in user, when the
 * session will end: the session is idle-timed (every response renews it), and JIS X 8341-3 / WCAG 2.0
 * 2.2.1 asks that a time limit be announced. The page says it; with JavaScript a dialog warns before.
 */
export function requestLocals(deps: { clock: Clock; idleMinutes: number }): RequestHandler {
  return (req, res, next) => {
    res.locals.currentPath = req.path;
    if (res.locals.currentUser) {
      res.locals.sessionEndsAt = new Date(deps.clock.now().getTime() + deps.idleMinutes * 60_000).toISOString();
      res.locals.sessionIdleSeconds = deps.idleMinutes * 60;
    }
    next();
  };
}
