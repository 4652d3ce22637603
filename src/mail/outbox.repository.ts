import type { Db } from '../db/connection.js';

/** `replyTo`: where a reply goes when it is not the portal (an inquiry's asker, migration 0026). */
export type OutgoingMail = { kind: string; to: string[]; subject: string; body: string; replyTo?: string };

export type QueuedMail = OutgoingMail & { id: number; attempts: number };

/**
 * Mail whose text is members' own words to each other (messages relayed between municipalities): the
 * secretariat sees its envelope on /admin/mail (when, to whom, whether it went) but never its subject
 * or body, as the README promises.
 */
export const PRIVATE_MAIL_KINDS = ['peer.message', 'peer.message.copy', 'entry.inquiry', 'entry.inquiry.copy'] as const;
const privateKinds = PRIVATE_MAIL_KINDS.map((k) => `'${k}'`).join(', ');

/**
 * The mail outbox (design.md, Mail): every notification is a row first, written in the same
 * transaction as the change it reports, and sent later by the sender; nothing is lost while the SMTP
 * server is down.
 */
export function outboxRepository(db: Db) {
  const insert = db.prepare(
    `INSERT INTO mail_outbox (created_at, kind, recipients, subject, body, reply_to, status, attempts, next_attempt_at)
     VALUES (@at, @kind, @recipients, @subject, @body, @replyTo, 'pending', 0, @at)`,
  );
  const due = db.prepare<[{ now: string; limit: number }], { id: number; kind: string; recipients: string; subject: string; body: string; replyTo: string | null; attempts: number }>(
    `SELECT id, kind, recipients, subject, body, reply_to AS replyTo, attempts FROM mail_outbox
      WHERE status = 'pending' AND next_attempt_at <= @now AND (claimed_until IS NULL OR claimed_until <= @now) ORDER BY id LIMIT @limit`,
  );
  const claim = db.prepare(`UPDATE mail_outbox SET claimed_until = ?
    WHERE id = ? AND status = 'pending' AND (claimed_until IS NULL OR claimed_until <= ?)`);
  const markSent = db.prepare(`UPDATE mail_outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL, claimed_until = NULL WHERE id = ?`);
  const markFailed = db.prepare(
    `UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, claimed_until = NULL,
            status = CASE WHEN attempts + 1 >= ? THEN 'failed' ELSE 'pending' END
      WHERE id = ?`,
  );
  const list = db.prepare<[number], { id: number; createdAt: string; kind: string; recipients: string; subject: string | null; body: string | null; status: string; attempts: number; lastError: string | null; sentAt: string | null }>(
    `SELECT id, created_at AS createdAt, kind, recipients,
            CASE WHEN kind IN (${privateKinds}) THEN NULL ELSE subject END AS subject,
            CASE WHEN kind IN (${privateKinds}) THEN NULL ELSE body END AS body,
            status, attempts, last_error AS lastError, sent_at AS sentAt
       FROM mail_outbox ORDER BY id DESC LIMIT ?`,
  );
  const unsent = db.prepare<[], number>(`SELECT count(*) FROM mail_outbox WHERE status <> 'sent'`).pluck();
  const backlog = db.prepare<[], { pending: number; failed: number; oldestPending: string | null }>(
    `SELECT count(*) FILTER (WHERE status = 'pending') AS pending, count(*) FILTER (WHERE status = 'failed') AS failed,
            min(created_at) FILTER (WHERE status = 'pending') AS oldestPending
       FROM mail_outbox WHERE status <> 'sent'`,
  );
  return {
    /** The newest messages with their state, for /admin/mail; private kinds without subject and body. */
    list(limit: number) {
      return list.all(limit).map((m) => ({ ...m, to: JSON.parse(m.recipients) as string[] }));
    },
    unsentCount(): number {
      return unsent.get() ?? 0;
    },
    /** Mail waiting to go, mail given up on, and since when the oldest waits (for /admin/system). */
    backlog(): { pending: number; failed: number; oldestPending: string | null } {
      return backlog.get() ?? { pending: 0, failed: 0, oldestPending: null };
    },
    /** Queues a mail; recipients without an address are dropped, and a mail with none is not queued. */
    enqueue(mail: OutgoingMail, at: string): number | null {
      const to = [...new Set(mail.to.filter((address) => address.trim() !== ''))];
      if (to.length === 0) return null;
      return Number(insert.run({ kind: mail.kind, subject: mail.subject, body: mail.body, replyTo: mail.replyTo ?? null, recipients: JSON.stringify(to), at }).lastInsertRowid);
    },
    due(now: string, limit: number): QueuedMail[] {
      return due.all({ now, limit }).map(({ replyTo, ...row }) => ({ ...row, ...(replyTo ? { replyTo } : {}), to: JSON.parse(row.recipients) as string[] }));
    },
    /** Takes a due mail for sending until `until`; false when another process has it (or it went meanwhile). */
    claim(id: number, now: string, until: string): boolean {
      return claim.run(until, id, now).changes === 1;
    },
    markSent(id: number, at: string): void {
      markSent.run(at, id);
    },
    /** Schedules another try, or gives up (status failed) after maxAttempts. */
    markFailed(id: number, error: string, retryAt: string, maxAttempts: number): void {
      markFailed.run(error.slice(0, 1000), retryAt, maxAttempts, id);
    },
  };
}

export type OutboxRepository = ReturnType<typeof outboxRepository>;
