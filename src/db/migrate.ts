import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './connection.js';

const FILE_PATTERN = /^(\d{4})_[a-z0-9_]+\.sql$/;

/**
 * A migration that rebuilds a table other tables refer to (SQLite cannot change a CHECK in place)
 * starts with this line. It runs with foreign keys off, as SQLite's own procedure for such changes
 * says (the pragma has no effect inside a transaction, so it is set around it), and its transaction
 * commits only if foreign_key_check then finds nothing.
 */
const REBUILDS_TABLES = '-- migrate: rebuilds tables';

/** The database was migrated by a newer portal than this one: starting would run old code on a newer schema. */
export class DatabaseNewerThanCode extends Error {}

/** A migration failed; its transaction rolled back, so the database is as it was before that file. */
export class MigrationFailed extends Error {
  constructor(readonly file: string, cause: unknown) {
    super(`migration ${file} failed: ${(cause as Error).message}`, { cause });
  }
}

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

  const unknown = [...applied].filter((v) => !versions.includes(v)).sort();
  if (unknown.length > 0) {
    throw new DatabaseNewerThanCode(`the database has migrations this code does not know (${unknown.join(', ')}): it was upgraded by a newer version`);
  }

  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const done: string[] = [];
  for (const file of files) {
    const version = file.slice(0, 4);
    if (applied.has(version)) continue;
    const sql = fs.readFileSync(path.join(dir, file), 'utf8');
    const rebuilds = sql.startsWith(REBUILDS_TABLES);
    const foreignKeys = db.pragma('foreign_keys', { simple: true }) === 1;
    if (rebuilds && foreignKeys) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(sql);
        if (rebuilds && (db.pragma('foreign_key_check') as unknown[]).length > 0) throw new Error(`migration ${file} leaves broken foreign keys`);
        record.run(version, file, new Date().toISOString());
      })();
    } catch (error) {
      throw new MigrationFailed(file, error);
    } finally {
      if (rebuilds && foreignKeys) db.pragma('foreign_keys = ON');
    }
    done.push(file);
  }
  return done;
}
