import type { RequestHandler } from 'express';
import type { Clock } from '../../clock.js';
import type { FreshnessRepository } from './freshness.repository.js';
import { STRIKES } from './link-checker.js';
import { staleBefore } from './stale-reminders.js';

/** What the templates need to show an entry's freshness (the row or page supplies the entry). */
type Fresh = { updatedAt: string; confirmedAt?: string | null; linkFailures?: number | null };

/** The freshness date: the later of the last update and the last "no changes" confirmation. */
export function freshAt(entry: Fresh): string {
  return entry.confirmedAt && entry.confirmedAt > entry.updatedAt ? entry.confirmedAt : entry.updatedAt;
}

/** Sets res.locals.freshness for every page: the stale age in force and the two tests on an entry. */
export function freshnessLocals(repository: FreshnessRepository, clock: Clock): RequestHandler {
  return (_req, res, next) => {
    // Read once a page, when first asked (most requests show no entry).
    let months: number | undefined;
    let cutoff: string | undefined;
    const staleMonths = () => (months ??= repository.staleAfterMonths());
    res.locals.freshness = {
      freshAt,
      /** Neither updated nor confirmed for the configured months. */
      isStale: (entry: Fresh) => freshAt(entry) < (cutoff ??= staleBefore(clock.now(), staleMonths())),
      /** Failed the last STRIKES checks in a row. */
      isLinkBroken: (entry: Fresh) => (entry.linkFailures ?? 0) >= STRIKES,
      staleMonths,
    };
    next();
  };
}
