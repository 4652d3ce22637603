import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { LinkTo } from '../../mail/links.js';
import type { OutboxRepository } from '../../mail/outbox.repository.js';
import { staleEntriesMail } from './freshness.mail.js';
import { groupBy } from '../../group-by.js';
import type { FreshnessRepository } from './freshness.repository.js';

/** An organisation with stale entries is reminded at most once in this period. */
export const REMIND_EVERY_MS = 30 * 24 * 60 * 60_000;

/** The moment `months` calendar months before `now`: entries last updated or confirmed before it are stale. */
export function staleBefore(now: Date, months: number): string {
  const at = new Date(now.getTime());
  at.setUTCMonth(at.getUTCMonth() - months);
  return at.toISOString();
}

/**
 * Stale-entry reminders (issue 10): each organisation with entries neither updated nor confirmed for
 * the configured months gets one digest listing them all, at most once per REMIND_EVERY_MS. The
 * reminder's mark and its mail are written in one transaction, the mark compare-and-set, so two
 * processes cannot both send it.
 */
export function staleReminders(deps: {
  db: Db; repository: FreshnessRepository; outbox: OutboxRepository; clock: Clock; link: LinkTo; onMailQueued?: () => void;
}) {
  const { db, repository, outbox, clock } = deps;
  return {
    /** Queues the reminders that are due; returns how many. */
    run(): number {
      const now = clock.now();
      const months = repository.staleAfterMonths();
      const remindedBefore = new Date(now.getTime() - REMIND_EVERY_MS).toISOString();
      let queued = 0;
      for (const [organisationId, entries] of groupBy(repository.staleToRemind(staleBefore(now, months), remindedBefore), (e) => e.organisationId)) {
        db.transaction(() => {
          if (!repository.recordReminder(organisationId, now.toISOString(), entries.length, remindedBefore)) return;
          const name = repository.organisationName(organisationId);
          if (outbox.enqueue(staleEntriesMail(name, repository.recipients(organisationId), entries, months, deps.link), now.toISOString()) !== null) queued++;
        })();
      }
      if (queued > 0) deps.onMailQueued?.();
      return queued;
    },
  };
}

export type StaleReminders = ReturnType<typeof staleReminders>;
