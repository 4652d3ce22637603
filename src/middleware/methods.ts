import type { RequestHandler } from 'express';
import { HttpError } from '../http-error.js';

const ALLOWED = new Set(['GET', 'HEAD', 'POST', 'OPTIONS']);

/**
 * The portal is HTML forms and links: GET and POST only. Any other method is answered 405 before the
 * session and CSRF layers, so it reads as "not allowed" rather than as a missing token.
 */
export const onlyFormMethods: RequestHandler = (req, res, next) => {
  if (ALLOWED.has(req.method)) return next();
  res.set('Allow', 'GET, HEAD, POST');
  throw new HttpError(405, 'この方法ではご利用いただけません。');
};
