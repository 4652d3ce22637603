import type { Db } from '../../db/connection.js';
import type { EntryListItem } from '../entries/entries.repository.js';

/** LIKE needs its wildcards escaped to find them as characters: 100% and a_b are literal text. */
function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** An FTS5 phrase: the term in double quotes, quotes inside doubled, so no FTS syntax gets through. */
function ftsPhrase(term: string): string {
  return `{title summary} : "${term.replace(/"/g, '""')}"`;
}

/** All SQL the search needs: the snapshot the in-memory index is built from, keywords, and rows. */
export function searchRepository(db: Db) {
  const statements = {
    generation: db.prepare<[], number>('SELECT value FROM search_generation WHERE id = 1').pluck(),
    publishedInOrder: db
      .prepare<[], [number, number]>(
        `SELECT id, type_id FROM entries WHERE deleted_at IS NULL AND suspended_at IS NULL
          ORDER BY updated_at DESC, id DESC`,
      )
      .raw(),
    entryGenres: db.prepare<[], [number, number]>('SELECT entry_id, genre_id FROM entry_genres').raw(),
    genreParents: db.prepare<[], [number, number | null]>('SELECT id, parent_id FROM genres').raw(),
    typeIds: db.prepare<[], number>('SELECT id FROM info_types').pluck(),
    // Three or more characters: the trigram index finds substrings directly.
    matchLong: db.prepare<[string], number>('SELECT rowid FROM entry_search WHERE entry_search MATCH ?').pluck(),
    // One or two characters are below a trigram: LIKE over the same normalised columns (a scan).
    matchShort: db
      .prepare<[string, string], number>(
        `SELECT rowid FROM entry_search WHERE title LIKE ? ESCAPE '\\' OR summary LIKE ? ESCAPE '\\'`,
      )
      .pluck(),
    listItems: db.prepare<[string], EntryListItem>(
      `SELECT e.id, e.title, e.summary, t.name AS typeName, e.organisation_id AS organisationId,
              e.updated_at AS updatedAt,
              (SELECT count(*) FROM likes l WHERE l.entry_id = e.id) AS likeCount
         FROM entries e JOIN info_types t ON t.id = e.type_id
        WHERE e.id IN (SELECT value FROM json_each(?))`,
    ),
  };

  return {
    /** Bumped by triggers on every write that changes what a search returns (migration 0002). */
    generation(): number {
      return statements.generation.get() ?? 0;
    },
    /** [id, typeId] of every published entry, newest update first, ties by id. */
    publishedInOrder(): [number, number][] {
      return statements.publishedInOrder.all();
    },
    entryGenres(): [number, number][] {
      return statements.entryGenres.all();
    },
    genreParents(): [number, number | null][] {
      return statements.genreParents.all();
    },
    typeIds(): number[] {
      return statements.typeIds.all();
    },
    /** Ids of entries whose normalised title or summary contains the (normalised) term. */
    entriesContaining(term: string): number[] {
      return [...term].length >= 3
        ? statements.matchLong.all(ftsPhrase(term))
        : statements.matchShort.all(likePattern(term), likePattern(term));
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
