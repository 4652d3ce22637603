import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DATABASE_ENTRY, type Manifest, UPLOADS_ENTRY, unpackAndCheck } from './archive.js';

export class RestoreRefused extends Error {}

/** Whether a database file holds anything a restore would lose (any account, organisation or entry). */
function holdsData(file: string): boolean {
  if (!fs.existsSync(file) || fs.statSync(file).size === 0) return false;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare<[], string>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('users', 'organisations', 'entries')`).pluck().all();
    return tables.some((t) => (db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number) > 0);
  } finally {
    db.close();
  }
}

/**
 * Restores an archive into `databasePath` and `uploadDir`, database and files together: the archive
 * is unpacked and checked beside the target first, so a bad archive changes nothing. A target that
 * holds data is refused unless `force`; then the old database is kept beside it as
 * `<name>.before-restore-<time>` rather than deleted. Stop the portal before restoring.
 */
export async function restoreArchive(input: { archive: string; databasePath: string; uploadDir: string; force: boolean; at: Date }): Promise<Manifest> {
  const target = path.resolve(input.databasePath);
  if (!input.force && holdsData(target)) {
    throw new RestoreRefused(`復元先のデータベース（${target}）にはデータがあります。上書きする場合は --force を付けてください（元のファイルは残します）。`);
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.mkdirSync(input.uploadDir, { recursive: true });
  const work = fs.mkdtempSync(path.join(path.dirname(target), '.restore-'));
  try {
    const manifest = await unpackAndCheck(input.archive, work);
    // Files first: a database that refers to files is never in place before they are.
    for (const name of fs.readdirSync(path.join(work, UPLOADS_ENTRY))) {
      fs.copyFileSync(path.join(work, UPLOADS_ENTRY, name), path.join(input.uploadDir, name));
    }
    if (fs.existsSync(target)) {
      const stamp = input.at.toISOString().replace(/[-:.]/g, '');
      fs.renameSync(target, `${target}.before-restore-${stamp}`);
      for (const suffix of ['-wal', '-shm']) {
        if (fs.existsSync(target + suffix)) fs.renameSync(target + suffix, `${target}.before-restore-${stamp}${suffix}`);
      }
    }
    fs.renameSync(path.join(work, DATABASE_ENTRY), target);
    return manifest;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
