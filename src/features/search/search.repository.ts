import type { Db } from '../../db/connection.js';
import { foldForSearch } from '../../search-fold.js';
import { isBigramTerm } from '../../text.js';
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

/** The texts a keyword is looked for in: an entry's title and summary, and its PDF's text. */
export type TextKind = 'entry' | 'attachment';
/** Characters of a PDF passage shown before and after the matched word. */
const PASSAGE_BEFORE = 30;
const PASSAGE_AFTER = 60;

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
    text: db.prepare<[number], string>(`SELECT title || char(10) || summary FROM entry_search WHERE rowid = ?`).pluck(),
    texts: db.prepare<[string], [number, string]>(
      `SELECT rowid, title || char(10) || summary FROM entry_search WHERE rowid IN (SELECT value FROM json_each(?))`,
    ).raw(),
    attachmentText: db.prepare<[number], string>('SELECT text FROM attachment_search WHERE rowid = ?').pluck(),
    // Where the word first occurs in the folded PDF text, the same place in the text as shown (the
    // two line up character for character: migration 0023), with some context either side.
    passage: db.prepare<{ id: number; word: string; before: number; after: number }, { passage: string; cutBefore: number; cutAfter: number }>(
      `SELECT substr(t.text, max(1, p.at - @before), min(p.at, @before + 1) + length(@word) + @after - 1) AS passage,
              p.at > @before + 1 AS cutBefore, p.at + length(@word) + @after <= length(t.text) AS cutAfter
         FROM (SELECT instr(text, @word) AS at FROM attachment_search WHERE rowid = @id) p
         JOIN attachments a ON a.entry_id = @id
         JOIN attachment_texts t ON t.attachment_id = a.id AND t.state = 'extracted'
        WHERE p.at > 0`,
    ),
    title: db.prepare<[number], string>('SELECT title FROM entry_search WHERE rowid = ?').pluck(),
    titleScanFor: db.prepare<[string], string>('SELECT json_group_array(rowid) FROM entry_search WHERE instr(title, ?) > 0').pluck(),
    entryGenres: db.prepare<[], [number, number]>('SELECT entry_id, genre_id FROM entry_genres').raw(),
    genresOfEntry: db.prepare<[number], number>('SELECT genre_id FROM entry_genres WHERE entry_id = ?').pluck(),
    genreParents: db.prepare<[], [number, number | null]>('SELECT id, parent_id FROM genres').raw(),
    typeIds: db.prepare<[], number>('SELECT id FROM info_types').pluck(),
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

  /**
   * The keyword lookups, once per kind of text: the title and summary (entry_search, entry_bigrams) and
   * the PDF's text (attachment_search, attachment_bigrams, migration 0023). Each answers with the ids
   * as one JSON array: a common term matches tens of thousands of rows, and one string parsed natively
   * costs a third less than a JavaScript value per row.
   */
  const lookups = (search: string, pairs: string, text: string) => ({
    // Three or more characters: the trigram index finds substrings directly.
    long: db.prepare<[string], string>(`SELECT json_group_array(rowid) FROM ${search} WHERE ${search} MATCH ?`).pluck(),
    // Two characters: one token of the pair index.
    pair: db.prepare<[string], string>(`SELECT json_group_array(rowid) FROM ${pairs} WHERE ${pairs} MATCH ?`).pluck(),
    // Anything else, by a scan. instr, not LIKE: no wildcard or case rule to escape, and the text is folded already.
    scan: db.prepare<[string], string>(`SELECT json_group_array(rowid) FROM ${search} WHERE instr(${text}, ?) > 0`).pluck(),
    among: db.prepare<[ids: string, term: string], string>(
      `SELECT json_group_array(rowid) FROM ${search} WHERE rowid IN (SELECT value FROM json_each(?)) AND instr(${text}, ?) > 0`,
    ).pluck(),
  });
  const kinds = {
    entry: { ...lookups('entry_search', 'entry_bigrams', 'title || char(10) || summary'), columns: '{title summary}' },
    attachment: { ...lookups('attachment_search', 'attachment_bigrams', 'text'), columns: 'text' },
  };
  const ids = (json: string | undefined) => JSON.parse(json ?? '[]') as number[];

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
      return ids([...term].length >= 3 ? kinds.entry.long.get(ftsPhrase(term, 'title')) : statements.titleScanFor.get(term));
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
     * Ids of entries whose folded title or summary (`entry`), or their PDF's folded text (`attachment`),
     * contains the folded term: three or more characters through the trigram index, two through the
     * pair index (see isBigramTerm), anything else (one character, a pair with punctuation) by a scan
     * of every text, 60–100 ms at 100,000 entries.
     */
    containing(kind: TextKind, term: string): number[] {
      const lookup = kinds[kind];
      if ([...term].length >= 3) return ids(lookup.long.get(ftsPhrase(term, lookup.columns)));
      if (isBigramTerm(term)) return ids(lookup.pair.get(`"${term.replace(/"/g, '""')}"`));
      return ids(lookup.scan.get(term));
    },
    /** The same test by a scan of the given entries only: a few milliseconds for a few thousand. */
    amongContaining(kind: TextKind, term: string, among: number[]): number[] {
      if (among.length === 0) return [];
      return ids(kinds[kind].among.get(JSON.stringify(among), term));
    },
    /** The folded PDF text of an entry ('' when it has none, or none read yet). */
    attachmentText(id: number): string {
      return statements.attachmentText.get(id) ?? '';
    },
    /** The folded title and summary of each given entry. */
    texts(entryIds: number[]): Map<number, string> {
      return new Map(entryIds.length === 0 ? [] : statements.texts.all(JSON.stringify(entryIds)));
    },
    /**
     * A short passage of the entry's PDF around the first of the (folded) words it holds, as the PDF
     * says it, with whether text was cut off before and after; undefined when it holds none.
     */
    passage(entryId: number, words: readonly string[]): { text: string; cutBefore: boolean; cutAfter: boolean } | undefined {
      for (const word of words) {
        const row = statements.passage.get({ id: entryId, word, before: PASSAGE_BEFORE, after: PASSAGE_AFTER });
        if (row) return { text: row.passage, cutBefore: row.cutBefore === 1, cutAfter: row.cutAfter === 1 };
      }
      return undefined;
    },
    /** The CSV rows of the given published entries, in the order given. */
    exportRows(ids: number[]): ExportRow[] {
      if (ids.length === 0) return [];
      const byId = new Map(statements.exportRows.all(JSON.stringify(ids)).map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id)).filter((r): r is ExportRow => r !== undefined);
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
