import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './connection.js';

const FILE_PATTERN = /^(\d{4})_[a-z0-9_]+\.sql$/;

/**
 * Applies migrations/NNNN_*.sql in order, each in its own transaction together with its record in
 * schema_migrations, so a failed file leaves nothing behind and a second run applies nothing.
 * Returns the file names applied by this call.
 */
export function migrate(db: Db, dir: string): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const applied = new Set(
    db.prepare('SELECT version FROM schema_migrations').pluck().all() as string[],
  );
  const files = fs
    .readdirSync(dir)
    .filter((f) => FILE_PATTERN.test(f))
    .sort();
  const versions = files.map((f) => f.slice(0, 4));
  const duplicate = versions.find((v, i) => versions.indexOf(v) !== i);
  if (duplicate) throw new Error(`migration version ${duplicate} is used by two files in ${dir}`);

  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const done: string[] = [];
  for (const file of files) {
    const version = file.slice(0, 4);
    if (applied.has(version)) continue;
    const sql = fs.readFileSync(path.join(dir, file), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      record.run(version, file, new Date().toISOString());
    })();
    done.push(file);
  }
  return done;
}
