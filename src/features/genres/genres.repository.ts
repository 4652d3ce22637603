import type { Db } from '../../db/connection.js';

export function genresRepository(db: Db) {
  const insert = db.prepare(
    `INSERT INTO genres (parent_id, name, sort_order, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
  );
  return {
    insertGenre(parentId: number | null, name: string, sortOrder: number, now: string): number {
      return Number(insert.run(parentId, name, sortOrder, now, now).lastInsertRowid);
    },
  };
}
