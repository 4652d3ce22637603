import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { LinkTo } from '../../mail/links.js';
import type { OutboxRepository } from '../../mail/outbox.repository.js';
import type { Actor, AuditRepository } from '../audit/audit.repository.js';
import { ownerMail } from './admin-entries.mail.js';
import type { AdminEntriesRepository } from './admin-entries.repository.js';

/** Why a change did not happen: no such entry, or it is not in the state the change needs. */
export type RefusedChange = 'not_found' | 'wrong_state';

type Deps = {
  db: Db; entries: AdminEntriesRepository; audit: AuditRepository; outbox: OutboxRepository; clock: Clock; link: LinkTo;
  onMailQueued: () => void;
};

/**
 * What the secretariat does to an entry (管理者側機能 3): suspend and unsuspend, delete and restore. Each
 * is one transaction with its audit record and the mail to the owner organisation's active users, and
 * happens only from the state it needs (a second click changes nothing).
 */
export function adminEntriesService({ db, entries, audit, outbox, clock, link, onMailQueued }: Deps) {
  const change = (id: number, apply: (at: string, entry: NonNullable<ReturnType<AdminEntriesRepository['find']>>) => boolean): RefusedChange | undefined => {
    const at = clock.now().toISOString();
    const outcome = db.transaction((): RefusedChange | undefined => {
      const entry = entries.find(id);
      if (!entry) return 'not_found';
      return apply(at, entry) ? undefined : 'wrong_state';
    })();
    if (!outcome) onMailQueued();
    return outcome;
  };

  return {
    suspend(id: number, reason: string, actor: Actor): RefusedChange | undefined {
      return change(id, (at, entry) => {
        if (!entries.suspend(id, reason, actor.userId, at)) return false;
        audit.record(actor, at, 'entry.suspend', { type: 'entry', id }, { suspended_reason: [null, reason] });
        outbox.enqueue(ownerMail('suspended', entry, link, reason), at);
        return true;
      });
    },

    unsuspend(id: number, actor: Actor): RefusedChange | undefined {
      return change(id, (at, entry) => {
        if (!entries.unsuspend(id)) return false;
        audit.record(actor, at, 'entry.unsuspend', { type: 'entry', id }, { suspended_reason: [entry.suspendedReason, null] });
        outbox.enqueue(ownerMail('unsuspended', entry, link), at);
        return true;
      });
    },

    /** A soft delete, as the owner's own: the row stays, every screen treats it as gone, it can be restored. */
    remove(id: number, reason: string, actor: Actor): RefusedChange | undefined {
      return change(id, (at, entry) => {
        if (!entries.softDelete(id, actor.userId, at)) return false;
        audit.record(actor, at, 'entry.delete', { type: 'entry', id }, { deleted_at: [null, at], reason: [null, reason] });
        outbox.enqueue(ownerMail('deleted', entry, link, reason), at);
        return true;
      });
    },

    /** Undoes a delete (the owner's or the secretariat's): the entry is back as it was, suspension included. */
    restore(id: number, actor: Actor): RefusedChange | undefined {
      return change(id, (at, entry) => {
        if (!entries.restore(id)) return false;
        audit.record(actor, at, 'entry.restore', { type: 'entry', id }, { deleted_at: [entry.deletedAt, null] });
        outbox.enqueue(ownerMail('restored', entry, link), at);
        return true;
      });
    },
  };
}

export type AdminEntriesService = ReturnType<typeof adminEntriesService>;
