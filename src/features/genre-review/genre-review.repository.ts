import type { Db } from '../../db/connection.js';

/** What a merge of one genre into another would touch (and, after it, did). */
export type MergeReach = {
  /** Entries tagged with the genre (any state), and those of them already tagged with the target. */
  entries: number; entriesAlreadyInTarget: number;
  savedSearches: number;
  /** Municipalities' issue profiles naming the genre, and those that already name the target. */
  profiles: number; profilesAlreadyInTarget: number;
  children: { id: number; name: string }[];
};

export type SnapshotGenre = { id: number; parentId: number | null; name: string; sortOrder: number; retired: boolean; entries: number };
export type Snapshot = { fiscalYear: number; createdAt: string; createdByName: string | null; genres: SnapshotGenre[] };

const SUBTREE = `WITH RECURSIVE sub(id) AS (SELECT @genre UNION SELECT g.id FROM genres g JOIN sub ON g.parent_id = sub.id)`;

/**
 * The yearly genre review (issue 22.5): what a merge, a move or a split touches, the writes that do
 * it, and the fiscal year's snapshots of the tree. Genres themselves are written by genres.repository.
 */
export function genreReviewRepository(db: Db) {
  const statements = {
    entries: db.prepare<[{ genre: number; into: number }], { entries: number; already: number }>(`
      SELECT count(*) AS entries, count(*) FILTER (WHERE EXISTS (SELECT 1 FROM entry_genres t WHERE t.entry_id = g.entry_id AND t.genre_id = @into)) AS already
        FROM entry_genres g WHERE g.genre_id = @genre`),
    savedSearchIds: db.prepare<[number], { id: number; genreIds: string }>(`
      SELECT id, genre_ids AS genreIds FROM saved_searches WHERE EXISTS (SELECT 1 FROM json_each(genre_ids) WHERE value = ?)`),
    profiles: db.prepare<[{ genre: number; into: number }], { profiles: number; already: number }>(`
      SELECT count(*) AS profiles, count(*) FILTER (WHERE EXISTS (SELECT 1 FROM organisation_issues t WHERE t.organisation_id = i.organisation_id AND t.genre_id = @into)) AS already
        FROM organisation_issues i WHERE i.genre_id = @genre`),
    children: db.prepare<[number], { id: number; name: string }>(`SELECT id, name FROM genres WHERE parent_id = ? ORDER BY sort_order, id`),
    childNameClashes: db.prepare<[{ genre: number; into: number }], string>(`
      SELECT c.name FROM genres c JOIN genres t ON t.parent_id = @into AND t.name = c.name WHERE c.parent_id = @genre ORDER BY c.name`).pluck(),
    tagInto: db.prepare(`INSERT OR IGNORE INTO entry_genres (entry_id, genre_id) SELECT entry_id, @into FROM entry_genres WHERE genre_id = @genre`),
    untag: db.prepare(`DELETE FROM entry_genres WHERE genre_id = @genre`),
    updateSavedSearch: db.prepare(`UPDATE saved_searches SET genre_ids = ?, updated_at = ? WHERE id = ?`),
    profilesInto: db.prepare(`
      INSERT OR IGNORE INTO organisation_issues (organisation_id, genre_id, status, note, updated_at)
      SELECT organisation_id, @into, status, note, @at FROM organisation_issues WHERE genre_id = @genre`),
    profilesOut: db.prepare(`DELETE FROM organisation_issues WHERE genre_id = @genre`),
    // The recorded searches that chose the genre: LIKE narrows the scan, json_each decides. (A bound
    // number is a REAL to SQLite: the CAST makes '%12%', not '%12.0%'.)
    usageSearches: db.prepare<[{ genre: number }], { id: number; day: string; kind: string; genreIds: string; foundNothing: number }>(`
      SELECT id, day, organisation_kind AS kind, genre_ids AS genreIds, hits = 0 AS foundNothing FROM usage_searches
       WHERE genre_ids LIKE '%' || CAST(@genre AS INTEGER) || '%' AND EXISTS (SELECT 1 FROM json_each(genre_ids) WHERE value = @genre)`),
    rewriteUsageSearch: db.prepare(`UPDATE usage_searches SET genre_ids = ? WHERE id = ?`),
    addToGenreDay: db.prepare(`
      INSERT INTO usage_daily_genres (day, genre_id, organisation_kind, searches, found_nothing) VALUES (@day, @into, @kind, 1, @foundNothing)
      ON CONFLICT (day, genre_id, organisation_kind) DO UPDATE SET searches = searches + 1, found_nothing = found_nothing + excluded.found_nothing`),
    dropGenreDays: db.prepare(`DELETE FROM usage_daily_genres WHERE genre_id = @genre`),
    reparentChildren: db.prepare(`UPDATE genres SET parent_id = @into, updated_at = @at WHERE parent_id = @genre`),
    retireOne: db.prepare(`UPDATE genres SET retired_at = @at, updated_at = @at WHERE id = @genre`),
    // A move: the subtree's size and the entries it carries with it.
    subtreeReach: db.prepare<[{ genre: number }], { genres: number; entries: number }>(`${SUBTREE}
      SELECT (SELECT count(*) FROM sub) AS genres,
             (SELECT count(DISTINCT entry_id) FROM entry_genres WHERE genre_id IN (SELECT id FROM sub)) AS entries`),
    // A split: the genre's own entries that a filter picks, newest first.
    directEntries: db.prepare<[{ genre: number; q: string; type: number | null; limit: number }], { id: number; title: string; typeName: string; organisationName: string; published: number }>(`
      SELECT e.id, e.title, t.name AS typeName, o.name AS organisationName, (e.deleted_at IS NULL AND e.suspended_at IS NULL) AS published
        FROM entry_genres g JOIN entries e ON e.id = g.entry_id JOIN info_types t ON t.id = e.type_id JOIN organisations o ON o.id = e.organisation_id
       WHERE g.genre_id = @genre AND e.deleted_at IS NULL AND (@type IS NULL OR e.type_id = @type)
         AND (@q = '' OR instr(e.title, @q) > 0 OR instr(e.summary, @q) > 0)
       ORDER BY e.updated_at DESC, e.id DESC LIMIT @limit`),
    directCount: db.prepare<[{ genre: number; q: string; type: number | null }], number>(`
      SELECT count(*) FROM entry_genres g JOIN entries e ON e.id = g.entry_id
       WHERE g.genre_id = @genre AND e.deleted_at IS NULL AND (@type IS NULL OR e.type_id = @type)
         AND (@q = '' OR instr(e.title, @q) > 0 OR instr(e.summary, @q) > 0)`).pluck(),
    tagged: db.prepare<[number, string], number>(`SELECT entry_id FROM entry_genres WHERE genre_id = ? AND entry_id IN (SELECT value FROM json_each(?))`).pluck(),
    // Insert and delete, never UPDATE: the search index's feed listens to those two (migration 0002).
    moveEntry: db.prepare(`INSERT OR IGNORE INTO entry_genres (entry_id, genre_id) VALUES (@entry, @to)`),
    dropEntry: db.prepare(`DELETE FROM entry_genres WHERE genre_id = @from AND entry_id = @entry`),
    // Snapshots.
    snapshotGenres: db.prepare<[], Omit<SnapshotGenre, 'retired'> & { retired: number }>(`
      SELECT g.id, g.parent_id AS parentId, g.name, g.sort_order AS sortOrder, g.retired_at IS NOT NULL AS retired,
             (SELECT count(*) FROM entry_genres eg JOIN entries e ON e.id = eg.entry_id
               WHERE eg.genre_id = g.id AND e.deleted_at IS NULL AND e.suspended_at IS NULL) AS entries
        FROM genres g ORDER BY g.sort_order, g.id`),
    saveSnapshot: db.prepare(`
      INSERT INTO genre_snapshots (fiscal_year, genres, created_at, created_by) VALUES (@fiscalYear, @genres, @at, @by)
      ON CONFLICT (fiscal_year) DO UPDATE SET genres = excluded.genres, created_at = excluded.created_at, created_by = excluded.created_by`),
    snapshots: db.prepare<[], { fiscalYear: number; createdAt: string; createdByName: string | null; genreCount: number }>(`
      SELECT s.fiscal_year AS fiscalYear, s.created_at AS createdAt, u.name AS createdByName, json_array_length(s.genres) AS genreCount
        FROM genre_snapshots s LEFT JOIN users u ON u.id = s.created_by ORDER BY s.fiscal_year DESC`),
    snapshot: db.prepare<[number], { fiscalYear: number; createdAt: string; createdByName: string | null; genres: string }>(`
      SELECT s.fiscal_year AS fiscalYear, s.created_at AS createdAt, u.name AS createdByName, s.genres
        FROM genre_snapshots s LEFT JOIN users u ON u.id = s.created_by WHERE s.fiscal_year = ?`),
    history: db.prepare<[string], { at: string; action: string; genreId: number | null; userName: string | null; diff: string }>(`
      SELECT a.at, a.action, a.target_id AS genreId, u.name AS userName, a.diff
        FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
       WHERE a.target_type IN ('genre', 'genre_snapshot') AND a.at >= ? ORDER BY a.at DESC, a.id DESC LIMIT 500`),
  };

  return {
    /** The genre tree's audit records since an instant, newest first (at most 500). */
    historySince(at: string) {
      return statements.history.all(at).map((r) => ({ ...r, diff: JSON.parse(r.diff) as Record<string, [unknown, unknown]> }));
    },
    mergeReach(genre: number, into: number): MergeReach {
      const e = statements.entries.get({ genre, into })!;
      const p = statements.profiles.get({ genre, into })!;
      return {
        entries: e.entries, entriesAlreadyInTarget: e.already, savedSearches: statements.savedSearchIds.all(genre).length,
        profiles: p.profiles, profilesAlreadyInTarget: p.already, children: statements.children.all(genre),
      };
    },
    /** Names of the genre's children that a child of `into` already has: a merge would make siblings of one name. */
    childNameClashes(genre: number, into: number): string[] {
      return statements.childNameClashes.all({ genre, into });
    },
    /**
     * Moves everything that names `genre` to `into` and retires it: entries, saved searches, issue
     * profiles, the demand recorded for it, and its children. A row that already names `into` keeps
     * its own (the profile's status and note, say) and the duplicate goes. The caller's transaction.
     */
    merge(genre: number, into: number, at: string): void {
      statements.tagInto.run({ genre, into });
      statements.untag.run({ genre });
      for (const search of statements.savedSearchIds.all(genre)) {
        const ids = (JSON.parse(search.genreIds) as number[]).map((id) => (id === genre ? into : id));
        statements.updateSavedSearch.run(JSON.stringify([...new Set(ids)]), at, search.id);
      }
      statements.profilesInto.run({ genre, into, at });
      statements.profilesOut.run({ genre });
      // The demand recorded for the genre becomes the target's: each search that chose the genre counts
      // for the target once, and not again if it had chosen the target too.
      for (const search of statements.usageSearches.all({ genre })) {
        const ids = JSON.parse(search.genreIds) as number[];
        if (!ids.includes(into)) statements.addToGenreDay.run({ day: search.day, into, kind: search.kind, foundNothing: search.foundNothing });
        statements.rewriteUsageSearch.run(JSON.stringify([...new Set(ids.map((id) => (id === genre ? into : id)))].sort((a, b) => a - b)), search.id);
      }
      statements.dropGenreDays.run({ genre });
      statements.reparentChildren.run({ genre, into, at });
      statements.retireOne.run({ genre, at });
    },
    subtreeReach(genre: number): { genres: number; entries: number } {
      return statements.subtreeReach.get({ genre })!;
    },
    directEntries(genre: number, filter: { q: string; type: number | null }, limit: number) {
      return {
        total: statements.directCount.get({ genre, ...filter }) ?? 0,
        items: statements.directEntries.all({ genre, ...filter, limit }).map((e) => ({ ...e, published: e.published === 1 })),
      };
    },
    /** Those of the ids that are tagged with the genre. */
    taggedWith(genre: number, entryIds: readonly number[]): number[] {
      return statements.tagged.all(genre, JSON.stringify(entryIds));
    },
    /** Retags the entries from one genre to another (an entry already in `to` just loses `from`). */
    moveEntries(from: number, to: number, entryIds: readonly number[]): void {
      for (const entry of entryIds) {
        statements.moveEntry.run({ to, entry });
        statements.dropEntry.run({ from, entry });
      }
    },
    /** The whole tree as it is, with each genre's published entries, under the fiscal year (replacing one saved before). */
    saveSnapshot(fiscalYear: number, at: string, by: number): number {
      const genres = statements.snapshotGenres.all().map((g) => ({ ...g, retired: g.retired === 1 }));
      statements.saveSnapshot.run({ fiscalYear, genres: JSON.stringify(genres), at, by });
      return genres.length;
    },
    snapshots() {
      return statements.snapshots.all();
    },
    snapshot(fiscalYear: number): Snapshot | undefined {
      const row = statements.snapshot.get(fiscalYear);
      return row && { ...row, genres: JSON.parse(row.genres) as SnapshotGenre[] };
    },
  };
}

export type GenreReviewRepository = ReturnType<typeof genreReviewRepository>;
