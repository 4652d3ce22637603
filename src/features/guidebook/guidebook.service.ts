import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { SessionUser } from '../accounts/accounts.types.js';
import type { Actor, AuditRepository, Diff } from '../audit/audit.repository.js';
import type { GuidebookRepository, SelfCheck } from './guidebook.repository.js';

/** The guidebook self-check's one change: an organisation's ten answers, saved with their audit record. */
export function guidebookService({ db, repository, audit, clock }: { db: Db; repository: GuidebookRepository; audit: AuditRepository; clock: Clock }) {
  return {
    saveSelfCheck(user: SessionUser, actor: Actor, checks: Omit<SelfCheck, 'updatedAt'>[]): void {
      const at = clock.now().toISOString();
      db.transaction(() => {
        const before = new Map(repository.selfChecksOf(user.organisationId).map((c) => [c.itemNumber, c]));
        const diff: Diff = {};
        for (const c of checks) {
          const old = before.get(c.itemNumber);
          if (old?.status !== c.status || (old?.note ?? '') !== c.note) {
            diff[`item_${c.itemNumber}`] = [old ? `${old.status} ${old.note}`.trim() : null, `${c.status} ${c.note}`.trim()];
          }
        }
        repository.saveSelfChecks(user.organisationId, user.id, at, checks);
        audit.record(actor, at, 'self_check.update', { type: 'organisation', id: user.organisationId }, diff);
      })();
    },
  };
}

export type GuidebookService = ReturnType<typeof guidebookService>;
