import { parseArgs } from 'node:util';
import { systemClock } from '../clock.js';
import { ConfigError, loadConfig } from '../config.js';
import { RestoreRefused, restoreArchive } from '../features/backup/restore.js';

const USAGE = '使い方: npm run restore -- ARCHIVE [--force]（復元先は DATABASE_PATH と UPLOAD_DIR。ポータルを止めてから実行してください）';

/**
 * `npm run restore -- ARCHIVE [--force]`: checks the archive (manifest, every file's SHA-256,
 * PRAGMA integrity_check, the counts) and restores database and files together. A target that holds
 * data is refused without --force (exit 1); a bad archive changes nothing (exit 1).
 */
async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { force: { type: 'boolean', default: false } } });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [archive, ...extra] = parsed.positionals;
  if (!archive || extra.length > 0) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig(process.env);
  try {
    const manifest = await restoreArchive({ archive, databasePath: config.databasePath, uploadDir: config.uploadDir, force: parsed.values.force, at: systemClock.now() });
    const counts = Object.entries(manifest.counts).map(([table, n]) => `${table} ${n}`).join('、');
    console.log(`復元しました：${manifest.createdAt} のバックアップ（バージョン ${manifest.portalVersion}、${counts}、添付ファイル ${manifest.files.length - 1}件）。`);
    console.log('ポータルを起動すると、必要なマイグレーションが適用されます。');
    return 0;
  } catch (error) {
    if (error instanceof RestoreRefused) {
      console.error(error.message);
      return 1;
    }
    console.error(`復元できませんでした。データベースとファイルは変更していません。\n${(error as Error).message}`);
    return 1;
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : (error as Error).message);
  process.exitCode = 1;
}
