import type { Db } from '../../db/connection.js';
import type { SynonymGroup } from './synonyms.schemas.js';

/**
 * The secretariat's thesaurus (migration 0022): groups of words that mean the same in this catalog.
 * The search index reads it through searchRepository and reloads it when `thesaurus_version` moves.
 */
export function synonymsRepository(db: Db) {
  const statements = {
    groups: db.prepare<[], string>('SELECT words FROM synonym_groups ORDER BY position').pluck(),
    clear: db.prepare('DELETE FROM synonym_groups'),
    insert: db.prepare<[number, string]>('INSERT INTO synonym_groups (position, words) VALUES (?, ?)'),
    bump: db.prepare<[string]>(`UPDATE settings SET value = CAST(value AS INTEGER) + 1, updated_at = ? WHERE key = 'thesaurus_version'`),
  };
  return {
    groups(): SynonymGroup[] {
      return statements.groups.all().map((words) => JSON.parse(words) as string[]);
    },
    /** Replaces every group (the form edits the whole list) and moves the version the indexes follow. */
    replaceAll(groups: readonly SynonymGroup[], at: string): void {
      statements.clear.run();
      groups.forEach((words, position) => statements.insert.run(position, JSON.stringify(words)));
      statements.bump.run(at);
    },
  };
}

export type SynonymsRepository = ReturnType<typeof synonymsRepository>;
