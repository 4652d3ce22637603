import type { Db } from '../../db/connection.js';

export type InfoType = { id: number; name: string; sortOrder: number };

export function infoTypesRepository(db: Db) {
  const all = db.prepare<[], InfoType>(
    `SELECT id, name, sort_order AS sortOrder FROM info_types ORDER BY sort_order, id`,
  );
  return {
    listInfoTypes(): InfoType[] {
      return all.all();
    },
  };
}

export type InfoTypesRepository = ReturnType<typeof infoTypesRepository>;
