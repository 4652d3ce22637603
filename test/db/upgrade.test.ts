import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import { DatabaseNewerThanCode, migrate } from '../../src/db/migrate.js';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { migrationsDir, projectRoot } from '../../src/paths.js';
import { $, listedIds, loggedInAgent } from '../helpers/http.js';
import { appOn, tempDir } from '../helpers/portal.js';
import { runScript } from '../helpers/spawn.js';

/** The database the first tagged version (v0.1.0) wrote with its demo data (test/fixtures/make-v0.1.0-database.sh). */
const V0_1_0 = path.join(projectRoot, 'test', 'fixtures', 'v0.1.0-demo.sqlite');

function copyOfV010(): string {
  const file = path.join(tempDir('upgrade-'), 'portal.db');
  fs.copyFileSync(V0_1_0, file);
  return file;
}

const counts = (db: Database.Database) => Object.fromEntries(['organisations', 'users', 'entries', 'entry_genres', 'likes', 'genres', 'attachments']
  .map((t) => [t, db.prepare(`SELECT count(*) FROM ${t}`).pluck().get()]));

describe('upgrades', () => {
  it('a database made by v0.1.0 with the demo data migrates to today, keeps every row, and the portal works on it', async () => {
    const file = copyOfV010();
    const before = new Database(file, { readonly: true });
    const had = counts(before);
    const versionsBefore = before.prepare('SELECT version FROM schema_migrations').pluck().all();
    before.close();
    expect(versionsBefore).toEqual(['0001', '0002', '0003', '0004']);

    const db = openDatabase(file);
    const applied = migrate(db, migrationsDir);
    expect(applied.length).toBe(fs.readdirSync(migrationsDir).filter((f) => /^\d{4}_/.test(f)).length - 4);
    expect(counts(db)).toEqual(had);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);

    const app = appOn(db);
    const municipality = await loggedInAgent(app, 'kurashiki', DEMO_PASSWORD);
    const results = await municipality.get('/search/results');
    expect(results.status).toBe(200);
    expect(listedIds(results.text).length).toBe(30);
    const entry = listedIds(results.text)[0]!;
    expect((await municipality.get(`/entries/${entry}`)).status).toBe(200);
    const admin = await loggedInAgent(app, 'admin', DEMO_PASSWORD);
    expect($((await admin.get('/admin')).text)('h1').text()).toBe('事務局管理');
    expect((await admin.get('/admin/review')).status).toBe(200);
  });

  it('a failing migration stops the start-up with a clear message and leaves the database as it was', () => {
    const file = copyOfV010();
    // A table in the way of a later migration, as a hand-made change on a server might leave.
    const db = new Database(file);
    db.exec('CREATE TABLE account_tokens (x INTEGER)');
    db.close();
    const run = runScript('src/server.ts', [], { DATABASE_PATH: file, UPLOAD_DIR: tempDir(), SEED_DEMO: '0', PORT: '39871' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('起動を中止しました。データベースの更新（マイグレーション 0018_create_account_self_service.sql）に失敗しました');
    expect(run.stderr).toContain('データベースは、この更新の前の状態のままです。');
    const after = new Database(file, { readonly: true });
    expect(after.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe('0017');
    expect(after.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'recovery_codes'`).pluck().get()).toBe(0);
    after.close();
  });

  it('npm start on a database newer than the code refuses to start', () => {
    const file = copyOfV010();
    const db = openDatabase(file);
    migrate(db, migrationsDir);
    db.prepare(`INSERT INTO schema_migrations (version, name, applied_at) VALUES ('9999', '9999_from_the_future.sql', '2030-01-01T00:00:00Z')`).run();
    expect(() => migrate(db, migrationsDir)).toThrow(DatabaseNewerThanCode);
    db.close();
    const run = runScript('src/server.ts', [], { DATABASE_PATH: file, UPLOAD_DIR: tempDir(), SEED_DEMO: '0', PORT: '39871' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('このポータルより新しいバージョンで更新されています');
  });
});
