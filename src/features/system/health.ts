import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { JobRun, JobRunsRepository } from './job-runs.repository.js';

/** How late a job may be before it counts as stopped: twice its interval and five minutes more. */
export function lateAfterMs(job: Pick<JobRun, 'intervalSeconds'>): number {
  return job.intervalSeconds * 2_000 + 5 * 60_000;
}

/** A job that has not finished a run within lateAfterMs of its last start (or of taking it on). */
export function isLate(job: JobRun, now: Date): boolean {
  const since = job.lastFinishedAt ?? job.lastStartedAt ?? job.registeredAt;
  return now.getTime() - Date.parse(since) > lateAfterMs(job);
}

export type Health = { ok: true; checkedAt: string } | { ok: false; checkedAt: string; problems: string[] };

/**
 * What /healthz answers: the database answers a query and every background job ran on time. Job names
 * and times only: nothing about members, no counts, no configuration.
 */
export function checkHealth(deps: { db: Db; jobRuns: JobRunsRepository; clock: Clock }): Health {
  const now = deps.clock.now();
  const checkedAt = now.toISOString();
  let jobs: JobRun[];
  try {
    deps.db.prepare('SELECT 1').get();
    jobs = deps.jobRuns.all();
  } catch {
    return { ok: false, checkedAt, problems: ['database: not answering'] };
  }
  if (jobs.length === 0) return { ok: false, checkedAt, problems: ['background work: not started'] };
  const problems = jobs.filter((job) => isLate(job, now))
    .map((job) => `background job ${job.name}: no run since ${job.lastFinishedAt ?? job.lastStartedAt ?? job.registeredAt}`);
  return problems.length === 0 ? { ok: true, checkedAt } : { ok: false, checkedAt, problems };
}
