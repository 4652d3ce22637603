import type { Request } from 'express';
import type { Clock } from '../../clock.js';

/**
 * Logged in: a new session id (one planted before login is worth nothing after it), holding who and
 * how. Shared by the password login and the login through the association's issuer (issue 24).
 */
export async function startSession(req: Request, clock: Clock, userId: number, how: {
  outsideRange: boolean; notice?: string; oidcIdToken?: string;
}): Promise<void> {
  await new Promise<void>((resolve, reject) => req.session.regenerate((err: unknown) => (err ? reject(new Error('session regenerate failed', { cause: err })) : resolve())));
  req.session.userId = userId;
  req.session.loginAt = clock.now().toISOString();
  // Edits and deletions made in this session are mailed to the secretariat with their diff.
  if (how.outsideRange) req.session.outsideRange = true;
  if (how.notice) req.session.notice = how.notice;
  // Kept for logout, which ends the issuer's session too where it can (its id_token_hint).
  if (how.oidcIdToken) req.session.oidcIdToken = how.oidcIdToken;
}
