import type { Db } from '../../db/connection.js';

export type AdminEntryStatus = 'published' | 'suspended' | 'deleted' | 'waiting';

export type AdminEntryRow = {
  id: number; title: string; typeName: string; organisationName: string; updatedAt: string;
  suspendedAt: string | null; suspendedReason: string | null; deletedAt: string | null; reviewedAt: string | null;
};

export type AuditRow = { id: number; at: string; action: string; loginId: string | null; ip: string; diff: string };

/** Not deleted, and changed since the secretariat last marked it reviewed (or never reviewed). */
const WAITING = 'e.deleted_at IS NULL AND (e.reviewed_at IS NULL OR e.reviewed_at < e.updated_at)';

/** An audit record of an entry, for folding into what changed since the last review. */
export type EntryAuditRecord = { entryId: number; action: string; diff: string; at: string };

const STATUS_SQL: Record<AdminEntryStatus | 'all', string> = {
  all: '1',
  waiting: WAITING,
  published: 'e.deleted_at IS NULL AND e.suspended_at IS NULL',
  suspended: 'e.deleted_at IS NULL AND e.suspended_at IS NOT NULL',
  deleted: 'e.deleted_at IS NOT NULL',
};

/** The secretariat's view of every entry, whatever its state, with its history. */
export function adminEntriesRepository(db: Db) {
  const row = `e.id, e.title, t.name AS typeName, o.name AS organisationName, e.updated_at AS updatedAt,
               e.suspended_at AS suspendedAt, e.suspended_reason AS suspendedReason, e.deleted_at AS deletedAt,
               e.reviewed_at AS reviewedAt`;
  const named = `JOIN info_types t ON t.id = e.type_id JOIN organisations o ON o.id = e.organisation_id`;
  const from = `entries e ${named}`;
  const keyword = `(instr(e.title, @q) > 0 OR instr(o.name, @q) > 0 OR CAST(e.id AS TEXT) = @q)`;
  const lists = Object.fromEntries(
    Object.entries(STATUS_SQL).map(([status, where]) => [status, {
      // Without a keyword, counted and paged on the entries alone, the page's ids found in an index
      // (migration 0017; the queue's own for 確認待ち) before the rows are joined: 1–5 ms at 100,000.
      count: db.prepare(`SELECT count(*) FROM entries e ${status === 'waiting' ? 'INDEXED BY entries_review_queue' : ''} WHERE ${where}`).pluck(),
      // CROSS JOIN keeps the 30 ids outermost: left to choose, the planner walked the whole index to
      // save sorting 30 rows (290 ms).
      page: db.prepare(`SELECT ${row}
                          FROM (SELECT e.id FROM entries e WHERE ${where} ORDER BY e.updated_at DESC, e.id DESC LIMIT @limit OFFSET @offset) p
                          CROSS JOIN entries e ON e.id = p.id ${named}
                        ORDER BY e.updated_at DESC, e.id DESC`),
      // A keyword is a substring of the title or the organisation's name, or the entry's number.
      searchCount: db.prepare(`SELECT count(*) FROM ${from} WHERE ${where} AND ${keyword}`).pluck(),
      searchPage: db.prepare(`SELECT ${row} FROM ${from} WHERE ${where} AND ${keyword}
                              ORDER BY e.updated_at DESC, e.id DESC LIMIT @limit OFFSET @offset`),
    }]),
  );
  const statements = {
    one: db.prepare<[number], AdminEntryRow & { ownerEmails: string | null; organisationId: number }>(`
      SELECT ${row}, e.organisation_id AS organisationId,
             (SELECT group_concat(u.email, ',') FROM users u WHERE u.organisation_id = e.organisation_id AND u.active = 1 AND u.email <> '') AS ownerEmails
        FROM ${from} WHERE e.id = ?`),
    history: db.prepare<[number], AuditRow>(`
      SELECT a.id, a.at, a.action, u.login_id AS loginId, a.ip, a.diff
        FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
       WHERE a.target_type = 'entry' AND a.target_id = ? ORDER BY a.at DESC, a.id DESC`),
    suspend: db.prepare(`UPDATE entries SET suspended_at = @at, suspended_reason = @reason, suspended_by = @userId
                          WHERE id = @id AND deleted_at IS NULL AND suspended_at IS NULL`),
    unsuspend: db.prepare(`UPDATE entries SET suspended_at = NULL, suspended_reason = NULL, suspended_by = NULL
                            WHERE id = ? AND deleted_at IS NULL AND suspended_at IS NOT NULL`),
    softDelete: db.prepare(`UPDATE entries SET deleted_at = @at, deleted_by = @userId WHERE id = @id AND deleted_at IS NULL`),
    restore: db.prepare(`UPDATE entries SET deleted_at = NULL, deleted_by = NULL WHERE id = ? AND deleted_at IS NOT NULL`),
    // Counted over entries_by_update (migration 0017), grouped before the types are joined.
    counts: db.prepare<[], { typeName: string; published: number; suspended: number; deleted: number }>(`
      SELECT t.name AS typeName, coalesce(c.published, 0) AS published, coalesce(c.suspended, 0) AS suspended, coalesce(c.deleted, 0) AS deleted
        FROM info_types t LEFT JOIN (
          SELECT type_id,
                 count(*) FILTER (WHERE deleted_at IS NULL AND suspended_at IS NULL) AS published,
                 count(*) FILTER (WHERE deleted_at IS NULL AND suspended_at IS NOT NULL) AS suspended,
                 count(*) FILTER (WHERE deleted_at IS NOT NULL) AS deleted
            FROM entries GROUP BY type_id) c ON c.type_id = t.id
       ORDER BY t.sort_order, t.id`),
    waiting: db.prepare<[number], AdminEntryRow & { lastDiff: string | null; lastAction: string | null }>(`
      SELECT ${row},
             (SELECT a.diff FROM audit_log a WHERE a.target_type = 'entry' AND a.target_id = e.id ORDER BY a.at DESC, a.id DESC LIMIT 1) AS lastDiff,
             (SELECT a.action FROM audit_log a WHERE a.target_type = 'entry' AND a.target_id = e.id ORDER BY a.at DESC, a.id DESC LIMIT 1) AS lastAction
        FROM ${from}
       WHERE e.deleted_at IS NULL AND (e.reviewed_at IS NULL OR e.reviewed_at < e.updated_at)
       ORDER BY e.updated_at DESC, e.id DESC LIMIT ?`),
    // Counted through the queue's partial index (migration 0014): left to itself the planner scans the
    // table, 40 ms at 100,000 entries against 6 ms through the index (npm run bench).
    waitingCount: db.prepare<[], number>(`SELECT count(*) FROM entries e INDEXED BY entries_review_queue WHERE ${WAITING}`).pluck(),
    review: db.prepare(`UPDATE entries SET reviewed_at = @at, reviewed_by = @userId WHERE id = @id`),
    // The queue oldest first (entries_review_queue, migration 0014, has this WHERE).
    // The page's ids are found in the index alone, then joined: an OFFSET that walked the joined rows
    // cost 200 ms at page 3,000 of 100,000 waiting entries, the ids alone 4 ms.
    queue: db.prepare<[number, number], AdminEntryRow>(`
      SELECT ${row}
        FROM (SELECT q.id FROM entries q INDEXED BY entries_review_queue
               WHERE q.deleted_at IS NULL AND (q.reviewed_at IS NULL OR q.reviewed_at < q.updated_at)
               ORDER BY q.updated_at, q.id LIMIT ? OFFSET ?) page
        CROSS JOIN entries e ON e.id = page.id ${named}
       ORDER BY e.updated_at, e.id`),
    auditSinceReview: db.prepare<[string], EntryAuditRecord>(`
      SELECT a.target_id AS entryId, a.action, a.diff, a.at
        FROM audit_log a JOIN entries e ON e.id = a.target_id
       WHERE a.target_type = 'entry' AND a.target_id IN (SELECT value FROM json_each(?))
         AND a.at > coalesce(e.reviewed_at, '')
       ORDER BY a.target_id, a.at, a.id`),
    reviewMany: db.prepare<[{ ids: string; userId: number; at: string }], number>(`
      UPDATE entries SET reviewed_at = @at, reviewed_by = @userId
       WHERE id IN (SELECT value FROM json_each(@ids)) AND deleted_at IS NULL AND (reviewed_at IS NULL OR reviewed_at < updated_at)
      RETURNING id`).pluck(),
  };

  return {
    list(status: AdminEntryStatus | 'all', q: string, page: number, perPage: number) {
      const statement = lists[status]!;
      const window = { limit: perPage, offset: (page - 1) * perPage };
      if (q === '') return { total: statement.count.get() as number, items: statement.page.all(window) as AdminEntryRow[] };
      const params = { q, ...window };
      return { total: statement.searchCount.get(params) as number, items: statement.searchPage.all(params) as AdminEntryRow[] };
    },
    find(id: number) {
      return statements.one.get(id);
    },
    history(id: number): AuditRow[] {
      return statements.history.all(id);
    },
    suspend(id: number, reason: string, userId: number, at: string): boolean {
      return statements.suspend.run({ id, reason, userId, at }).changes > 0;
    },
    unsuspend(id: number): boolean {
      return statements.unsuspend.run(id).changes > 0;
    },
    softDelete(id: number, userId: number, at: string): boolean {
      return statements.softDelete.run({ id, userId, at }).changes > 0;
    },
    restore(id: number): boolean {
      return statements.restore.run(id).changes > 0;
    },
    countsByType() {
      return statements.counts.all();
    },
    waitingForReview(limit: number) {
      return { total: statements.waitingCount.get() ?? 0, items: statements.waiting.all(limit) };
    },
    waitingCount(): number {
      return statements.waitingCount.get() ?? 0;
    },
    /** One page of the review queue, oldest change first, and how many wait in all. */
    reviewQueue(page: number, perPage: number): { total: number; items: AdminEntryRow[] } {
      return { total: statements.waitingCount.get() ?? 0, items: statements.queue.all(perPage, (page - 1) * perPage) };
    },
    /** The audit records of these entries made since each was last reviewed, oldest first. */
    auditSinceReview(ids: number[]): EntryAuditRecord[] {
      return statements.auditSinceReview.all(JSON.stringify(ids));
    },
    /** Marks those of the entries that are waiting as reviewed; returns the ids it marked. */
    markManyReviewed(ids: number[], userId: number, at: string): number[] {
      return statements.reviewMany.all({ ids: JSON.stringify(ids), userId, at });
    },
    markReviewed(id: number, userId: number, at: string): boolean {
      return statements.review.run({ id, userId, at }).changes > 0;
    },
  };
}

export type AdminEntriesRepository = ReturnType<typeof adminEntriesRepository>;
