import cluster from 'node:cluster';
import path from 'node:path';
import { createPortal } from './app.js';
import { backgroundJobs } from './background.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig } from './config.js';
import { outboxRepository } from './mail/outbox.repository.js';
import { mailSender } from './mail/sender.js';
import { openDatabase, type Db } from './db/connection.js';
import { DatabaseNewerThanCode, migrate, MigrationFailed } from './db/migrate.js';
import { DEMO_PASSWORD, seedDemo } from './demo/seed.js';
import { settingsRepository } from './features/settings/settings.repository.js';
import { organisationKindLabels } from './features/accounts/accounts.types.js';
import { jobRunsRepository } from './features/system/job-runs.repository.js';
import { startScheduler } from './features/system/scheduler.js';
import { createLogger, type Logger } from './logger.js';
import { migrationsDir, projectRoot, seedsDir } from './paths.js';

type Config = ReturnType<typeof loadConfig>;
type Role = 'background' | 'web';

/**
 * config → db → migrate → (demo data) → createApp → listen. The only place that listens.
 *
 * With WEB_CONCURRENCY above 1 (default: one per CPU) this process is the primary of Node's cluster:
 * it prepares the database once, then runs that many workers, each an app with its own in-memory
 * indexes following the database's change feeds, all accepting on one port. Exactly one worker has
 * the background work (the scheduler); a worker that dies is replaced in its role.
 */
async function main(): Promise<void> {
  let config: Config;
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
  if (cluster.isWorker) return serve(config, logger, process.env.PORTAL_ROLE === 'background' ? 'background' : 'web');

  const db = openDatabase(config.databasePath);
  let applied: string[];
  try {
    applied = migrate(db, migrationsDir);
  } catch (error) {
    console.error(startupRefusal(error, config.databasePath));
    db.close();
    process.exit(1);
  }
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  if (config.seedDemo) {
    const logins = await seedDemo(db, seedsDir, systemClock, config.uploadDir);
    if (logins) printDemoLogins(logins);
  }
  // Made once here, so that every worker signs sessions with the same secret.
  if (!config.sessionSecret) settingsRepository(db).sessionSecret(new Date().toISOString());
  if (config.webConcurrency === 1) return serve(config, logger, 'background', db);
  db.close();
  supervise(config, logger);
}

/** The cluster's primary: starts the workers, replaces one that dies, and stops them all on SIGTERM. */
function supervise(config: Config, logger: Logger): void {
  const roles = new Map<number, Role>();
  let stopping = false;
  let listening = 0;
  const start = (role: Role) => {
    const worker = cluster.fork({ PORTAL_ROLE: role });
    roles.set(worker.id, role);
    logger.info({ worker: worker.id, workerPid: worker.process.pid, role }, 'worker started');
  };
  cluster.on('listening', () => {
    if (++listening === config.webConcurrency) {
      console.log(`APPLIC マッチングポータル: http://localhost:${config.port}/ （データベース: ${config.databasePath}、${config.webConcurrency}プロセス）`);
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    const role = roles.get(worker.id) ?? 'web';
    roles.delete(worker.id);
    if (stopping) {
      if (roles.size === 0) process.exit(0);
      return;
    }
    // Replaced after a second, so a worker that fails at once does not spin the machine.
    logger.error({ worker: worker.id, workerPid: worker.process.pid, code, signal, role }, 'worker died; starting another in its place');
    setTimeout(() => start(role), 1000);
  });
  start('background');
  for (let i = 1; i < config.webConcurrency; i++) start('web');
  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    if (roles.size === 0) process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** One app on the port: all of the portal's requests; with the role `background`, the scheduler too. */
function serve(config: Config, logger: Logger, role: Role, opened?: Db): void {
  const db = opened ?? openDatabase(config.databasePath);
  const sessionSecret = config.sessionSecret ?? settingsRepository(db).sessionSecret(new Date().toISOString());
  // Every process sends what its own requests queued (a claim keeps two from sending one mail).
  const mailer = config.smtpUrl
    ? mailSender({ smtpUrl: config.smtpUrl, from: config.mailFrom, outbox: outboxRepository(db), clock: systemClock, logger })
    : undefined;
  // The static files `npm run build` hashed and compressed (npm start always builds first).
  const assetsDir = path.join(projectRoot, 'dist', 'public');
  const { app, jobs, backup } = createPortal({ db, config, sessionSecret, clock: systemClock, logger, mailer, assetsDir });
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
    setTimeout(() => process.exit(1), 25_000).unref();
    server.close(() => {
      try {
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

/** Why the server does not start, for the person who ran it (the log has the details). */
function startupRefusal(error: unknown, databasePath: string): string {
  if (error instanceof DatabaseNewerThanCode) {
    return `起動を中止しました。データベース（${databasePath}）は、このポータルより新しいバージョンで更新されています。\n` +
      '新しいバージョンのポータルを入れ直すか、更新前のバックアップを復元してください（npm run restore）。';
  }
  if (error instanceof MigrationFailed) {
    return `起動を中止しました。データベースの更新（マイグレーション ${error.file}）に失敗しました：${(error.cause as Error)?.message ?? ''}\n` +
      'データベースは、この更新の前の状態のままです。原因を取り除いてから、もう一度起動してください。';
  }
  return `起動を中止しました。データベースを開けません：${(error as Error).message}`;
}

function printDemoLogins(logins: { loginId: string; organisation: string; kind: keyof typeof organisationKindLabels }[]): void {
  console.log('デモデータを読み込みました。デモ用ログイン（パスワードはすべて ' + DEMO_PASSWORD + '）:');
  for (const l of logins) console.log(`  ${l.loginId.padEnd(10)} ${l.organisation}（${organisationKindLabels[l.kind]}）`);
}

await main();
