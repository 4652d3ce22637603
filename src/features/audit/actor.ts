import type { Request, Response } from 'express';
import type { Actor } from './audit.repository.js';

/** Who is acting in this request, for the audit log (and for mails about flagged sessions). */
export function actorOf(req: Request, res: Response): Actor {
  const user = res.locals.currentUser!;
  return {
    userId: user.id,
    organisationId: user.organisationId,
    ip: req.ip ?? '',
    sessionId: req.sessionID ?? null,
    loginId: user.loginId,
    outsideRange: req.session?.outsideRange === true,
  };
}
