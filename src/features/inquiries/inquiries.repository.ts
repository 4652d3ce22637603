import type { Db } from '../../db/connection.js';

/** One inquiry as the asking organisation's list shows it. */
export type SentInquiry = {
  id: number;
  entryId: number;
  entryTitle: string;
  /** Whether the entry can still be opened (not deleted or suspended). */
  entryPublished: 0 | 1;
  subject: string;
  body: string;
  askedBy: string | null;
  createdAt: string;
};

export function inquiriesRepository(db: Db) {
  const insert = db.prepare(`
    INSERT INTO inquiries (entry_id, organisation_id, user_id, subject, body, sent_to, created_at)
    VALUES (@entryId, @organisationId, @userId, @subject, @body, @sentTo, @at)`);
  const sentSince = db.prepare<[number, string], number>('SELECT count(*) FROM inquiries WHERE user_id = ? AND created_at > ?').pluck();
  const ofOrganisation = db.prepare<{ organisationId: number; limit: number; offset: number }, SentInquiry>(`
    SELECT i.id, i.entry_id AS entryId, e.title AS entryTitle, (e.deleted_at IS NULL AND e.suspended_at IS NULL) AS entryPublished,
           i.subject, i.body, u.name AS askedBy, i.created_at AS createdAt
      FROM inquiries i JOIN entries e ON e.id = i.entry_id LEFT JOIN users u ON u.id = i.user_id
     WHERE i.organisation_id = @organisationId
     ORDER BY i.created_at DESC, i.id DESC LIMIT @limit OFFSET @offset`);
  const countOfOrganisation = db.prepare<[number], number>('SELECT count(*) FROM inquiries WHERE organisation_id = ?').pluck();
  const countOfEntry = db.prepare<[number], number>('SELECT count(*) FROM inquiries WHERE entry_id = ?').pluck();

  return {
    insert(inquiry: { entryId: number; organisationId: number; userId: number; subject: string; body: string; sentTo: string; at: string }): number {
      return Number(insert.run(inquiry).lastInsertRowid);
    },
    /** How many the user sent after `since`: the daily limit's count. */
    sentSince(userId: number, since: string): number {
      return sentSince.get(userId, since) ?? 0;
    },
    /** The organisation's own inquiries, newest first, a page at a time. */
    listOfOrganisation(organisationId: number, page: number, perPage: number): { total: number; items: SentInquiry[] } {
      return {
        total: countOfOrganisation.get(organisationId) ?? 0,
        items: ofOrganisation.all({ organisationId, limit: perPage, offset: (page - 1) * perPage }),
      };
    },
    /** How many inquiries an entry received: all its own organisation and the secretariat learn. */
    countOfEntry(entryId: number): number {
      return countOfEntry.get(entryId) ?? 0;
    },
  };
}

export type InquiriesRepository = ReturnType<typeof inquiriesRepository>;
