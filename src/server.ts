import { createPortal, type PortalJobs } from './app.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig } from './config.js';
import { outboxRepository } from './mail/outbox.repository.js';
import { mailSender, type MailSender } from './mail/sender.js';
import { openDatabase } from './db/connection.js';
import { migrate } from './db/migrate.js';
import { DEMO_PASSWORD, seedDemo } from './demo/seed.js';
import { settingsRepository } from './features/settings/settings.repository.js';
import { organisationKindLabels } from './features/accounts/accounts.types.js';
import { createLogger, type Logger } from './logger.js';
import { migrationsDir, seedsDir } from './paths.js';

/** config → db → migrate → (demo data) → createApp → listen. The only place that listens. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const db = openDatabase(config.databasePath);
  const applied = migrate(db, migrationsDir);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');

  if (config.seedDemo) {
    const logins = await seedDemo(db, seedsDir, systemClock, config.uploadDir);
    if (logins) printDemoLogins(logins);
  }

  const sessionSecret = config.sessionSecret ?? settingsRepository(db).sessionSecret(new Date().toISOString());
  const mailer = config.smtpUrl
    ? mailSender({ smtpUrl: config.smtpUrl, from: config.mailFrom, outbox: outboxRepository(db), clock: systemClock, logger })
    : undefined;
  const { app, jobs } = createPortal({ db, config, sessionSecret, clock: systemClock, logger, mailer });
  startBackgroundWork({ logger, mailer, jobs });
  const server = app.listen(config.port, () => {
    console.log(`APPLIC マッチングポータル: http://localhost:${config.port}/ （データベース: ${config.databasePath}）`);
  });
  server.on('error', (error) => {
    console.error(`ポート ${config.port} で待ち受けできません: ${error.message}`);
    process.exit(1);
  });

  const shutdown = () => {
    server.close(() => {
      db.close();
      process.exit(0);
    });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

/**
 * What runs beside the requests: sending what the outbox holds (retries included), the sweep of what
 * was left behind (drafts, import previews, orphaned files), the saved searches' daily digests, link
 * checks and stale-entry reminders. Timers are unref'd so they never keep the process up.
 */
function startBackgroundWork(deps: { logger: Logger; mailer: MailSender | undefined; jobs: PortalJobs }): void {
  const { logger, mailer, jobs } = deps;
  /** A synchronous job that logs what it did (when it did anything) or why it failed, never throwing. */
  const logged = (job: () => number, done: string, failed: string) => () => {
    try {
      const count = job();
      if (count > 0) logger.info({ count }, done);
    } catch (error) {
      logger.error({ err: error }, failed);
    }
  };
  // Stale drafts, uncommitted import previews and upload files nothing refers to (after a crash).
  const sweep = () => {
    try {
      jobs.sweep.run();
    } catch (error) {
      logger.error({ err: error }, 'sweep failed');
    }
  };
  sweep();
  setInterval(sweep, 60 * 60_000).unref();
  // Each saved search is mailed at most once a day; checking every ten minutes spreads the digests.
  const digests = logged(() => jobs.savedSearchDigests.run(), 'saved-search digests queued', 'saved-search digests failed');
  digests();
  setInterval(digests, 10 * 60_000).unref();
  // Shared-address login alerts go out as one digest an hour (the service keeps to that); checking
  // every ten minutes sends it soon after the hour has passed.
  const sharedIp = logged(() => jobs.sharedIpDigest.run(), 'shared-address digest queued', 'shared-address digest failed');
  setInterval(sharedIp, 10 * 60_000).unref();
  // Freshness (issue 10): the links that are due, and stale-entry reminders, once an hour. The
  // checker paces itself (a few hosts at a time, a pause between requests to one host).
  const reminders = logged(() => jobs.staleReminders.run(), 'stale-entry reminders queued', 'stale-entry reminders failed');
  const freshness = () => {
    jobs.linkChecks.run().then(
      (summary) => { if (summary.checked > 0) logger.info(summary, 'links checked'); },
      (error: unknown) => logger.error({ err: error }, 'link check failed'),
    );
    reminders();
  };
  // The first run waits a few minutes, so a restart does not start with a burst of requests.
  setTimeout(() => {
    freshness();
    setInterval(freshness, 60 * 60_000).unref();
  }, 5 * 60_000).unref();
  if (mailer) {
    const deliver = () => void mailer.deliverDue().catch((error: unknown) => logger.error({ err: error }, 'mail delivery failed'));
    deliver();
    setInterval(deliver, 30_000).unref();
  }
}

function printDemoLogins(logins: { loginId: string; organisation: string; kind: keyof typeof organisationKindLabels }[]): void {
  console.log('デモデータを読み込みました。デモ用ログイン（パスワードはすべて ' + DEMO_PASSWORD + '）:');
  for (const l of logins) console.log(`  ${l.loginId.padEnd(10)} ${l.organisation}（${organisationKindLabels[l.kind]}）`);
}

await main();
