import type { Db } from '../../db/connection.js';

export const selfCheckStatuses = ['doing', 'considering', 'not_started'] as const;
export type SelfCheckStatus = (typeof selfCheckStatuses)[number];
export const selfCheckLabels: Record<SelfCheckStatus, string> = { doing: '取り組んでいる', considering: '検討中', not_started: '未着手' };

export type SelfCheck = { itemNumber: number; status: SelfCheckStatus; note: string; updatedAt: string };

export function guidebookRepository(db: Db) {
  const list = db.prepare<[number], SelfCheck>(
    `SELECT item_number AS itemNumber, status, note, updated_at AS updatedAt FROM guidebook_self_checks
      WHERE organisation_id = ? ORDER BY item_number`,
  );
  const upsert = db.prepare(`
    INSERT INTO guidebook_self_checks (organisation_id, item_number, status, note, updated_at, updated_by)
    VALUES (@organisationId, @itemNumber, @status, @note, @at, @userId)
    ON CONFLICT (organisation_id, item_number) DO UPDATE
      SET status = excluded.status, note = excluded.note, updated_at = excluded.updated_at, updated_by = excluded.updated_by`);
  return {
    selfChecksOf(organisationId: number): SelfCheck[] {
      return list.all(organisationId);
    },
    saveSelfChecks: db.transaction((organisationId: number, userId: number, at: string, checks: Omit<SelfCheck, 'updatedAt'>[]) => {
      for (const check of checks) upsert.run({ organisationId, userId, at, ...check });
    }),
  };
}

export type GuidebookRepository = ReturnType<typeof guidebookRepository>;
