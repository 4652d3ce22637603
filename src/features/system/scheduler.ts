import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { JobRunsRepository } from './job-runs.repository.js';

/** One piece of background work: what it is called, how often it runs, and the first run's delay (none: at once, when the scheduler starts). */
export type ScheduledJob = { name: string; everyMs: number; firstAfterMs?: number; run: () => unknown };

/**
 * Runs each job on its own timer, never two runs of one job at once, and writes each start and end
 * (and failure) to job_runs, which /healthz and /admin/system read from any process. A failing job
 * is logged and tried again at its next time. Timers are unref'd: they never keep the process up.
 */
export function startScheduler(deps: { jobs: ScheduledJob[]; jobRuns: JobRunsRepository; clock: Clock; logger: Logger }): { stop(): void } {
  const { jobRuns, clock, logger } = deps;
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;
  for (const job of deps.jobs) {
    jobRuns.register(job.name, Math.max(1, Math.round(job.everyMs / 1000)), clock.now().toISOString());
    let running = false;
    const tick = async () => {
      if (running || stopped) return;
      running = true;
      jobRuns.started(job.name, clock.now().toISOString());
      try {
        await job.run();
        jobRuns.finished(job.name, clock.now().toISOString());
      } catch (error) {
        logger.error({ err: error, job: job.name }, 'background job failed');
        jobRuns.finished(job.name, clock.now().toISOString(), (error as Error).message ?? String(error));
      } finally {
        running = false;
      }
    };
    const repeat = () => {
      const every = setInterval(() => void tick(), job.everyMs);
      every.unref();
      timers.push(every);
    };
    if (!job.firstAfterMs) {
      // At once: a synchronous job (the sweep) has done its work before the server starts listening.
      void tick();
      repeat();
    } else {
      const first = setTimeout(() => {
        void tick();
        repeat();
      }, job.firstAfterMs);
      first.unref();
      timers.push(first);
    }
  }
  return {
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
    },
  };
}
