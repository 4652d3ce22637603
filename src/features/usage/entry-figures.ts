import type { Clock } from '../../clock.js';
import type { UsageRecorder } from './usage.recorder.js';
import { monthsBack, nextMonth, type UsageRepository } from './usage.repository.js';

/**
 * Below this many municipalities a vendor sees no number of views or downloads (issue 22.1: a count
 * small enough to point at one municipality is not shown). Likes and inquiries are shown exactly:
 * the vendor already sees who liked (the spec's 「いいね！」 list) and every inquiry arrives by mail
 * with the asker's name.
 */
export const MIN_ORGANISATIONS_SHOWN = 3;

/** One entry's month: views and downloads by municipalities (null: fewer than 3 of them), likes, inquiries. */
export type EntryMonth = { month: string; view: number | null; download: number | null; like: number; inquiry: number };

/** A vendor's own figures (issue 22.3), for /my/entries and /my/entries/:id. */
export function entryFigures({ usage, recorder, clock }: { usage: UsageRepository; recorder: Pick<UsageRecorder, 'flush'>; clock: Clock }) {
  /** For each entry, its months from `first` to `last`, oldest first. */
  const figures = (entryIds: readonly number[], first: string, last: string): Map<number, EntryMonth[]> => {
    recorder.flush();
    const rows = usage.entryMonths(entryIds, `${first}-01`, `${nextMonth(last)}-01`);
    const byEntry = new Map<number, Map<string, EntryMonth>>();
    for (const id of entryIds) {
      const months = new Map<string, EntryMonth>();
      for (let m = first; m <= last; m = nextMonth(m)) months.set(m, { month: m, view: null, download: null, like: 0, inquiry: 0 });
      byEntry.set(id, months);
    }
    for (const row of rows) {
      const cell = byEntry.get(row.entryId)?.get(row.month);
      if (!cell) continue;
      if (row.kind === 'view' || row.kind === 'download') cell[row.kind] = row.organisations >= MIN_ORGANISATIONS_SHOWN ? row.count : null;
      else if (row.kind === 'like' || row.kind === 'inquiry') cell[row.kind] = row.count;
    }
    return new Map([...byEntry].map(([id, months]) => [id, [...months.values()]]));
  };
  return {
    /** This month's figures of each entry (the list's rows). */
    thisMonth(entryIds: readonly number[]): Map<number, EntryMonth> {
      const { last } = monthsBack(clock.now(), 0);
      return new Map([...figures(entryIds, last, last)].map(([id, [month]]) => [id, month!]));
    },
    /** One entry's last `count` months, newest first (its page's table). */
    lastMonths(entryId: number, count: number): EntryMonth[] {
      const { first, last } = monthsBack(clock.now(), count - 1);
      return [...(figures([entryId], first, last).get(entryId) ?? [])].reverse();
    },
  };
}

export type EntryFigures = ReturnType<typeof entryFigures>;
