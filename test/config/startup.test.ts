import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/connection.js';
import { tempDir } from '../helpers/portal.js';
import { freePort, runScript, startServer } from '../helpers/spawn.js';

describe('configuration', () => {
  it('defaults › an empty environment gives the contract defaults', () => {
    expect(loadConfig({})).toMatchObject({
      port: 3000, databasePath: 'data/portal.db', uploadDir: 'uploads', seedDemo: true, smtpUrl: undefined, trustProxy: false,
    });
  });

  it('bad values › every bad variable is named in one message', () => {
    let message = '';
    try {
      loadConfig({ PORT: '70000', SEED_DEMO: 'yes', SMTP_URL: 'http://x' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^ {2}PORT: .*"70000"/m);
    expect(message).toMatch(/^ {2}SEED_DEMO: .*"yes"/m);
    expect(message).toMatch(/^ {2}SMTP_URL: .*"http:\/\/x"/m);
  });

  it('production › SESSION_SECRET is required', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET/);
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40) }).sessionSecret).toBe('s'.repeat(40));
  });

  it('PUBLIC_URL › the base of the links in mail: http(s) only, defaulting to this machine and PORT', () => {
    expect(loadConfig({}).publicUrl).toBe('http://localhost:3000');
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ PUBLIC_URL: 'https://portal.applic.example.jp/matching' }).publicUrl).toBe('https://portal.applic.example.jp/matching');
    for (const bad of ['portal.applic.example.jp', 'ftp://x.example.jp', 'https://x.example.jp/?a=1']) {
      expect(() => loadConfig({ PUBLIC_URL: bad }), bad).toThrow(/PUBLIC_URL/);
    }
  });

  it('TRUST_PROXY › accepts a hop count, true, or a list of addresses', () => {
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
  });
});

describe('server start-up', () => {
  it('PORT=abc › the server stops with a message naming PORT', () => {
    const dbPath = path.join(tempDir(), 'portal.db');
    const run = runScript('src/server.ts', [], { PORT: 'abc', DATABASE_PATH: dbPath });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('PORT');
    expect(run.stderr).toContain('"abc"');
    expect(fs.existsSync(dbPath)).toBe(false);
  });

  it('an empty database › migrates, loads the demo data, prints the demo logins and serves the home page', async () => {
    const dbPath = path.join(tempDir(), 'portal.db');
    const port = await freePort();
    const server = await startServer({ PORT: String(port), DATABASE_PATH: dbPath });
    try {
      expect(server.output).toContain('デモ用ログイン');
      expect(server.output).toMatch(/admin\s+ＡＰＰＬＩＣ事務局/);
      const res = await fetch(`http://127.0.0.1:${port}/`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('製品・サービス、事例、人材を探す');
      expect(html.match(/data-entry-id="/g)?.length).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
  });

  it('SEED_DEMO=0 › a fresh database holds the three info types and nothing else', async () => {
    const dbPath = path.join(tempDir(), 'portal.db');
    const port = await freePort();
    const server = await startServer({ PORT: String(port), DATABASE_PATH: dbPath, SEED_DEMO: '0' });
    await server.stop();
    expect(server.output).not.toContain('デモ用ログイン');
    const db = openDatabase(dbPath);
    expect(db.prepare('SELECT count(*) FROM info_types').pluck().get()).toBe(3);
    for (const table of ['organisations', 'users', 'genres', 'entries', 'likes']) {
      expect(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get()).toBe(0);
    }
  });
});
