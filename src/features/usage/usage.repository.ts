import type { Db } from '../../db/connection.js';
import { tokyoDay } from '../../text.js';
import type { UsageKind, UsageOrganisationKind } from './usage.recorder.js';

/** Whose usage a report counts: everyone's, or municipalities' alone (the demand the spec means). */
export type UsageAudience = 'all' | 'municipality';

export type GenreDemand = { genreId: number; searches: number; foundNothing: number };
export type ZeroHitKeyword = { q: string; searches: number; lastAt: string };
export type ZeroHitConditions = { genreIds: number[]; typeIds: number[]; searches: number; withKeyword: number; lastAt: string };
export type MonthFigures = { month: string; searches: number; foundNothing: number } & Record<UsageKind, number>;
/** One entry's month as its vendor sees it: a count, and how many organisations it came from. */
export type EntryMonthFigure = { entryId: number; month: string; kind: UsageKind; count: number; organisations: number };

const kindsOf = (audience: UsageAudience): UsageOrganisationKind[] =>
  audience === 'municipality' ? ['municipality'] : ['municipality', 'vendor', 'secretariat', 'guest'];

/** 「2026-12」 → 「2027-01」 */
export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** 「2026-12」 of `now` and of the month `back` months before it. */
export function monthsBack(now: Date, back: number): { first: string; last: string } {
  const last = tokyoDay(now).slice(0, 7);
  const [y, m] = last.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) - back;
  return { first: `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`, last };
}

/** What the usage tables hold, read for /admin/insights, the usage report and each vendor's figures. */
export function usageRepository(db: Db) {
  const statements = {
    genreDemand: db.prepare<[string, string, string], GenreDemand>(`
      SELECT genre_id AS genreId, sum(searches) AS searches, sum(found_nothing) AS foundNothing
        FROM usage_daily_genres
       WHERE day BETWEEN ? AND ? AND organisation_kind IN (SELECT value FROM json_each(?))
       GROUP BY genre_id`),
    profiles: db.prepare<[], { genreId: number; organisations: number }>(`
      SELECT i.genre_id AS genreId, count(*) AS organisations
        FROM organisation_issues i JOIN organisations o ON o.id = i.organisation_id
       WHERE o.kind = 'municipality'
       GROUP BY i.genre_id`),
    // Each like of the period with the genres its entry is tagged with (rolled up the tree by the caller).
    likes: db.prepare<[string, string], { entryId: number; organisationId: number; genreId: number }>(`
      SELECT l.entry_id AS entryId, l.organisation_id AS organisationId, g.genre_id AS genreId
        FROM likes l JOIN entry_genres g ON g.entry_id = l.entry_id
       WHERE l.created_at >= ? AND l.created_at < ?`),
    zeroKeywords: db.prepare<[string, string, string, number], ZeroHitKeyword>(`
      SELECT q, count(*) AS searches, max(at) AS lastAt
        FROM usage_searches
       WHERE hits = 0 AND day BETWEEN ? AND ? AND q <> '' AND organisation_kind IN (SELECT value FROM json_each(?))
       GROUP BY q ORDER BY searches DESC, lastAt DESC LIMIT ?`),
    zeroConditions: db.prepare<[string, string, string, number], { genreIds: string; typeIds: string; searches: number; withKeyword: number; lastAt: string }>(`
      SELECT genre_ids AS genreIds, type_ids AS typeIds, count(*) AS searches, sum(q <> '') AS withKeyword, max(at) AS lastAt
        FROM usage_searches
       WHERE hits = 0 AND day BETWEEN ? AND ? AND organisation_kind IN (SELECT value FROM json_each(?))
         AND (genre_ids <> '[]' OR type_ids <> '[]')
       GROUP BY genre_ids, type_ids ORDER BY searches DESC, lastAt DESC LIMIT ?`),
    months: db.prepare<[string, string, string], Omit<MonthFigures, 'month'> & { month: string }>(`
      SELECT substr(day, 1, 7) AS month, sum(searches) AS searches, sum(found_nothing) AS foundNothing, sum(views) AS view,
             sum(downloads) AS download, sum(likes) AS "like", sum(inquiries) AS inquiry, sum(registrations) AS registration
        FROM usage_daily WHERE day BETWEEN ? AND ? AND organisation_kind IN (SELECT value FROM json_each(?))
       GROUP BY month`),
    entryMonths: db.prepare<[string, string, string], EntryMonthFigure>(`
      SELECT entry_id AS entryId, substr(day, 1, 7) AS month, kind, count(*) AS count, count(DISTINCT organisation_id) AS organisations
        FROM usage_events
       WHERE entry_id IN (SELECT value FROM json_each(?)) AND day >= ? AND day < ? AND organisation_kind = 'municipality'
       GROUP BY entry_id, month, kind`),
    totals: db.prepare<[string, string], { kind: UsageOrganisationKind } & Omit<MonthFigures, 'month'>>(`
      SELECT organisation_kind AS kind, sum(searches) AS searches, sum(found_nothing) AS foundNothing, sum(views) AS view,
             sum(downloads) AS download, sum(likes) AS "like", sum(inquiries) AS inquiry, sum(registrations) AS registration
        FROM usage_daily WHERE day BETWEEN ? AND ? GROUP BY organisation_kind`),
    activeOrganisations: db.prepare<[string, string], { kind: UsageOrganisationKind; organisations: number }>(`
      SELECT organisation_kind AS kind, count(DISTINCT organisation_id) AS organisations
        FROM usage_daily_organisations WHERE day BETWEEN ? AND ? GROUP BY organisation_kind`),
    pruneSearches: db.prepare(`DELETE FROM usage_searches WHERE id IN (SELECT id FROM usage_searches WHERE day < ? LIMIT 5000)`),
    pruneEvents: db.prepare(`DELETE FROM usage_events WHERE id IN (SELECT id FROM usage_events WHERE day < ? LIMIT 5000)`),
    pruneDaily: [
      db.prepare(`DELETE FROM usage_daily WHERE day < ?`),
      db.prepare(`DELETE FROM usage_daily_genres WHERE day < ?`),
      db.prepare(`DELETE FROM usage_daily_organisations WHERE day < ?`),
    ],
  };

  return {
    /** Searches that selected each genre in [from, to], and those of them that found nothing. */
    genreDemand(from: string, to: string, audience: UsageAudience): GenreDemand[] {
      return statements.genreDemand.all(from, to, JSON.stringify(kindsOf(audience)));
    },
    /** Municipalities whose issue profile names each genre. */
    profileCounts(): Map<number, number> {
      return new Map(statements.profiles.all().map((r) => [r.genreId, r.organisations]));
    },
    /** The likes given in [fromIso, untilIso), each with its entry's genres. */
    likesWithGenres(fromIso: string, untilIso: string) {
      return statements.likes.all(fromIso, untilIso);
    },
    zeroHitKeywords(from: string, to: string, audience: UsageAudience, limit: number): ZeroHitKeyword[] {
      return statements.zeroKeywords.all(from, to, JSON.stringify(kindsOf(audience)), limit);
    },
    zeroHitConditions(from: string, to: string, audience: UsageAudience, limit: number): ZeroHitConditions[] {
      return statements.zeroConditions.all(from, to, JSON.stringify(kindsOf(audience)), limit).map((r) => ({
        ...r, genreIds: JSON.parse(r.genreIds) as number[], typeIds: JSON.parse(r.typeIds) as number[],
      }));
    },
    /**
     * Each month from `first` to `last` ('2026-01'), oldest first, with zeros where nothing happened;
     * within `clip` (a report's period) only its days are counted.
     */
    months(first: string, last: string, audience: UsageAudience, clip?: { from: string; to: string }): MonthFigures[] {
      const from = clip && clip.from > `${first}-01` ? clip.from : `${first}-01`;
      const to = clip && clip.to < `${last}-31` ? clip.to : `${last}-31`;
      const found = new Map(statements.months.all(from, to, JSON.stringify(kindsOf(audience))).map((m) => [m.month, m]));
      const out: MonthFigures[] = [];
      for (let month = first; month <= last; month = nextMonth(month)) {
        out.push(found.get(month) ?? { month, searches: 0, foundNothing: 0, view: 0, download: 0, like: 0, inquiry: 0, registration: 0 });
      }
      return out;
    },
    /** The period's searches and events by kind of member, and how many organisations of each kind used the portal. */
    totals(from: string, to: string) {
      const byKind = new Map<UsageOrganisationKind, Omit<MonthFigures, 'month'> & { organisations: number }>();
      for (const { kind, ...figures } of statements.totals.all(from, to)) byKind.set(kind, { ...figures, organisations: 0 });
      for (const r of statements.activeOrganisations.all(from, to)) {
        const row = byKind.get(r.kind);
        if (row) row.organisations = r.organisations;
      }
      return byKind;
    },
    /** The given entries' events by municipalities, by month, in [fromDay, untilDay). */
    entryMonths(entryIds: readonly number[], fromDay: string, untilDay: string): EntryMonthFigure[] {
      if (entryIds.length === 0) return [];
      return statements.entryMonths.all(JSON.stringify(entryIds), fromDay, untilDay);
    },
    /** Deletes up to 5,000 rows of each table older than `beforeDay`; returns how many went. */
    pruneBefore(beforeDay: string): number {
      for (const prune of statements.pruneDaily) prune.run(beforeDay);
      return statements.pruneSearches.run(beforeDay).changes + statements.pruneEvents.run(beforeDay).changes;
    },
  };
}

export type UsageRepository = ReturnType<typeof usageRepository>;
