import type { Db } from '../../db/connection.js';

/** Who did it, from where, in which session: recorded with every change. */
export type Actor = {
  userId: number;
  organisationId: number;
  ip: string;
  sessionId: string | null;
  /** Set when the session logged in from outside the organisation's IP ranges. */
  loginId?: string;
  outsideRange?: boolean;
};

/** A change's diff: field → [before, after]. */
export type Diff = Record<string, [unknown, unknown]>;

export function auditRepository(db: Db) {
  const insert = db.prepare(
    `INSERT INTO audit_log (at, user_id, organisation_id, ip, session_id, action, target_type, target_id, diff)
     VALUES (@at, @userId, @organisationId, @ip, @sessionId, @action, @targetType, @targetId, @diff)`,
  );
  return {
    record(actor: Actor, at: string, action: string, target: { type: string; id: number }, diff: Diff = {}): void {
      insert.run({
        userId: actor.userId, organisationId: actor.organisationId, ip: actor.ip, sessionId: actor.sessionId,
        at, action, targetType: target.type, targetId: target.id, diff: JSON.stringify(diff),
      });
    },
  };
}

export type AuditRepository = ReturnType<typeof auditRepository>;
