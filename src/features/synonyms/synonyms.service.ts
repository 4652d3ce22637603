import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { Actor, AuditRepository } from '../audit/audit.repository.js';
import type { SynonymsRepository } from './synonyms.repository.js';
import { thesaurusText, type SynonymGroup } from './synonyms.schemas.js';

type Deps = { db: Db; repository: SynonymsRepository; audit: AuditRepository; clock: Clock };

/** Changes of the thesaurus, each with its audit record (before and after, as the form shows them). */
export function synonymsService({ db, repository, audit, clock }: Deps) {
  return {
    save(groups: readonly SynonymGroup[], actor: Actor): void {
      const at = clock.now().toISOString();
      db.transaction(() => {
        const before = thesaurusText(repository.groups());
        const after = thesaurusText(groups);
        if (before === after) return;
        repository.replaceAll(groups, at);
        audit.record(actor, at, 'synonyms.update', { type: 'setting', id: 0 }, { synonyms: [before, after] });
      })();
    },
  };
}

export type SynonymsService = ReturnType<typeof synonymsService>;
