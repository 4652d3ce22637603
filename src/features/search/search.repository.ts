import type { Db } from '../../db/connection.js';
import { foldForSearch } from '../../search-fold.js';
import { bigramText, type EntryListItem } from '../entries/entries.repository.js';

/** An FTS5 phrase: the term in double quotes, quotes inside doubled, so no FTS syntax gets through. */
function ftsPhrase(term: string, columns = '{title summary}'): string {
  return `${columns} : "${term.replace(/"/g, '""')}"`;
}

/** What the result-set CSV carries of one entry: what its detail page shows members, nothing more. */
export type ExportRow = {
  id: number; typeName: string; title: string; summary: string; contactCompany: string; contactDepartment: string;
  contactName: string; contactPhone: string; contactEmail: string; updatedAt: string; genreIds: string;
};

/** The folding the keyword indexes hold (migration 0021): 2 = search-fold.ts with kana and variant kanji. */
export const SEARCH_TEXT_VERSION = 2;
/** Rows refolded per transaction at an upgrade. */
const REFOLD_BATCH = 2000;

/** All SQL the search needs: the snapshot the in-memory index is built from, keywords, and rows. */
export function searchRepository(db: Db) {
  const published = 'e.deleted_at IS NULL AND e.suspended_at IS NULL';
  const statements = {
    // AUTOINCREMENT keeps the highest seq given out here, also after the rows are pruned.
    lastChange: db.prepare<[], number>(`SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'search_changes'), 0)`).pluck(),
    // The change feed's head and the thesaurus version in one read: what every search checks first.
    feedHead: db.prepare<[], [number, string]>(
      `SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'search_changes'), 0),
              coalesce((SELECT value FROM settings WHERE key = 'thesaurus_version'), '0')`,
    ).raw(),
    thesaurus: db.prepare<[], string>('SELECT words FROM synonym_groups ORDER BY position').pluck(),
    changesSince: db.prepare<[number], [number, number | null]>(
      'SELECT seq, entry_id FROM search_changes WHERE seq > ? ORDER BY seq',
    ).raw(),
    pruneOld: db.prepare<[number]>(`DELETE FROM search_changes WHERE seq <= (SELECT coalesce(max(seq), 0) FROM search_changes) - ?`),
    publishedEntries: db.prepare<[], [number, number, string]>(
      `SELECT e.id, e.type_id, e.updated_at FROM entries e
        WHERE ${published} ORDER BY e.updated_at DESC, e.id DESC`,
    ).raw(),
    entryState: db.prepare<[number], { id: number; typeId: number; updatedAt: string; published: number }>(
      `SELECT e.id, e.type_id AS typeId, e.updated_at AS updatedAt, (${published}) AS published
         FROM entries e WHERE e.id = ?`,
    ),
    maxEntryId: db.prepare<[], number>('SELECT coalesce(max(id), 0) FROM entries').pluck(),
    // instr, not LIKE: no wildcard or case rule to escape, and the text is normalised already.
    scanFor: db.prepare<[string], string>(
      `SELECT json_group_array(rowid) FROM entry_search WHERE instr(title || char(10) || summary, ?) > 0`,
    ).pluck(),
    scanAmong: db.prepare<[ids: string, term: string], string>(
      `SELECT json_group_array(rowid) FROM entry_search
        WHERE rowid IN (SELECT value FROM json_each(?)) AND instr(title || char(10) || summary, ?) > 0`,
    ).pluck(),
    text: db.prepare<[number], string>(`SELECT title || char(10) || summary FROM entry_search WHERE rowid = ?`).pluck(),
    title: db.prepare<[number], string>('SELECT title FROM entry_search WHERE rowid = ?').pluck(),
    titleScanFor: db.prepare<[string], string>('SELECT json_group_array(rowid) FROM entry_search WHERE instr(title, ?) > 0').pluck(),
    entryGenres: db.prepare<[], [number, number]>('SELECT entry_id, genre_id FROM entry_genres').raw(),
    genresOfEntry: db.prepare<[number], number>('SELECT genre_id FROM entry_genres WHERE entry_id = ?').pluck(),
    genreParents: db.prepare<[], [number, number | null]>('SELECT id, parent_id FROM genres').raw(),
    typeIds: db.prepare<[], number>('SELECT id FROM info_types').pluck(),
    // Three or more characters: the trigram index finds substrings directly.
    // The ids come back as one JSON array: a common term matches tens of thousands of rows, and one
    // string parsed natively costs a third less than a JavaScript value per row.
    matchLong: db.prepare<[string], string>('SELECT json_group_array(rowid) FROM entry_search WHERE entry_search MATCH ?').pluck(),
    // Two characters: one token of entry_bigrams.
    matchPair: db.prepare<[string], string>('SELECT json_group_array(rowid) FROM entry_bigrams WHERE entry_bigrams MATCH ?').pluck(),
    textVersion: db.prepare<[], string>(`SELECT value FROM settings WHERE key = 'search_text_version'`).pluck(),
    setTextVersion: db.prepare<[string, string]>(`INSERT INTO settings (key, value, updated_at) VALUES ('search_text_version', ?, ?)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`),
    indexedBatch: db.prepare<[number, number], [number, string, string, string]>(
      'SELECT rowid, title, summary, details FROM entry_search WHERE rowid > ? ORDER BY rowid LIMIT ?',
    ).raw(),
    refoldText: db.prepare('UPDATE entry_search SET title = ?, summary = ?, details = ? WHERE rowid = ?'),
    replacePairs: db.prepare('INSERT OR REPLACE INTO entry_bigrams (rowid, text) VALUES (?, ?)'),
    pairsOf: db.prepare<[number], string>('SELECT text FROM entry_bigrams WHERE rowid = ?').pluck(),
    exportRows: db.prepare<[string], ExportRow>(
      `SELECT e.id, t.name AS typeName, e.title, e.summary, e.contact_company AS contactCompany,
              e.contact_department AS contactDepartment, e.contact_name AS contactName, e.contact_phone AS contactPhone,
              e.contact_email AS contactEmail, e.updated_at AS updatedAt,
              (SELECT json_group_array(genre_id) FROM entry_genres WHERE entry_id = e.id) AS genreIds
         FROM entries e JOIN info_types t ON t.id = e.type_id
        WHERE e.id IN (SELECT value FROM json_each(?)) AND ${published}`,
    ),
    listItems: db.prepare<[string], EntryListItem>(
      `SELECT e.id, e.title, e.summary, t.name AS typeName, e.organisation_id AS organisationId,
              e.updated_at AS updatedAt, e.confirmed_at AS confirmedAt, c.failures AS linkFailures,
              (SELECT count(*) FROM likes l WHERE l.entry_id = e.id) AS likeCount
         FROM entries e JOIN info_types t ON t.id = e.type_id
         LEFT JOIN link_checks c ON c.entry_id = e.id -- only ever of the current URL (migration 0016)
        WHERE e.id IN (SELECT value FROM json_each(?))`,
    ),
  };

  const isCurrent = () => Number(statements.textVersion.get() ?? '1') >= SEARCH_TEXT_VERSION;
  /** One batch of rows after `after`, by rowid: [the last rowid read (null when none), rows rewritten]. */
  const refoldBatch = db.transaction((after: number): [number | null, number] => {
    const batch = statements.indexedBatch.all(after, REFOLD_BATCH);
    let rewritten = 0;
    for (const [id, ...columns] of batch) {
      const folded = columns.map(foldForSearch) as [string, string, string];
      const pairs = bigramText(folded);
      const changed = folded.some((text, i) => text !== columns[i]);
      // Rows already right are left alone (FTS5 rewrites every token of a row it updates).
      if (!changed && statements.pairsOf.get(id) === pairs) continue;
      if (changed) statements.refoldText.run(...folded, id);
      statements.replacePairs.run(id, pairs);
      rewritten++;
    }
    return [batch.length === 0 ? null : batch[batch.length - 1]![0], rewritten];
  });

  return {
    /** The newest change seq (0 when none): where a freshly built index starts following. */
    lastChange(): number {
      return statements.lastChange.get() ?? 0;
    },
    /** The newest change seq and the thesaurus version (synonyms.repository.ts moves it with every save). */
    feedHead(): [seq: number, thesaurusVersion: string] {
      return statements.feedHead.get()!;
    },
    /** The thesaurus's groups, each its words as the secretariat wrote them. */
    thesaurus(): string[][] {
      return statements.thesaurus.all().map((words) => JSON.parse(words) as string[]);
    },
    /** [seq, entryId] of the changes after `seq`; entryId null asks for a full rebuild. */
    changesSince(seq: number): [number, number | null][] {
      return statements.changesSince.all(seq);
    },
    /** Forgets changes every index in this process has applied. */
    /**
     * Forgets all but the newest `keep` changes (the hourly sweep). Every worker's index reads the feed
     * before each query, so none falls that far behind while it serves; one that does rebuilds.
     */
    pruneOldChanges(keep: number): number {
      return statements.pruneOld.run(keep).changes;
    },
    /** [id, typeId, updatedAt] of every published entry, newest update first, one row at a time. */
    publishedEntries(): IterableIterator<[number, number, string]> {
      return statements.publishedEntries.iterate();
    },
    /** The highest entry id given out (0 when none): how large the index's arrays must be. */
    maxEntryId(): number {
      return statements.maxEntryId.get() ?? 0;
    },
    entryState(id: number) {
      return statements.entryState.get(id);
    },
    text(id: number): string {
      return statements.text.get(id) ?? '';
    },
    /** The folded title alone (what the relevance order looks at first). */
    title(id: number): string {
      return statements.title.get(id) ?? '';
    },
    /**
     * Ids of entries whose folded title contains the term: three or more characters through the
     * trigram index's title column, shorter ones by a scan of the titles (a quarter of the texts).
     */
    titlesContaining(term: string): number[] {
      const json = [...term].length >= 3 ? statements.matchLong.get(ftsPhrase(term, 'title')) : statements.titleScanFor.get(term);
      return JSON.parse(json ?? '[]') as number[];
    },
    entryGenres(): IterableIterator<[number, number]> {
      return statements.entryGenres.iterate();
    },
    genresOfEntry(id: number): number[] {
      return statements.genresOfEntry.all(id);
    },
    genreParents(): [number, number | null][] {
      return statements.genreParents.all();
    },
    typeIds(): number[] {
      return statements.typeIds.all();
    },
    /**
     * Ids of entries whose normalised title or summary contains the (normalised) term, which must be
     * three or more characters: shorter ones are below a trigram (see entriesWithPair and entriesScannedFor).
     */
    entriesContaining(term: string): number[] {
      return JSON.parse(statements.matchLong.get(ftsPhrase(term)) ?? '[]') as number[];
    },
    /**
     * Ids of entries whose normalised title or summary contains a term no index takes (one character,
     * or a pair with punctuation): a scan of every text, 60–100 ms at 100,000 entries.
     */
    entriesScannedFor(term: string): number[] {
      return JSON.parse(statements.scanFor.get(term) ?? '[]') as number[];
    },
    /** The same test on the given entries only: a few milliseconds for a few thousand. */
    entriesAmongContaining(term: string, ids: number[]): number[] {
      if (ids.length === 0) return [];
      return JSON.parse(statements.scanAmong.get(JSON.stringify(ids), term) ?? '[]') as number[];
    },
    /** The CSV rows of the given published entries, in the order given. */
    exportRows(ids: number[]): ExportRow[] {
      if (ids.length === 0) return [];
      const byId = new Map(statements.exportRows.all(JSON.stringify(ids)).map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id)).filter((r): r is ExportRow => r !== undefined);
    },
    /** Ids of entries whose normalised title or summary contains the two-character term (see isBigramTerm). */
    entriesWithPair(term: string): number[] {
      return JSON.parse(statements.matchPair.get(`"${term.replace(/"/g, '""')}"`) ?? '[]') as number[];
    },
    /**
     * Brings text indexed by older code to today's folding (migration 0021) and rewrites the pairs of
     * every entry whose pairs differ (which also fills those of entries written before the pair index
     * existed, migration 0007). Returns how many entries were rewritten: 0 on every later start, after
     * one settings read. In transactions of REFOLD_BATCH rows, so the WAL stays small (one transaction
     * over a million rows grew it past 2 GB); folding is idempotent, so an upgrade cut short is only
     * finished by the next start, and the version is written once every row is done.
     */
    upgradeSearchText(now: string): number {
      if (isCurrent()) return 0;
      let rewritten = 0;
      for (let after: number | null = 0; after !== null;) {
        const [last, count] = refoldBatch.immediate(after);
        rewritten += count;
        after = last;
      }
      statements.setTextVersion.run(String(SEARCH_TEXT_VERSION), now);
      return rewritten;
    },
    /** List rows for the given ids, in the order given. */
    listItems(ids: number[]): EntryListItem[] {
      if (ids.length === 0) return [];
      const rows = statements.listItems.all(JSON.stringify(ids));
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id)).filter((r): r is EntryListItem => r !== undefined);
    },
  };
}

export type SearchRepository = ReturnType<typeof searchRepository>;
