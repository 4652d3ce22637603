import { csrfSync } from 'csrf-sync';
import type { RequestHandler } from 'express';

/**
 * CSRF protection with the synchroniser token pattern: the token lives in the session and every POST
 * form carries it in the hidden `_csrf` field. A POST without a valid token gets 403 (the error
 * handler renders the page) and reaches no handler.
 *
 * The token is read from the parsed body, so a multipart route must run its upload parser (multer)
 * before this check; see the note in app.ts where the middleware is mounted.
 */
export function csrfProtection() {
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

  return { verify: csrfSynchronisedProtection, exposeToken };
}
