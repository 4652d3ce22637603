import { archiveTime } from './archive.js';

export type RetentionPolicy = { daily: number; weekly: number };

/** The day an archive counts for, in Japan (the nightly backup runs at night there). */
function tokyoDay(at: Date): string {
  return new Date(at.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
}

/** The ISO week (Monday first) of that day: 2026-W49. */
function isoWeek(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  const weekday = (date.getUTCDay() + 6) % 7; // Monday 0
  const thursday = new Date(date.getTime() + (3 - weekday) * 86_400_000);
  const yearStart = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 1));
  const week = 1 + Math.floor((thursday.getTime() - yearStart.getTime()) / (7 * 86_400_000));
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/**
 * Which archives to keep, as restic's --keep-daily / --keep-weekly do: the newest archive of each of
 * the last `daily` days that have one, and the newest of each of the last `weekly` weeks that have
 * one. Everything else may be removed. Names that are not archives are never listed for removal.
 */
export function archivesToKeep(names: string[], policy: RetentionPolicy): Set<string> {
  const archives = names.flatMap((name) => {
    const at = archiveTime(name);
    return at ? [{ name, day: tokyoDay(at), at: at.getTime() }] : [];
  }).sort((a, b) => b.at - a.at);
  const keep = new Set<string>();
  for (const [bucketOf, limit] of [[(a: { day: string }) => a.day, policy.daily], [(a: { day: string }) => isoWeek(a.day), policy.weekly]] as const) {
    const seen = new Set<string>();
    for (const archive of archives) {
      const bucket = bucketOf(archive);
      if (seen.has(bucket)) continue;
      if (seen.size >= limit) break;
      seen.add(bucket);
      keep.add(archive.name);
    }
  }
  return keep;
}
