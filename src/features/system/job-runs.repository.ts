import type { Db } from '../../db/connection.js';

export type JobRun = {
  name: string; intervalSeconds: number; registeredAt: string;
  lastStartedAt: string | null; lastFinishedAt: string | null; lastError: string | null; lastErrorAt: string | null;
};

/** All SQL about the background jobs' heartbeats (job_runs). */
export function jobRunsRepository(db: Db) {
  const statements = {
    register: db.prepare(`INSERT INTO job_runs (name, interval_seconds, registered_at) VALUES (?, ?, ?)
      ON CONFLICT (name) DO UPDATE SET interval_seconds = excluded.interval_seconds, registered_at = excluded.registered_at`),
    started: db.prepare(`UPDATE job_runs SET last_started_at = ? WHERE name = ?`),
    finished: db.prepare(`UPDATE job_runs SET last_finished_at = ? WHERE name = ?`),
    failed: db.prepare(`UPDATE job_runs SET last_finished_at = ?, last_error = ?, last_error_at = ? WHERE name = ?`),
    all: db.prepare<[], JobRun>(`SELECT name, interval_seconds AS intervalSeconds, registered_at AS registeredAt,
      last_started_at AS lastStartedAt, last_finished_at AS lastFinishedAt, last_error AS lastError, last_error_at AS lastErrorAt
      FROM job_runs ORDER BY name`),
  };
  return {
    register(name: string, intervalSeconds: number, at: string): void {
      statements.register.run(name, intervalSeconds, at);
    },
    started(name: string, at: string): void {
      statements.started.run(at, name);
    },
    finished(name: string, at: string, error?: string): void {
      if (error === undefined) statements.finished.run(at, name);
      else statements.failed.run(at, error.slice(0, 1000), at, name);
    },
    all: (): JobRun[] => statements.all.all(),
  };
}

export type JobRunsRepository = ReturnType<typeof jobRunsRepository>;
