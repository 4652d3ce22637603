import type { Db } from '../../db/connection.js';

export type BackupRun = { id: number; startedAt: string; finishedAt: string | null; archive: string | null; bytes: number | null; trigger: 'schedule' | 'command'; error: string | null };

const COLUMNS = 'id, started_at AS startedAt, finished_at AS finishedAt, archive, bytes, trigger, error';

/** All SQL about backups: each run, and the last good one. */
export function backupRepository(db: Db) {
  const statements = {
    start: db.prepare(`INSERT INTO backup_runs (started_at, trigger) VALUES (?, ?)`),
    finish: db.prepare(`UPDATE backup_runs SET finished_at = ?, archive = ?, bytes = ?, error = ? WHERE id = ?`),
    last: db.prepare<[], BackupRun>(`SELECT ${COLUMNS} FROM backup_runs WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT 1`),
    lastGood: db.prepare<[], BackupRun>(`SELECT ${COLUMNS} FROM backup_runs WHERE finished_at IS NOT NULL AND error IS NULL ORDER BY id DESC LIMIT 1`),
    goodSince: db.prepare<[string], number>(`SELECT count(*) FROM backup_runs WHERE error IS NULL AND finished_at IS NOT NULL AND started_at >= ?`).pluck(),
  };
  return {
    start(trigger: BackupRun['trigger'], at: string): number {
      return Number(statements.start.run(at, trigger).lastInsertRowid);
    },
    finish(id: number, at: string, outcome: { archive: string; bytes: number } | { error: string }): void {
      if ('error' in outcome) statements.finish.run(at, null, null, outcome.error.slice(0, 1000), id);
      else statements.finish.run(at, outcome.archive, outcome.bytes, null, id);
    },
    last: (): BackupRun | undefined => statements.last.get(),
    lastGood: (): BackupRun | undefined => statements.lastGood.get(),
    /** Whether a backup succeeded that started at or after `since`. */
    succeededSince: (since: string): boolean => (statements.goodSince.get(since) ?? 0) > 0,
  };
}

export type BackupRepository = ReturnType<typeof backupRepository>;
