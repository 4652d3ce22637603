import { csrfSync } from 'csrf-sync';
import type { RequestHandler } from 'express';
import { isMultipart } from './upload.js';

/**
 * CSRF protection with the synchroniser token pattern: the token lives in the session and every POST
 * form carries it in the hidden `_csrf` field. A POST without a valid token gets 403 (the error
 * handler renders the page) and reaches no handler.
 *
 * The token is read from the parsed body. Multipart bodies are parsed only by their own route's upload
 * middleware, so for the paths listed in `multipartPaths` the global check lets multipart requests
 * through and the route runs `verify` itself right after its upload parser. Any other multipart POST
 * is checked here and, its body unparsed, refused.
 */
export function csrfProtection(multipartPaths: RegExp[] = []) {
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => {
      const token: unknown = req.body?._csrf;
      return typeof token === 'string' ? token : undefined;
    },
  });

  /** Templates call csrfToken() only where they render a form, so anonymous reading creates no session. */
  const exposeToken: RequestHandler = (req, res, next) => {
    res.locals.csrfToken = () => generateToken(req);
    next();
  };

  const global: RequestHandler = (req, res, next) => {
    if (isMultipart(req) && multipartPaths.some((path) => path.test(req.path))) return next();
    csrfSynchronisedProtection(req, res, next);
  };

  return { global, verify: csrfSynchronisedProtection, exposeToken };
}
