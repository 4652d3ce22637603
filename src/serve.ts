import cluster from 'node:cluster';
import path from 'node:path';
import { createPortal } from './app.js';
import { backgroundJobs } from './background.js';
import { systemClock } from './clock.js';
import type { Config } from './config.js';
import { openDatabase, type Db } from './db/connection.js';
import { outboxRepository } from './mail/outbox.repository.js';
import { mailSender } from './mail/sender.js';
import { keepSearchWarm } from './features/search/search.warmer.js';
import { settingsRepository } from './features/settings/settings.repository.js';
import { jobRunsRepository } from './features/system/job-runs.repository.js';
import { startScheduler } from './features/system/scheduler.js';
import type { Logger } from './logger.js';
import { projectRoot } from './paths.js';

/** A worker's duties: every worker serves requests; the one `background` worker runs the scheduler too. */
export type Role = 'background' | 'web';

/** One app on the port: all of the portal's requests; with the role `background`, the scheduler too. */
export function serve(config: Config, logger: Logger, role: Role, opened?: Db): void {
  const db = opened ?? openDatabase(config.databasePath);
  const sessionSecret = config.sessionSecret ?? settingsRepository(db).sessionSecret(new Date().toISOString());
  // Every process sends what its own requests queued (a claim keeps two from sending one mail).
  const mailer = config.smtpUrl
    ? mailSender({ smtpUrl: config.smtpUrl, from: config.mailFrom, outbox: outboxRepository(db), clock: systemClock, logger })
    : undefined;
  // The static files `npm run build` hashed and compressed (npm start always builds first).
  const assetsDir = path.join(projectRoot, 'dist', 'public');
  const { app, jobs, backup, usage, searchIndex } = createPortal({ db, config, sessionSecret, clock: systemClock, logger, mailer, assetsDir });
  // Each worker's index has its common keyword terms read in the background (a worker thread).
  const stopWarming = keepSearchWarm(searchIndex, db.name, logger);
  const scheduler = role === 'background'
    ? startScheduler({ jobs: backgroundJobs({ jobs, mailer, backup, logger }), jobRuns: jobRunsRepository(db), clock: systemClock, logger })
    : undefined;
  const server = app.listen(config.port, () => {
    if (cluster.isPrimary) console.log(`APPLIC マッチングポータル: http://localhost:${config.port}/ （データベース: ${config.databasePath}）`);
  });
  server.on('error', (error) => {
    console.error(`ポート ${config.port} で待ち受けできません: ${error.message}`);
    process.exit(1);
  });

  // SIGTERM: accept nothing new, let the requests in flight finish, then write the WAL back into the
  // database file and close it. A request that does not finish in 25 seconds is cut off.
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    scheduler?.stop();
    stopWarming();
    setTimeout(() => process.exit(1), 25_000).unref();
    server.close(() => {
      try {
        usage.close(); // the last seconds' usage, before the database closes
        db.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        db.close();
      }
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

