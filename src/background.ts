import type { PortalJobs } from './app.js';
import type { BackupService } from './features/backup/backup.service.js';
import type { ScheduledJob } from './features/system/scheduler.js';
import type { Logger } from './logger.js';
import type { MailSender } from './mail/sender.js';

const MINUTE = 60_000;

/**
 * What runs beside the requests, and how often: sending what the outbox holds (retries included),
 * the sweep of what was left behind (drafts, import previews, orphaned files), the saved searches'
 * daily digests, the shared-address digest, link checks and stale-entry reminders, the text of
 * uploaded PDFs, and the nightly backup. server.ts hands these to the scheduler.
 */
export function backgroundJobs(deps: { jobs: PortalJobs; mailer: MailSender | undefined; backup: BackupService; logger: Logger }): ScheduledJob[] {
  const { jobs, mailer, backup, logger } = deps;
  /** A job that logs what it did when it did anything. */
  const counted = (run: () => number, done: string) => () => {
    const count = run();
    if (count > 0) logger.info({ count }, done);
  };
  return [
    // Stale drafts, uncommitted import previews and upload files nothing refers to (after a crash), and
    // the old rows of the search change feed.
    // Usage rows past their retention period go on the same pass.
    { name: 'sweep', everyMs: 60 * MINUTE, run: () => { jobs.sweep.run(); jobs.searchChangeFeed.prune(); counted(() => jobs.usagePrune.run(), 'old usage rows deleted')(); } },
    // Each saved search is mailed at most once a day; checking every ten minutes spreads the digests.
    { name: 'saved-search-digests', everyMs: 10 * MINUTE, run: counted(() => jobs.savedSearchDigests.run(), 'saved-search digests queued') },
    // Shared-address login alerts go out as one digest an hour (the service keeps to that).
    { name: 'shared-address-digest', everyMs: 10 * MINUTE, firstAfterMs: 10 * MINUTE, run: counted(() => jobs.sharedIpDigest.run(), 'shared-address digest queued') },
    // Freshness (issue 10): the links that are due, and stale-entry reminders, once an hour. The first
    // run waits a few minutes, so a restart does not start with a burst of requests.
    {
      name: 'freshness', everyMs: 60 * MINUTE, firstAfterMs: 5 * MINUTE,
      run: async () => {
        const summary = await jobs.linkChecks.run();
        if (summary.checked > 0) logger.info(summary, 'links checked');
        counted(() => jobs.staleReminders.run(), 'stale-entry reminders queued')();
      },
    },
    // The nightly backup (issue 18.1), due from BACKUP_HOUR in Japan until one has succeeded that day.
    { name: 'backup', everyMs: 10 * MINUTE, firstAfterMs: MINUTE, run: async () => { if (backup.nightlyDue()) await backup.backup('schedule'); } },
    // The text of newly uploaded PDFs (and, after the upgrade that brought it, of every older one),
    // for the keyword search: read within seconds of the upload, one PDF at a time.
    {
      name: 'pdf-text', everyMs: 15_000,
      run: async () => {
        const count = await jobs.attachmentTexts.run();
        if (count > 0) logger.info({ count }, 'PDF texts read');
      },
    },
    ...(mailer ? [{ name: 'mail', everyMs: 30_000, run: () => mailer.deliverDue() }] : []),
  ];
}
