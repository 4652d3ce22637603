import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { Logger } from '../../logger.js';
import { tokyoDay } from '../../text.js';
import type { SessionUser } from '../accounts/accounts.types.js';

export type UsageKind = 'view' | 'download' | 'like' | 'inquiry' | 'registration';
export type UsageOrganisationKind = SessionUser['organisationKind'] | 'guest';

type SearchRow = { at: string; day: string; kind: UsageOrganisationKind; organisationId: number | null; q: string; genreIds: number[]; typeIds: number[]; hits: number };
type EventRow = { at: string; day: string; kind: UsageKind; organisationKind: UsageOrganisationKind; organisationId: number | null; entryId: number };

/** Ids in one order, so the same conditions group together however they were ticked. */
const sorted = (ids: readonly number[]) => [...ids].sort((a, b) => a - b);

/** Written together once this many are waiting, or at the next tick, whichever comes first. */
const BATCH = 500;
const FLUSH_EVERY_MS = 2_000;

/**
 * Usage (issue 22.1), recorded without costing the request anything measurable: a request only pushes
 * a row onto an array; the rows are written in one transaction every two seconds (or every 500), and
 * on shutdown. Each worker of the cluster keeps its own buffer. A reader that wants its own last
 * seconds (the insights page, a test) calls flush() first. A failed write is logged and dropped: usage
 * is never worth failing or slowing a member's request. `enabled: false` records nothing: the bench's
 * portal without recording, to measure what recording costs.
 */
export function usageRecorder({ db, clock, logger, enabled = true }: { db: Db; clock: Clock; logger: Logger; enabled?: boolean }) {
  const insertSearch = db.prepare(`
    INSERT INTO usage_searches (at, day, organisation_kind, organisation_id, q, genre_ids, type_ids, hits)
    VALUES (@at, @day, @kind, @organisationId, @q, @genres, @types, @hits)`);
  const insertEvent = db.prepare(`
    INSERT INTO usage_events (at, day, kind, organisation_kind, organisation_id, entry_id)
    VALUES (@at, @day, @kind, @organisationKind, @organisationId, @entryId)`);
  // The daily totals (migration 0031), kept in the same transaction as the raw rows.
  const addToDay = db.prepare(`
    INSERT INTO usage_daily (day, organisation_kind, searches, found_nothing, views, downloads, likes, inquiries, registrations)
    VALUES (@day, @kind, @searches, @foundNothing, @view, @download, @like, @inquiry, @registration)
    ON CONFLICT (day, organisation_kind) DO UPDATE SET
      searches = searches + excluded.searches, found_nothing = found_nothing + excluded.found_nothing, views = views + excluded.views,
      downloads = downloads + excluded.downloads, likes = likes + excluded.likes, inquiries = inquiries + excluded.inquiries,
      registrations = registrations + excluded.registrations`);
  const addToGenreDay = db.prepare(`
    INSERT INTO usage_daily_genres (day, genre_id, organisation_kind, searches, found_nothing) VALUES (?, ?, ?, 1, ?)
    ON CONFLICT (day, genre_id, organisation_kind) DO UPDATE SET searches = searches + 1, found_nothing = found_nothing + excluded.found_nothing`);
  const markActive = db.prepare(`INSERT OR IGNORE INTO usage_daily_organisations (day, organisation_id, organisation_kind) VALUES (?, ?, ?)`);
  const none = { searches: 0, foundNothing: 0, view: 0, download: 0, like: 0, inquiry: 0, registration: 0 };

  let searches: SearchRow[] = [];
  let events: EventRow[] = [];

  const write = db.transaction((s: SearchRow[], e: EventRow[]) => {
    for (const row of s) {
      insertSearch.run({ ...row, genres: JSON.stringify(row.genreIds), types: JSON.stringify(row.typeIds) });
      const foundNothing = row.hits === 0 ? 1 : 0;
      addToDay.run({ ...none, day: row.day, kind: row.kind, searches: 1, foundNothing });
      for (const genreId of row.genreIds) addToGenreDay.run(row.day, genreId, row.kind, foundNothing);
      if (row.organisationId !== null) markActive.run(row.day, row.organisationId, row.kind);
    }
    for (const row of e) {
      insertEvent.run(row);
      addToDay.run({ ...none, day: row.day, kind: row.organisationKind, [row.kind]: 1 });
      if (row.organisationId !== null) markActive.run(row.day, row.organisationId, row.organisationKind);
    }
  });

  const flush = (): void => {
    if (searches.length === 0 && events.length === 0) return;
    const [s, e] = [searches, events];
    searches = [];
    events = [];
    try {
      write(s, e);
    } catch (error) {
      logger.warn({ err: error, searches: s.length, events: e.length }, 'usage rows could not be written');
    }
  };

  const timer = setInterval(flush, FLUSH_EVERY_MS);
  timer.unref();
  const due = () => {
    if (searches.length + events.length >= BATCH) flush();
  };
  const stamp = () => {
    const now = clock.now();
    return { at: now.toISOString(), day: tokyoDay(now) };
  };
  const who = (user: SessionUser | undefined) =>
    ({ kind: user?.organisationKind ?? 'guest', organisationId: user?.organisationId ?? null }) as const;

  return {
    /** A search: its conditions and how many entries it found. */
    search(user: SessionUser | undefined, conditions: { genre: readonly number[]; type: readonly number[]; q: string }, hits: number): void {
      if (!enabled) return;
      searches.push({ ...stamp(), ...who(user), q: conditions.q, genreIds: sorted(conditions.genre), typeIds: sorted(conditions.type), hits });
      due();
    },
    /** Something done with one entry: opened, its PDF downloaded, liked, asked about, registered. */
    event(kind: UsageKind, user: SessionUser | undefined, entryId: number): void {
      if (!enabled) return;
      const { kind: organisationKind, organisationId } = who(user);
      events.push({ ...stamp(), kind, organisationKind, organisationId, entryId });
      due();
    },
    flush,
    /** Writes what waits and stops the timer (shutdown). */
    close(): void {
      clearInterval(timer);
      flush();
    },
  };
}

export type UsageRecorder = ReturnType<typeof usageRecorder>;
