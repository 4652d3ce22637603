import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import { migrate } from '../../src/db/migrate.js';
import { writeArchive } from '../../src/features/backup/archive.js';
import { restoreArchive } from '../../src/features/backup/restore.js';
import { migrationsDir, projectRoot } from '../../src/paths.js';
import { createEntry, createUser, PASSWORD } from '../helpers/factories.js';
import { loggedInAgent } from '../helpers/http.js';
import { appOn, createTestPortal, tempDir } from '../helpers/portal.js';
import { runScript } from '../helpers/spawn.js';

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Every row of every table (FTS shadow tables included), for comparing two databases. */
function dump(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare<[], string>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all();
    // Ordered by every column, so that tables without a rowid compare too.
    return Object.fromEntries(tables.map((t) => {
      const columns = db.prepare(`SELECT * FROM "${t}" LIMIT 0`).columns().map((c) => `"${c.name}"`);
      return [t, db.prepare(`SELECT * FROM "${t}" ORDER BY ${columns.join(', ')}`).raw().all()];
    }));
  } finally {
    db.close();
  }
}

/** A PDF-looking upload file and its attachment row, as the registration writes them. */
function attach(db: Database.Database, uploadDir: string, entryId: number, seed: number): string {
  const name = crypto.randomBytes(16).toString('hex');
  const content = Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(2048 + seed)]);
  fs.mkdirSync(uploadDir, { recursive: true });
  fs.writeFileSync(path.join(uploadDir, name), content);
  db.prepare(`INSERT INTO attachments (entry_id, stored_name, original_name, size, sha256, created_at) VALUES (?, ?, 'catalog.pdf', ?, ?, ?)`)
    .run(entryId, name, content.length, crypto.createHash('sha256').update(content).digest('hex'), new Date().toISOString());
  return name;
}

describe('backups that restore', () => {
  it('a backup taken while writes and uploads run restores into a fresh directory: every row and every file the same', async () => {
    const portal = createTestPortal();
    const owner = createUser(portal.db, 'vendor');
    for (let i = 0; i < 40; i++) attach(portal.db, portal.uploadDir, createEntry(portal.db, owner, { title: `製品${i}` }), i);

    // Writes and uploads from a second connection all through the backup, as a serving portal makes them.
    const writer = openDatabase(portal.dbPath);
    let writing = true;
    let written = 0;
    const writes = (async () => {
      while (writing) {
        attach(writer, portal.uploadDir, createEntry(writer, owner, { title: `並行${written}` }), written);
        written++;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const archive = await writeArchive({ db: portal.db, uploadDir: portal.uploadDir, dir: tempDir('archives-'), at: new Date(), portalVersion: 'test' });
    writing = false;
    await writes;
    writer.close();
    expect(written).toBeGreaterThan(0);

    const target = tempDir('restored-');
    const manifest = await restoreArchive({ archive: archive.path, databasePath: path.join(target, 'portal.db'), uploadDir: path.join(target, 'uploads'), force: false, at: new Date() });
    // The restored database is the snapshot: its every row equals the archive's own copy, and its files are those it refers to.
    const restored = path.join(target, 'portal.db');
    const rows = dump(restored);
    expect(rows.entries!.length).toBe(manifest.counts.entries);
    expect(manifest.counts.entries).toBeGreaterThanOrEqual(40);
    const names = new Database(restored, { readonly: true }).prepare<[], { stored_name: string; sha256: string }>('SELECT stored_name, sha256 FROM attachments').all();
    expect(names.length).toBe(manifest.counts.attachments);
    for (const { stored_name: name, sha256: expected } of names) {
      expect(sha256(path.join(target, 'uploads', name))).toBe(expected);
      expect(sha256(path.join(target, 'uploads', name))).toBe(sha256(path.join(portal.uploadDir, name)));
    }
    // Every row of the snapshot's tables matches the source database as it was for those rows.
    const source = dump(portal.dbPath);
    for (const table of ['organisations', 'users', 'genres', 'info_types']) expect(rows[table]).toEqual(source[table]);
    expect(rows.entries).toEqual(source.entries!.slice(0, rows.entries!.length));

    // The portal runs on the restored copy: the account logs in, the entries are there.
    const app = appOn(openDatabase(restored), { uploadDir: path.join(target, 'uploads') });
    const agent = await loggedInAgent(app, owner.loginId, PASSWORD);
    expect((await agent.get('/my/entries')).text).toContain('製品39');
  });

  it('a corrupted archive is refused and changes nothing; a target with data needs --force, and keeps the old file', async () => {
    const portal = createTestPortal();
    const owner = createUser(portal.db, 'vendor');
    attach(portal.db, portal.uploadDir, createEntry(portal.db, owner), 1);
    const archive = await writeArchive({ db: portal.db, uploadDir: portal.uploadDir, dir: tempDir('archives-'), at: new Date(), portalVersion: 'test' });

    const target = tempDir('restored-');
    const db = path.join(target, 'portal.db');
    const broken = path.join(target, 'broken.tar.gz');
    const bytes = fs.readFileSync(archive.path);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = bytes[middle]! ^ 0xff;
    fs.writeFileSync(broken, bytes);
    await expect(restoreArchive({ archive: broken, databasePath: db, uploadDir: path.join(target, 'uploads'), force: false, at: new Date() })).rejects.toThrow(/バックアップを使えません/);
    expect(fs.existsSync(db)).toBe(false);

    await restoreArchive({ archive: archive.path, databasePath: db, uploadDir: path.join(target, 'uploads'), force: false, at: new Date() });
    await expect(restoreArchive({ archive: archive.path, databasePath: db, uploadDir: path.join(target, 'uploads'), force: false, at: new Date() })).rejects.toThrow(/--force/);
    await restoreArchive({ archive: archive.path, databasePath: db, uploadDir: path.join(target, 'uploads'), force: true, at: new Date('2026-12-01T00:00:00Z') });
    expect(fs.readdirSync(target).filter((f) => /^portal\.db\.before-restore-[0-9TZ]+$/.test(f))).toHaveLength(1);
  });

  it('npm run backup while the portal serves prints the archive as its last line; npm run restore refuses a live database, restores with --force', async () => {
    const dir = tempDir('cli-');
    const dbPath = path.join(dir, 'portal.db');
    const db = openDatabase(dbPath);
    migrate(db, migrationsDir);
    const owner = createUser(db, 'vendor');
    attach(db, path.join(dir, 'uploads'), createEntry(db, owner, { title: 'コマンドで守る製品' }), 3);
    const env = { DATABASE_PATH: dbPath, UPLOAD_DIR: path.join(dir, 'uploads'), BACKUP_DIR: path.join(dir, 'backups'), SEED_DEMO: '0' };
    // The portal keeps serving from the same file during the backup.
    const served = appOn(db, { uploadDir: env.UPLOAD_DIR });
    const backingUp = new Promise<{ status: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/backup.ts'], { cwd: projectRoot, env: { PATH: process.env.PATH ?? '', ...env } });
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.on('exit', (status) => resolve({ status, stdout }));
    });
    while ((await request(served).get('/search/results')).status === 200) {
      if (fs.existsSync(env.BACKUP_DIR) && fs.readdirSync(env.BACKUP_DIR).some((f) => f.endsWith('.tar.gz'))) break;
    }
    const run = await backingUp;
    expect(run.status).toBe(0);
    const archive = run.stdout.trim().split('\n').pop()!;
    expect(archive).toMatch(/portal-backup-\d{8}-\d{6}Z\.tar\.gz$/);
    expect(db.prepare(`SELECT trigger, error IS NULL AS ok FROM backup_runs`).get()).toEqual({ trigger: 'command', ok: 1 });

    const refused = runScript('src/cli/restore.ts', [archive], env);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('--force');
    db.close();
    const forced = runScript('src/cli/restore.ts', [archive, '--force'], env);
    expect(forced.status).toBe(0);
    expect(forced.stdout).toContain('復元しました');
    expect(new Database(dbPath, { readonly: true }).prepare(`SELECT title FROM entries`).pluck().all()).toEqual(['コマンドで守る製品']);
  });
});
