import type { Db } from '../../db/connection.js';

export type SavedSearch = {
  id: number;
  name: string;
  genreIds: number[];
  typeIds: number[];
  q: string;
  alert: boolean;
  checkedUntil: string;
  createdAt: string;
};

/** A saved search whose digest is due, with where to send it. */
export type DueSearch = SavedSearch & { userId: number; email: string; userName: string };

type Row = Omit<SavedSearch, 'genreIds' | 'typeIds' | 'alert'> & { genreIds: string; typeIds: string; alert: number };

const COLUMNS = `s.id, s.name, s.genre_ids AS genreIds, s.type_ids AS typeIds, s.q, s.alert, s.checked_until AS checkedUntil, s.created_at AS createdAt`;

function fromRow<T extends Row>(row: T): Omit<T, 'genreIds' | 'typeIds' | 'alert'> & Pick<SavedSearch, 'genreIds' | 'typeIds' | 'alert'> {
  return { ...row, genreIds: JSON.parse(row.genreIds) as number[], typeIds: JSON.parse(row.typeIds) as number[], alert: row.alert === 1 };
}

/** Every statement names the owner: a user reaches only their own saved searches. */
export function savedSearchesRepository(db: Db) {
  const statements = {
    list: db.prepare<[number], Row>(`SELECT ${COLUMNS} FROM saved_searches s WHERE s.user_id = ? ORDER BY s.id DESC`),
    find: db.prepare<[number, number], Row>(`SELECT ${COLUMNS} FROM saved_searches s WHERE s.id = ? AND s.user_id = ?`),
    count: db.prepare<[number], number>('SELECT count(*) FROM saved_searches WHERE user_id = ?').pluck(),
    insert: db.prepare(`
      INSERT INTO saved_searches (user_id, name, genre_ids, type_ids, q, alert, checked_until, created_at, updated_at)
      VALUES (@userId, @name, @genreIds, @typeIds, @q, @alert, @at, @at, @at)`),
    // Turning the alert on starts the digest from now: what changed before is not news.
    update: db.prepare(`
      UPDATE saved_searches SET name = @name, alert = @alert, updated_at = @at,
             checked_until = CASE WHEN alert = 0 AND @alert = 1 THEN @at ELSE checked_until END
       WHERE id = @id AND user_id = @userId`),
    remove: db.prepare('DELETE FROM saved_searches WHERE id = ? AND user_id = ?'),
    due: db.prepare<[string], Row & { userId: number; email: string; userName: string }>(`
      SELECT ${COLUMNS}, u.id AS userId, u.email, u.name AS userName
        FROM saved_searches s JOIN users u ON u.id = s.user_id
        JOIN organisations o ON o.id = u.organisation_id
       WHERE s.alert = 1 AND s.checked_until <= ? AND u.active = 1 AND o.kind IN ('municipality', 'secretariat')
       ORDER BY s.id`),
    markChecked: db.prepare('UPDATE saved_searches SET checked_until = ? WHERE id = ? AND checked_until = ?'),
  };

  return {
    listOwn(userId: number): SavedSearch[] {
      return statements.list.all(userId).map(fromRow);
    },
    findOwn(id: number, userId: number): SavedSearch | undefined {
      const row = statements.find.get(id, userId);
      return row && fromRow(row);
    },
    countOwn(userId: number): number {
      return statements.count.get(userId) ?? 0;
    },
    insert(search: { userId: number; name: string; genreIds: number[]; typeIds: number[]; q: string; alert: boolean; at: string }): number {
      return Number(statements.insert.run({
        ...search, genreIds: JSON.stringify(search.genreIds), typeIds: JSON.stringify(search.typeIds), alert: Number(search.alert),
      }).lastInsertRowid);
    },
    /** Returns false when the search is not the user's (or is gone). */
    updateOwn(id: number, userId: number, name: string, alert: boolean, at: string): boolean {
      return statements.update.run({ id, userId, name, alert: Number(alert), at }).changes > 0;
    },
    deleteOwn(id: number, userId: number): boolean {
      return statements.remove.run(id, userId).changes > 0;
    },
    /** Alerting searches not checked since `before`, of active municipality and secretariat users. */
    due(before: string): DueSearch[] {
      return statements.due.all(before).map(fromRow);
    },
    /**
     * Moves the digest mark from `from` to `to`; false if another run moved it first (two processes
     * running digests at once send one digest, not two).
     */
    markChecked(id: number, from: string, to: string): boolean {
      return statements.markChecked.run(to, id, from).changes > 0;
    },
  };
}

export type SavedSearchesRepository = ReturnType<typeof savedSearchesRepository>;
