import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { Actor, AuditRepository } from '../audit/audit.repository.js';
import type { FreshnessRepository } from './freshness.repository.js';
import type { LinkChecker } from './link-checker.js';

type Deps = { db: Db; repository: FreshnessRepository; checker: LinkChecker; audit: AuditRepository; clock: Clock; logger: Logger };

/**
 * The changes of catalog freshness (issue 10), each with its audit record: the secretariat's link
 * check on demand and its settings, and an owner's 「内容に変更なし」.
 */
export function freshnessService({ db, repository, checker, audit, clock, logger }: Deps) {
  return {
    /** Starts a check of every link in the background (a full check takes minutes). */
    startFullCheck(actor: Actor): void {
      audit.record(actor, clock.now().toISOString(), 'freshness.check', { type: 'setting', id: 0 });
      checker.run({ all: true }).then(
        (summary) => logger.info(summary, 'link check on demand finished'),
        (error: unknown) => logger.error({ err: error }, 'link check on demand failed'),
      );
    },

    saveSettings(after: { allowPrivate: boolean; staleAfterMonths: number }, actor: Actor): void {
      const at = clock.now().toISOString();
      db.transaction(() => {
        const before = { allowPrivate: repository.allowPrivate(), staleAfterMonths: repository.staleAfterMonths() };
        repository.saveSettings(after, at);
        audit.record(actor, at, 'freshness.settings', { type: 'setting', id: 0 }, {
          link_check_allow_private: [before.allowPrivate, after.allowPrivate], stale_after_months: [before.staleAfterMonths, after.staleAfterMonths],
        });
      })();
    },

    /** The owner organisation confirms its entry is still right; false when it is not theirs (or gone). */
    reconfirm(entryId: number, organisationId: number, actor: Actor): boolean {
      const at = clock.now().toISOString();
      return db.transaction(() => {
        const before = repository.ownFreshness(entryId, organisationId);
        if (!before || !repository.confirmOwn(entryId, organisationId, at)) return false;
        audit.record(actor, at, 'entry.reconfirm', { type: 'entry', id: entryId }, { confirmed_at: [before.confirmedAt, at] });
        return true;
      })();
    },
  };
}

export type FreshnessService = ReturnType<typeof freshnessService>;
