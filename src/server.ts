import { createPortal } from './app.js';
import { backgroundJobs } from './background.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig } from './config.js';
import { outboxRepository } from './mail/outbox.repository.js';
import { mailSender } from './mail/sender.js';
import { openDatabase } from './db/connection.js';
import { DatabaseNewerThanCode, migrate, MigrationFailed } from './db/migrate.js';
import { DEMO_PASSWORD, seedDemo } from './demo/seed.js';
import { settingsRepository } from './features/settings/settings.repository.js';
import { organisationKindLabels } from './features/accounts/accounts.types.js';
import { jobRunsRepository } from './features/system/job-runs.repository.js';
import { startScheduler } from './features/system/scheduler.js';
import { createLogger } from './logger.js';
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

  const sessionSecret = config.sessionSecret ?? settingsRepository(db).sessionSecret(new Date().toISOString());
  const mailer = config.smtpUrl
    ? mailSender({ smtpUrl: config.smtpUrl, from: config.mailFrom, outbox: outboxRepository(db), clock: systemClock, logger })
    : undefined;
  const { app, jobs, backup } = createPortal({ db, config, sessionSecret, clock: systemClock, logger, mailer });
  const scheduler = startScheduler({ jobs: backgroundJobs({ jobs, mailer, backup, logger }), jobRuns: jobRunsRepository(db), clock: systemClock, logger });
  const server = app.listen(config.port, () => {
    console.log(`APPLIC マッチングポータル: http://localhost:${config.port}/ （データベース: ${config.databasePath}）`);
  });
  server.on('error', (error) => {
    console.error(`ポート ${config.port} で待ち受けできません: ${error.message}`);
    process.exit(1);
  });

  const shutdown = () => {
    scheduler.stop();
    server.close(() => {
      db.close();
      process.exit(0);
    });
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
