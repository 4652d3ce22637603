import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { Actor, AuditRepository } from '../audit/audit.repository.js';
import { searchQueryString } from '../search/search.schemas.js';
import type { SavedSearchesRepository } from './saved-searches.repository.js';

type Conditions = { genre: number[]; type: number[]; q: string };

/** A user's saved searches: each change with its audit record, ownership checked in the SQL. */
export function savedSearchesService({ db, repository, audit, clock }: { db: Db; repository: SavedSearchesRepository; audit: AuditRepository; clock: Clock }) {
  return {
    save(actor: Actor, search: Conditions & { name: string; alert: boolean }): number {
      const at = clock.now().toISOString();
      const { name, alert, genre, type, q } = search;
      return db.transaction(() => {
        const id = repository.insert({ userId: actor.userId, name, alert, genreIds: genre, typeIds: type, q, at });
        audit.record(actor, at, 'saved_search.create', { type: 'saved_search', id }, {
          name: [null, name], alert: [null, alert], conditions: [null, searchQueryString({ genre, type, q, page: 1 })],
        });
        return id;
      })();
    },

    /** False when it is not the user's (or is gone). */
    update(actor: Actor, id: number, change: { name: string; alert: boolean }): boolean {
      const at = clock.now().toISOString();
      return db.transaction(() => {
        const before = repository.findOwn(id, actor.userId);
        if (!before || !repository.updateOwn(id, actor.userId, change.name, change.alert, at)) return false;
        audit.record(actor, at, 'saved_search.update', { type: 'saved_search', id }, { name: [before.name, change.name], alert: [before.alert, change.alert] });
        return true;
      })();
    },

    remove(actor: Actor, id: number): boolean {
      return db.transaction(() => {
        if (!repository.deleteOwn(id, actor.userId)) return false;
        audit.record(actor, clock.now().toISOString(), 'saved_search.delete', { type: 'saved_search', id });
        return true;
      })();
    },
  };
}

export type SavedSearchesService = ReturnType<typeof savedSearchesService>;
