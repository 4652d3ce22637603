import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import { login } from '../helpers/http.js';
import { appOn, tempDir } from '../helpers/portal.js';
import { runScript } from '../helpers/spawn.js';

describe('npm run create-user', () => {
  it('on an empty database › migrates, creates the secretariat organisation and a user who can log in', async () => {
    const dbPath = path.join(tempDir(), 'portal.db');
    const run = runScript('src/cli/create-user.ts',
      ['--login', 'chief', '--password', 'a-long-enough-password', '--org', 'ＡＰＰＬＩＣ事務局', '--kind', 'secretariat', '--name', '山田 花子'],
      { DATABASE_PATH: dbPath });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('chief');

    const db = openDatabase(dbPath);
    expect(db.prepare('SELECT name, kind FROM organisations').all()).toEqual([{ name: 'ＡＰＰＬＩＣ事務局', kind: 'secretariat' }]);
    const hash = db.prepare('SELECT password_hash FROM users WHERE login_id = ?').pluck().get('chief') as string;
    expect(hash).toMatch(/^\$2[aby]\$12\$/);

    // The same file, served by the real app: the new account logs in and reaches the secretariat area.
    const agent = request.agent(appOn(db));
    const res = await login(agent, 'chief', 'a-long-enough-password');
    expect(res.status).toBe(302);
    const home = await agent.get('/');
    expect(home.text).toContain('<a href="/admin">事務局管理</a>');
  });

  it('adds a user to an existing organisation and refuses a taken login ID', () => {
    const dbPath = path.join(tempDir(), 'portal.db');
    const base = ['--password', 'a-long-enough-password', '--org', '藤沢市', '--kind', 'municipality'];
    expect(runScript('src/cli/create-user.ts', ['--login', 'a', ...base], { DATABASE_PATH: dbPath }).status).toBe(0);
    expect(runScript('src/cli/create-user.ts', ['--login', 'b', ...base], { DATABASE_PATH: dbPath }).status).toBe(0);
    const again = runScript('src/cli/create-user.ts', ['--login', 'b', ...base], { DATABASE_PATH: dbPath });
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('既に使われています');
    const db = openDatabase(dbPath);
    expect(db.prepare('SELECT count(*) FROM organisations').pluck().get()).toBe(1);
    expect(db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(2);
  });

  it('bad arguments › exit 2 with a Japanese message and usage, nothing written', () => {
    const dbPath = path.join(tempDir(), 'portal.db');
    const run = runScript('src/cli/create-user.ts', ['--login', 'x', '--password', 'short', '--org', 'o', '--kind', 'king'], { DATABASE_PATH: dbPath });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--password は12文字以上');
    expect(run.stderr).toContain('--kind は secretariat, municipality, vendor のいずれか');
    expect(run.stderr).toContain('使い方');
    expect(fs.existsSync(dbPath)).toBe(false);
  });
});
