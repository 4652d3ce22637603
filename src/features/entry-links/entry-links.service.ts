import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { SessionUser } from '../accounts/accounts.types.js';
import type { Actor, AuditRepository } from '../audit/audit.repository.js';
import type { EntryLinksRepository } from './entry-links.repository.js';

/**
 * What an organisation may do with links other organisations made to its entries: hide one from its
 * own entry's pages, or show it again (issue 21.1). The link itself is the other side's and stays.
 * The links an owner makes are saved with the entry form (my-entries.service.ts).
 */
export function entryLinksService(deps: { db: Db; repository: EntryLinksRepository; audit: AuditRepository; clock: Clock }) {
  const { db, repository, audit, clock } = deps;
  return {
    /**
     * Hides the link (or shows it again). Doing it twice changes nothing more; false when the
     * organisation has no such link: not its entry, or not another organisation's link.
     */
    setHidden(link: { from: number; to: number }, hidden: boolean, user: SessionUser, actor: Actor): boolean {
      const at = clock.now().toISOString();
      return db.transaction(() => {
        const now = repository.isHidden(link, user.organisationId);
        if (now === undefined) return false;
        if (now === hidden) return true;
        repository.setHidden(link, user.organisationId, user.id, hidden ? at : null);
        audit.record(actor, at, hidden ? 'entry_link.hide' : 'entry_link.show', { type: 'entry', id: link.to }, {
          related: hidden ? [[link.from], null] : [null, [link.from]],
        });
        return true;
      })();
    },
  };
}

export type EntryLinksService = ReturnType<typeof entryLinksService>;
