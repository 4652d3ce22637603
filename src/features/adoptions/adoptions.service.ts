import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { SessionUser } from '../accounts/accounts.types.js';
import type { Actor, AuditRepository } from '../audit/audit.repository.js';
import type { AdoptionAudience, AdoptionsRepository } from './adoptions.repository.js';
import type { AdoptionForm } from './adoptions.schemas.js';

/** Vendors (and visitors not logged in) see only the marks made visible to all; members every mark. */
export function audienceOf(user: SessionUser | undefined): AdoptionAudience {
  return user && user.organisationKind !== 'vendor' ? 'member' : 'vendor';
}

/**
 * 「導入しています」 (issue 21.2): a municipality's mark on a product or service, changed and taken back
 * by its own staff, each change audited. The entry itself is not touched (no new update time, no
 * reindex), so nothing about it changes for those the mark is not shown to.
 */
export function adoptionsService(deps: { db: Db; repository: AdoptionsRepository; audit: AuditRepository; clock: Clock }) {
  const { db, repository, audit, clock } = deps;
  return {
    mark(entryId: number, form: AdoptionForm, user: SessionUser, actor: Actor): void {
      const at = clock.now().toISOString();
      db.transaction(() => {
        const before = repository.ownOf(entryId, user.organisationId);
        repository.save({ entryId, organisationId: user.organisationId, userId: user.id, sinceYear: form.since_year, visibility: form.visibility, at });
        audit.record(actor, at, 'adoption.set', { type: 'entry', id: entryId }, {
          since_year: [before?.sinceYear ?? null, form.since_year], visibility: [before?.visibility ?? null, form.visibility],
        });
      })();
    },

    /** Takes the organisation's mark back; false if it had none. */
    unmark(entryId: number, user: SessionUser, actor: Actor): boolean {
      const at = clock.now().toISOString();
      return db.transaction(() => {
        const before = repository.ownOf(entryId, user.organisationId);
        if (!before || !repository.remove(entryId, user.organisationId)) return false;
        audit.record(actor, at, 'adoption.remove', { type: 'entry', id: entryId }, {
          since_year: [before.sinceYear, null], visibility: [before.visibility, null],
        });
        return true;
      })();
    },
  };
}

export type AdoptionsService = ReturnType<typeof adoptionsService>;
