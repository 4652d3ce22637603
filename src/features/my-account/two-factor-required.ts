import type { RequestHandler } from 'express';
import type { SessionUser } from '../accounts/accounts.types.js';

/** What an account sent to the two-factor set-up may still reach: the set-up itself and the way out. */
const OPEN_PATHS = new Set(['/account/two-factor', '/logout', '/session/extend']);

/**
 * Issue 17.5: where two-factor login is required for the account (secretariat accounts, by the
 * secretariat's setting) and not yet set up, every page leads to the set-up first.
 */
export function requireTwoFactorSetup(isRequired: (user: SessionUser) => boolean): RequestHandler {
  return (req, res, next) => {
    const user = res.locals.currentUser;
    if (!user || user.twoFactor || OPEN_PATHS.has(req.path) || !isRequired(user)) return next();
    res.redirect(303, '/account/two-factor');
  };
}
