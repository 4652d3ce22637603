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

/** A change as the audit log records it, for those who must hear of it (a flagged session's changes). */
export type AuditedChange = { loginId: string; action: string; target: { type: string; id: number }; diff: Diff; at: string };

/**
 * The audit log. Every change in the portal is recorded here, which makes it the one place that sees
 * every change: a change made in a session flagged as logged in from outside its organisation's ranges
 * (policy `notify`) is handed to `onFlaggedChange` too, inside the change's transaction, whatever
 * feature made it (entries, accounts, organisations, the policy itself).
 */
export function auditRepository(db: Db, hooks: { onFlaggedChange?: (change: AuditedChange) => void } = {}) {
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
      if (actor.outsideRange) hooks.onFlaggedChange?.({ loginId: actor.loginId ?? '', action, target, diff, at });
    },
  };
}

export type AuditRepository = ReturnType<typeof auditRepository>;
