import { createApp } from './app.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/connection.js';
import { migrate } from './db/migrate.js';
import { DEMO_PASSWORD, seedDemo } from './db/seed.js';
import { settingsRepository } from './features/settings/settings.repository.js';
import { organisationKindLabels } from './features/accounts/accounts.types.js';
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
  const applied = migrate(db, migrationsDir);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');

  if (config.seedDemo) {
    const logins = await seedDemo(db, seedsDir, systemClock, config.uploadDir);
    if (logins) printDemoLogins(logins);
  }

  const sessionSecret = config.sessionSecret ?? settingsRepository(db).sessionSecret(new Date().toISOString());
  const app = createApp({ db, config, sessionSecret, clock: systemClock, logger });
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

function printDemoLogins(logins: { loginId: string; organisation: string; kind: keyof typeof organisationKindLabels }[]): void {
  console.log('デモデータを読み込みました。デモ用ログイン（パスワードはすべて ' + DEMO_PASSWORD + '）:');
  for (const l of logins) console.log(`  ${l.loginId.padEnd(10)} ${l.organisation}（${organisationKindLabels[l.kind]}）`);
}

await main();
