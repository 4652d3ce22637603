import type { Db } from '../../db/connection.js';

export function likesRepository(db: Db) {
  const insert = db.prepare(
    `INSERT INTO likes (entry_id, organisation_id, user_id, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (entry_id, organisation_id) DO NOTHING`,
  );
  const remove = db.prepare('DELETE FROM likes WHERE entry_id = ? AND organisation_id = ?');
  const exists = db.prepare<[number, number], number>(
    'SELECT 1 FROM likes WHERE entry_id = ? AND organisation_id = ?',
  ).pluck();

  return {
    /** One like per entry and organisation; a second one changes nothing. */
    addLike(entryId: number, organisationId: number, userId: number, at: string): void {
      insert.run(entryId, organisationId, userId, at);
    },

    hasLiked(entryId: number, organisationId: number): boolean {
      return exists.get(entryId, organisationId) !== undefined;
    },

    /** Sets the organisation's like to the wanted state; liking twice or unliking twice changes nothing. */
    setLike(entryId: number, organisationId: number, userId: number, at: string, liked: boolean): void {
      if (liked) insert.run(entryId, organisationId, userId, at);
      else remove.run(entryId, organisationId);
    },

    /**
     * Likes the entry for the organisation, or takes the like back if it already had one. In one
     * transaction, so two colleagues clicking at once cannot leave two likes. Returns the new state.
     */
    toggleLike: db.transaction((entryId: number, organisationId: number, userId: number, at: string): boolean => {
      if (remove.run(entryId, organisationId).changes > 0) return false;
      insert.run(entryId, organisationId, userId, at);
      return true;
    }),
  };
}

export type LikesRepository = ReturnType<typeof likesRepository>;
