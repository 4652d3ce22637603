import type { Db } from '../../db/connection.js';
import type { QaCategory, QaStatus } from './qa.labels.js';

/** A ledger record with the names the ledger shows beside its ids. */
export type QaRecord = {
  id: number;
  category: QaCategory;
  subject: string;
  body: string;
  status: QaStatus;
  answer: string;
  ownerUserId: number | null;
  ownerName: string | null;
  entryId: number | null;
  entryTitle: string | null;
  askerUserId: number | null;
  askerName: string | null;
  askerOrganisation: string | null;
  source: 'contact' | 'secretariat';
  createdAt: string;
  updatedAt: string;
  answeredAt: string | null;
  version: number;
};

export type QaFilter = { category: QaCategory | null; status: QaStatus | null };

/** The values a save writes (the service decides answered_at and the version). */
export type QaValues = { category: QaCategory; subject: string; body: string; status: QaStatus; answer: string; ownerUserId: number | null; entryId: number | null };

const SELECT = `
  SELECT q.id, q.category, q.subject, q.body, q.status, q.answer, q.owner_user_id AS ownerUserId, ou.name AS ownerName,
         q.entry_id AS entryId, e.title AS entryTitle, q.asker_user_id AS askerUserId, au.name AS askerName,
         ao.name AS askerOrganisation, q.source, q.created_at AS createdAt, q.updated_at AS updatedAt,
         q.answered_at AS answeredAt, q.version
    FROM qa_records q
    LEFT JOIN users ou ON ou.id = q.owner_user_id
    LEFT JOIN entries e ON e.id = q.entry_id
    LEFT JOIN users au ON au.id = q.asker_user_id
    LEFT JOIN organisations ao ON ao.id = q.asker_organisation_id`;
const FILTER = `(@category IS NULL OR q.category = @category) AND (@status IS NULL OR q.status = @status)`;

export function qaRepository(db: Db) {
  const page = db.prepare<QaFilter & { limit: number; offset: number }, QaRecord>(
    `${SELECT} WHERE ${FILTER} ORDER BY q.created_at DESC, q.id DESC LIMIT @limit OFFSET @offset`);
  const count = db.prepare<QaFilter, number>(`SELECT count(*) FROM qa_records q WHERE ${FILTER}`).pluck();
  const all = db.prepare<QaFilter, QaRecord>(`${SELECT} WHERE ${FILTER} ORDER BY q.created_at, q.id`);
  const one = db.prepare<[number], QaRecord>(`${SELECT} WHERE q.id = ?`);
  const ofAsker = db.prepare<[number, number], QaRecord>(`${SELECT} WHERE q.asker_user_id = ? ORDER BY q.created_at DESC, q.id DESC LIMIT ?`);
  const insert = db.prepare(`
    INSERT INTO qa_records (category, subject, body, status, answer, owner_user_id, entry_id, asker_user_id, asker_organisation_id, source, created_at, updated_at, answered_at)
    VALUES (@category, @subject, @body, @status, @answer, @ownerUserId, @entryId, @askerUserId, @askerOrganisationId, @source, @at, @at, @answeredAt)`);
  const update = db.prepare(`
    UPDATE qa_records SET category = @category, subject = @subject, body = @body, status = @status, answer = @answer,
           owner_user_id = @ownerUserId, entry_id = @entryId, answered_at = @answeredAt, updated_at = @at, version = version + 1
     WHERE id = @id AND version = @version`);
  const owners = db.prepare<[], { id: number; name: string; loginId: string }>(`
    SELECT u.id, u.name, u.login_id AS loginId FROM users u JOIN organisations o ON o.id = u.organisation_id
     WHERE o.kind = 'secretariat' AND u.active = 1 ORDER BY u.name, u.id`);
  const activeEmail = db.prepare<[number], string>(`SELECT email FROM users WHERE id = ? AND active = 1 AND email <> ''`).pluck();
  const entryExists = db.prepare<[number], number>('SELECT 1 FROM entries WHERE id = ?').pluck();
  const history = db.prepare<[number], { id: number; at: string; action: string; userName: string | null; diff: string }>(`
    SELECT a.id, a.at, a.action, u.name AS userName, a.diff FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
     WHERE a.target_type = 'qa_record' AND a.target_id = ? ORDER BY a.at DESC, a.id DESC`);

  return {
    list(filter: QaFilter, pageNo: number, perPage: number): { total: number; items: QaRecord[] } {
      return { total: count.get(filter) ?? 0, items: page.all({ ...filter, limit: perPage, offset: (pageNo - 1) * perPage }) };
    },
    /** Every record the filter keeps, oldest first: the CSV for the 検討会. */
    all(filter: QaFilter): QaRecord[] {
      return all.all(filter);
    },
    find(id: number): QaRecord | undefined {
      return one.get(id);
    },
    /** What a member asked on /contact, newest first, for their マイページ. */
    ofAsker(userId: number, limit: number): QaRecord[] {
      return ofAsker.all(userId, limit);
    },
    insert(record: QaValues & { askerUserId: number | null; askerOrganisationId: number | null; source: 'contact' | 'secretariat'; at: string; answeredAt: string | null }): number {
      return Number(insert.run(record).lastInsertRowid);
    },
    /** False when the record moved past `version` since the form was read. */
    update(id: number, version: number, values: QaValues & { at: string; answeredAt: string | null }): boolean {
      return update.run({ ...values, id, version }).changes > 0;
    },
    /** The secretariat's active accounts: who can own a record. */
    owners() {
      return owners.all();
    },
    /** Where to tell an asker that the answer is ready; undefined if the account is gone or has no address. */
    activeEmailOf(userId: number): string | undefined {
      return activeEmail.get(userId);
    },
    entryExists(id: number): boolean {
      return entryExists.get(id) !== undefined;
    },
    history(id: number) {
      return history.all(id);
    },
  };
}

export type QaRepository = ReturnType<typeof qaRepository>;
