import type { Db } from '../../db/connection.js';

export function likesRepository(db: Db) {
  const insert = db.prepare(
    `INSERT INTO likes (entry_id, organisation_id, user_id, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (entry_id, organisation_id) DO NOTHING`,
  );
  return {
    /** One like per entry and organisation; a second one changes nothing. */
    addLike(entryId: number, organisationId: number, userId: number, at: string): void {
      insert.run(entryId, organisationId, userId, at);
    },
  };
}
