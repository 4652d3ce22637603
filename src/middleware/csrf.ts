import crypto from 'node:crypto';
import { csrfSync } from 'csrf-sync';
import type { Request, RequestHandler, Response } from 'express';
import { isMultipart } from './upload.js';
import { formValue } from '../validation.js';

/** The cookie that ties an anonymous visitor's form token to its browser (no session row needed). */
export const ANONYMOUS_CSRF_COOKIE = 'portal.csrf';

/** Methods that change nothing (csrf-sync ignores the same ones). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const csrfError = () => Object.assign(new Error('invalid csrf token'), { status: 403, code: 'EBADCSRFTOKEN' });

/**
 * CSRF protection. Every POST form carries a token in the hidden `_csrf` field; a POST without a
 * valid one gets 403 (the error handler renders the page) and reaches no handler.
 *
 * A logged-in user's token lives in the session (csrf-sync's synchroniser pattern). An anonymous
 * visitor's form (the login form, above all) must not cost a session row: a crawler or a script
 * fetching /login a million times would fill the sessions table. Such a form carries an HMAC of a
 * random value kept in a cookie (signed double submit): no row is written, another site can neither
 * read the cookie nor compute the token, and the token is accepted only while no one is logged in
 * in that session, so it can never stand in for a logged-in user's token.
 *
 * The token is read from the parsed body. Multipart bodies are parsed only by their own route's upload
 * middleware, so for the paths listed in `multipartPaths` the global check lets multipart requests
 * through and the route runs `verify` itself right after its upload parser. Any other multipart POST
 * is checked here and, its body unparsed, refused.
 */
export function csrfProtection(secret: string, multipartPaths: RegExp[] = []) {
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => {
      const token = formValue(req.body, '_csrf');
      return typeof token === 'string' ? token : undefined;
    },
  });

  const sign = (nonce: string) => crypto.createHmac('sha256', secret).update(`anonymous-form:${nonce}`).digest('base64url');
  const nonceOf = (req: Request): string | undefined => {
    const match = new RegExp(`(?:^|;\\s*)${ANONYMOUS_CSRF_COOKIE.replace('.', '\\.')}=([A-Za-z0-9_-]{43})(?:;|$)`).exec(req.headers.cookie ?? '');
    return match?.[1];
  };
  const isAnonymous = (req: Request) => req.session?.userId === undefined;

  const anonymousToken = (req: Request, res: Response): string => {
    let nonce = nonceOf(req) ?? (res.locals.csrfNonce as string | undefined);
    if (!nonce) {
      nonce = crypto.randomBytes(32).toString('base64url');
      res.locals.csrfNonce = nonce; // a page with several forms sets the cookie once
      res.cookie(ANONYMOUS_CSRF_COOKIE, nonce, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
    }
    return sign(nonce);
  };

  /** Templates call csrfToken() only where they render a form. */
  const exposeToken: RequestHandler = (req, res, next) => {
    res.locals.csrfToken = () => (isAnonymous(req) && !req.session?.csrfToken ? anonymousToken(req, res) : generateToken(req));
    next();
  };

  const verify: RequestHandler = (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    if (isAnonymous(req) && !req.session?.csrfToken) {
      const nonce = nonceOf(req);
      const token = formValue(req.body, '_csrf');
      if (!nonce || typeof token !== 'string') return next(csrfError());
      const expected = Buffer.from(sign(nonce));
      const given = Buffer.from(token);
      return next(given.length === expected.length && crypto.timingSafeEqual(given, expected) ? undefined : csrfError());
    }
    csrfSynchronisedProtection(req, res, next);
  };

  const global: RequestHandler = (req, res, next) => {
    if (isMultipart(req) && multipartPaths.some((path) => path.test(req.path))) return next();
    verify(req, res, next);
  };

  return { global, verify, exposeToken };
}
