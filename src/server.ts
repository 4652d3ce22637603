import cluster from 'node:cluster';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase } from './db/connection.js';
import { DatabaseNewerThanCode, migrate, MigrationFailed } from './db/migrate.js';
import { DEMO_PASSWORD, seedDemo } from './demo/seed.js';
import { searchRepository } from './features/search/search.repository.js';
import { settingsRepository } from './features/settings/settings.repository.js';
import { organisationKindLabels } from './features/accounts/accounts.types.js';
import { createLogger, type Logger } from './logger.js';
import { migrationsDir, seedsDir } from './paths.js';
import type { Role } from './serve.js';

/**
 * How each worker's Node runs, chosen for memory (issue 19: a worker under 150 MB resident at 100,000
 * entries). V8 let its young generation grow to 32 MB for the garbage a results page leaves; 4 MB
 * semi-spaces hold it at 12 MB with no measurable change in req/s or p95. glibc gave each thread
 * that touched malloc (SQLite, zlib and brotli on the thread pool) an arena of its own; two arenas
 * keep the freed memory in fewer places. Measured at 8 connections on the compressed results page:
 * 189 MB resident without either, 141-147 MB with both. An operator's own MALLOC_ARENA_MAX wins.
 */
const WORKER_EXEC_ARGV = ['--max-semi-space-size=4'];
const WORKER_ENV = { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2' };

/**
 * config → db → migrate → (demo data) → serve (src/serve.ts: createApp → listen, the only place that listens).
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
  // The app itself (Express, the templates, every feature) is loaded only where it serves: the
  // primary of a cluster just prepares the database and watches its workers.
  if (cluster.isWorker) {
    const { serve } = await import('./serve.js');
    return serve(config, logger, process.env.PORTAL_ROLE === 'background' ? 'background' : 'web');
  }

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
  // Once here rather than in each worker, which would wait for the first to finish it.
  const started = Date.now();
  const refolded = searchRepository(db).upgradeSearchText(new Date().toISOString());
  if (refolded > 0) logger.info({ entries: refolded, ms: Date.now() - started }, 'keyword indexes rewritten with the current folding');
  // Made once here, so that every worker signs sessions with the same secret.
  if (!config.sessionSecret) settingsRepository(db).sessionSecret(new Date().toISOString());
  if (config.webConcurrency === 1) {
    const { serve } = await import('./serve.js');
    return serve(config, logger, 'background', db);
  }
  db.close();
  supervise(config, logger);
}

/** The cluster's primary: starts the workers, replaces one that dies, and stops them all on SIGTERM. */
function supervise(config: Config, logger: Logger): void {
  const roles = new Map<number, Role>();
  let stopping = false;
  let listening = 0;
  cluster.setupPrimary({ execArgv: [...process.execArgv, ...WORKER_EXEC_ARGV] });
  const start = (role: Role) => {
    const worker = cluster.fork({ ...WORKER_ENV, PORTAL_ROLE: role });
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
