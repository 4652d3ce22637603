import type { RequestHandler } from 'express';
import { ForbiddenError } from '../http-error.js';
import type { AccountsRepository } from '../features/accounts/accounts.repository.js';
import type { OrganisationKind, SessionUser } from '../features/accounts/accounts.types.js';

declare module 'express-serve-static-core' {
  interface Locals {
    currentUser?: SessionUser;
  }
}

/** Puts the session's user on res.locals; a deactivated or removed account is logged out here. */
export function loadCurrentUser(accounts: AccountsRepository): RequestHandler {
  return (req, res, next) => {
    const userId = req.session?.userId;
    if (userId !== undefined) {
      const user = accounts.findSessionUser(userId);
      if (user) res.locals.currentUser = user;
      else delete req.session.userId;
    }
    next();
  };
}

/** Anonymous visitors go to the login page and come back here afterwards. */
export const requireLogin: RequestHandler = (req, res, next) => {
  if (res.locals.currentUser) return next();
  res.redirect(302, `/login?next=${encodeURIComponent(req.originalUrl)}`);
};

const forbiddenMessages: Record<OrganisationKind, string> = {
  municipality: 'このページは特別会員（地方公共団体）の方向けです。',
  vendor: 'このページは情報を登録する会員の方向けです。',
  secretariat: 'このページはＡＰＰＬＩＣ事務局向けの管理機能です。',
};

/** Logged in, but of an organisation kind that may not use the page: 403. */
export function requireKind(...kinds: OrganisationKind[]): RequestHandler {
  return (req, res, next) => {
    const user = res.locals.currentUser;
    if (!user) return requireLogin(req, res, next);
    if (kinds.includes(user.organisationKind)) return next();
    throw new ForbiddenError(forbiddenMessages[kinds[0] ?? 'secretariat']);
  };
}

/**
 * The `next` parameter is honoured only as a path on this site. The check is made on what is returned,
 * after the URL parser has applied a browser's normalisations (dot segments, %2e, backslashes): a raw
 * "/.//evil.example" passes a check of the text but normalises to "//evil.example", which a browser
 * reads as another host.
 */
export function safeNextPath(next: unknown): string | null {
  if (typeof next !== 'string' || !next.startsWith('/') || next.length > 2000) return null;
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return null;
  const base = 'http://portal.invalid';
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return null;
  }
  if (url.origin !== base) return null;
  const path = url.pathname + url.search + url.hash;
  return isSameSitePath(path) ? path : null;
}

/** "/" followed by anything but a second "/" or "\\": a path a browser resolves on this host. */
function isSameSitePath(path: string): boolean {
  return path.startsWith('/') && path[1] !== '/' && path[1] !== '\\' && !/[\u0000-\u001f\u007f]/.test(path);
}

/** Where a user lands after login when no `next` was given. */
export function homePathFor(_kind: OrganisationKind): string {
  // Every kind starts on the home page, whose menu leads to the role's functions; the role pages
  // (search, own entries, admin dashboard) take over here as they are built.
  return '/';
}
