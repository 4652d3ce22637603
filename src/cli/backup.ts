import pino from 'pino';
import { systemClock } from '../clock.js';
import { ConfigError, loadConfig } from '../config.js';
import { openDatabase } from '../db/connection.js';
import { migrate } from '../db/migrate.js';
import { backupRepository } from '../features/backup/backup.repository.js';
import { backupService } from '../features/backup/backup.service.js';
import { outboxRepository } from '../mail/outbox.repository.js';
import { migrationsDir } from '../paths.js';
import { PORTAL_VERSION } from '../version.js';

/**
 * `npm run backup`: one archive of DATABASE_PATH and the upload files it refers to, into BACKUP_DIR,
 * while the portal may be serving (SQLite's online backup). Prints the archive's path as its last
 * line (the contract); a failure is recorded, mailed to the secretariat through the outbox, and exits 1.
 */
async function main(): Promise<number> {
  const config = loadConfig(process.env);
  const db = openDatabase(config.databasePath);
  try {
    migrate(db, migrationsDir);
    const service = backupService({
      db, repository: backupRepository(db), outbox: outboxRepository(db), clock: systemClock, logger: pino({ level: 'silent' }),
      uploadDir: config.uploadDir, adminEmail: config.adminEmail, portalVersion: PORTAL_VERSION,
      settings: { dir: config.backup.dir, retention: { daily: config.backup.keepDaily, weekly: config.backup.keepWeekly }, hour: config.backup.hour },
    });
    const run = await service.backup('command');
    if (run.error) {
      console.error(`バックアップに失敗しました：${run.error}`);
      return 1;
    }
    console.log(`バックアップを書き出しました（${Math.round((run.bytes ?? 0) / 1024)} KB）。`);
    console.log(run.archive);
    return 0;
  } finally {
    db.close();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `バックアップに失敗しました：${(error as Error).message}`);
  process.exitCode = 1;
}
