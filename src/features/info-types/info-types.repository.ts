import type { Db } from '../../db/connection.js';

export type InfoType = { id: number; name: string; sortOrder: number; version: number };

export function infoTypesRepository(db: Db) {
  const all = db.prepare<[], InfoType>(
    `SELECT id, name, sort_order AS sortOrder, version FROM info_types ORDER BY sort_order, id`,
  );
  const insert = db.prepare(`INSERT INTO info_types (name, sort_order, created_at, updated_at) VALUES (?, ?, ?, ?)`);
  const update = db.prepare(`UPDATE info_types SET name = ?, sort_order = ?, updated_at = ? WHERE id = ? AND version = ?`);
  const named = db.prepare<[string, number], number>(`SELECT id FROM info_types WHERE name = ? AND id <> ?`).pluck();
  const nextOrder = db.prepare<[], number>(`SELECT coalesce(max(sort_order), 0) + 1 FROM info_types`).pluck();

  return {
    listInfoTypes(): InfoType[] {
      return all.all();
    },
    nameTaken(name: string, exceptId = 0): boolean {
      return named.get(name, exceptId) !== undefined;
    },
    insertInfoType(name: string, at: string): number {
      return Number(insert.run(name, nextOrder.get() ?? 1, at, at).lastInsertRowid);
    },
    /** False when the type has moved past `version` since the form was read: nothing is changed then. */
    updateInfoType(id: number, version: number, name: string, sortOrder: number, at: string): boolean {
      return update.run(name, sortOrder, at, id, version).changes > 0;
    },
  };
}

export type InfoTypesRepository = ReturnType<typeof infoTypesRepository>;
