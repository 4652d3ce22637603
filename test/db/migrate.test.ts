import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import { migrate } from '../../src/db/migrate.js';
import { migrationsDir } from '../../src/paths.js';
import { createOrganisation, createUser } from '../helpers/factories.js';
import { tempDir } from '../helpers/portal.js';

function freshDb() {
  return openDatabase(path.join(tempDir(), 'portal.db'));
}

describe('migrations', () => {
  it('migrate › a fresh database gets every migration, recorded with its name', () => {
    const db = freshDb();
    const applied = migrate(db, migrationsDir);
    const files = fs.readdirSync(migrationsDir).filter((f) => f.endsWith('.sql')).sort();
    expect(applied).toEqual(files);
    expect(db.prepare('SELECT name FROM schema_migrations ORDER BY version').pluck().all()).toEqual(files);
  });

  it('migrate › a second run applies nothing and changes nothing', () => {
    const db = freshDb();
    migrate(db, migrationsDir);
    const before = db.prepare('SELECT count(*) FROM schema_migrations').pluck().get();
    expect(migrate(db, migrationsDir)).toEqual([]);
    expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(before);
    expect(db.prepare('SELECT count(*) FROM info_types').pluck().get()).toBe(3);
  });

  it('migrate › the three default info types exist, in the spec order', () => {
    const db = freshDb();
    migrate(db, migrationsDir);
    expect(db.prepare('SELECT name FROM info_types ORDER BY sort_order').pluck().all()).toEqual([
      '製品・サービス情報',
      '事例情報',
      '人材情報',
    ]);
  });

  it('migrate › a failing migration leaves nothing of itself behind', () => {
    const dir = tempDir('migrations-');
    fs.writeFileSync(path.join(dir, '0001_create_a.sql'), 'CREATE TABLE a (x INTEGER);');
    fs.writeFileSync(path.join(dir, '0002_break.sql'), 'CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);');
    const db = freshDb();
    expect(() => migrate(db, dir)).toThrow(/nowhere/);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).toContain('a');
    expect(tables).not.toContain('b');
    expect(db.prepare('SELECT version FROM schema_migrations').pluck().all()).toEqual(['0001']);
  });

  it('connection › uses WAL, enforces foreign keys and waits when busy', () => {
    const db = freshDb();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });
});

describe('schema constraints', () => {
  function migrated() {
    const db = freshDb();
    migrate(db, migrationsDir);
    return db;
  }

  it('refuses a user of an organisation that does not exist', () => {
    const db = migrated();
    expect(() =>
      db.prepare(
        `INSERT INTO users (organisation_id, login_id, password_hash, created_at, updated_at)
         VALUES (999, 'x', '$2b$12$abc', 'now', 'now')`,
      ).run(),
    ).toThrow(/FOREIGN KEY/);
  });

  it('refuses an organisation kind outside municipality, vendor and secretariat', () => {
    const db = migrated();
    expect(() =>
      db.prepare(`INSERT INTO organisations (name, kind, created_at, updated_at) VALUES ('x', 'other', 'now', 'now')`).run(),
    ).toThrow(/CHECK/);
  });

  it('keeps one like per entry and organisation', () => {
    const db = migrated();
    const user = createUser(db, 'municipality');
    const vendor = createUser(db, 'vendor');
    db.prepare(
      `INSERT INTO entries (id, type_id, title, summary, contact_company, contact_name, contact_phone, contact_email,
                            organisation_id, user_id, created_at, updated_at)
       VALUES (1, 1, 't', 's', 'c', 'n', '0', 'a@b.jp', ?, ?, 'now', 'now')`,
    ).run(vendor.organisationId, vendor.id);
    const like = db.prepare(`INSERT INTO likes (entry_id, organisation_id, user_id, created_at) VALUES (1, ?, ?, 'now')`);
    like.run(user.organisationId, user.id);
    expect(() => like.run(user.organisationId, user.id)).toThrow(/UNIQUE/);
  });

  it('refuses two sibling genres with the same name, also at the top level', () => {
    const db = migrated();
    const add = db.prepare(`INSERT INTO genres (parent_id, name, created_at, updated_at) VALUES (?, ?, 'now', 'now')`);
    const top = Number(add.run(null, '防災').lastInsertRowid);
    expect(() => add.run(null, '防災')).toThrow(/UNIQUE/);
    add.run(top, '消防署');
    expect(() => add.run(top, '消防署')).toThrow(/UNIQUE/);
  });

  it('refuses an entry title over 100 characters and a non-http URL', () => {
    const db = migrated();
    const vendor = createUser(db, 'vendor');
    const insert = db.prepare(
      `INSERT INTO entries (type_id, title, summary, url, contact_company, contact_name, contact_phone, contact_email,
                            organisation_id, user_id, created_at, updated_at)
       VALUES (1, ?, 's', ?, 'c', 'n', '0', 'a@b.jp', ?, ?, 'now', 'now')`,
    );
    expect(() => insert.run('あ'.repeat(101), null, vendor.organisationId, vendor.id)).toThrow(/CHECK/);
    expect(() => insert.run('題名', 'javascript:alert(1)', vendor.organisationId, vendor.id)).toThrow(/CHECK/);
    expect(() => insert.run('あ'.repeat(100), 'https://example.com/', vendor.organisationId, vendor.id)).not.toThrow();
  });

  it('keeps entries of an organisation from being orphaned', () => {
    const db = migrated();
    const orgId = createOrganisation(db, 'vendor');
    const vendor = createUser(db, 'vendor', { organisationId: orgId });
    db.prepare(
      `INSERT INTO entries (type_id, title, summary, contact_company, contact_name, contact_phone, contact_email,
                            organisation_id, user_id, created_at, updated_at)
       VALUES (1, 't', 's', 'c', 'n', '0', 'a@b.jp', ?, ?, 'now', 'now')`,
    ).run(orgId, vendor.id);
    expect(() => db.prepare('DELETE FROM users WHERE id = ?').run(vendor.id)).toThrow(/FOREIGN KEY/);
  });
});
