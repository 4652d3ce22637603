import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { csrfFrom, hitCount } from '../helpers/http.js';
import { tempDir } from '../helpers/portal.js';
import { startSmtpServer } from '../helpers/smtp.js';
import { freePort, startServer } from '../helpers/spawn.js';
import { until } from '../helpers/wait.js';

type Server = Awaited<ReturnType<typeof startServer>>;

/** The child processes of the primary, as the operating system lists them (its workers, and any helper such as tsx's esbuild). */
function workersOf(primary: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(primary)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The pid the primary logged for the worker of that role (the newest one). */
function pidOf(output: string, role: 'background' | 'web'): number {
  const started = output.split('\n').filter((l) => l.includes('"worker started"') && l.includes(`"role":"${role}"`));
  return Number(/"workerPid":(\d+)/.exec(started.at(-1) ?? '')?.[1]);
}

async function login(base: string, loginId: string) {
  const agent = request.agent(base);
  const page = await agent.get('/login');
  const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text, '/login'), login_id: loginId, password: DEMO_PASSWORD });
  expect(res.status).toBe(302);
  return agent;
}

describe('one worker per core (WEB_CONCURRENCY=2), on Node\'s cluster', () => {
  const env = {} as { server: Server; base: string; dir: string; smtp: Awaited<ReturnType<typeof startSmtpServer>> };

  beforeAll(async () => {
    env.dir = tempDir('cluster-');
    env.smtp = await startSmtpServer();
    const port = await freePort();
    env.base = `http://127.0.0.1:${port}`;
    env.server = await startServer({
      PORT: String(port), WEB_CONCURRENCY: '2', DATABASE_PATH: path.join(env.dir, 'portal.db'), UPLOAD_DIR: path.join(env.dir, 'uploads'),
      BACKUP_DIR: path.join(env.dir, 'backups'), SMTP_URL: env.smtp.url, LOG_LEVEL: 'info', PUBLIC_URL: env.base,
    });
  }, 60_000);

  afterAll(async () => {
    await env.server?.stop();
    await env.smtp?.close();
  });

  it('both workers answer; a login on one is valid on the other; a write through one is seen by searches on the other at once', async () => {
    const workers = new Set<string>();
    for (let i = 0; i < 6; i++) workers.add(String((await request(env.base).get('/healthz')).headers['x-portal-worker']));
    expect([...workers].sort()).toEqual(['1', '2']);

    const vendor = await login(env.base, 'vendor1');
    for (let i = 0; i < 6; i++) expect((await vendor.get('/my/entries')).status).toBe(200);

    const admin = await login(env.base, 'admin');
    const before = await Promise.all([1, 2, 3, 4].map(() => request(env.base).get('/search/results?q=避難')));
    const counts = before.map((r) => hitCount(r.text));
    expect(new Set(counts).size).toBe(1);
    const first = /data-entry-id="(\d+)"/.exec(before[0]!.text)![1]!;
    const page = await admin.get(`/admin/entries/${first}`);
    const suspended = await admin.post(`/admin/entries/${first}/suspend`).type('form').send({ _csrf: csrfFrom(page.text, `/admin/entries/${first}/suspend`), reason: '確認のため' });
    expect(suspended.status).toBe(303);
    const after = await Promise.all([1, 2, 3, 4].map(() => request(env.base).get('/search/results?q=避難')));
    for (const res of after) expect(hitCount(res.text)).toBe(counts[0]! - 1);
  });

  it('the background work runs in one process: one mail per notification, one scheduler\'s jobs', async () => {
    // A reset request queues one mail; both the worker that took the request and the background
    // process send the outbox, and the claim lets only one of them send it.
    const page = await request.agent(env.base).get('/password-reset');
    const agent = request.agent(env.base);
    const form = await agent.get('/password-reset');
    await agent.post('/password-reset').type('form').send({ _csrf: csrfFrom(form.text, '/password-reset'), login_id: 'kurashiki' });
    expect(page.status).toBe(200);
    await until(() => env.smtp.messages.length >= 1, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(env.smtp.messages.filter((m) => m.subject?.includes('パスワード再設定のご案内'))).toHaveLength(1);

    const db = new Database(path.join(env.dir, 'portal.db'), { readonly: true });
    try {
      // One scheduler took every job on, all at its start.
      const registered = db.prepare<[], string>('SELECT registered_at FROM job_runs').pluck().all().map((at) => Date.parse(at));
      expect(Math.max(...registered) - Math.min(...registered)).toBeLessThan(1000);
      expect(db.prepare('SELECT name FROM job_runs ORDER BY name').pluck().all()).toEqual(
        ['backup', 'freshness', 'mail', 'pdf-text', 'saved-search-digests', 'shared-address-digest', 'sweep'],
      );
    } finally {
      db.close();
    }
  });

  it('a killed worker is replaced; a killed background process is replaced and its duties resume', async () => {
    const web = pidOf(env.server.output, 'web');
    process.kill(web, 'SIGKILL');
    // A new worker loads and transpiles the whole app (tsx) and builds its indexes: seconds on a CI
    // machine that is running the browser tests beside it.
    const alive = (pid: number) => workersOf(env.server.pid).includes(pid);
    await until(() => pidOf(env.server.output, 'web') !== web && alive(pidOf(env.server.output, 'web')) && !alive(web), 60_000)
      .catch((error: unknown) => {
        throw new Error(`not replaced: web ${web} → ${pidOf(env.server.output, 'web')}, workers ${workersOf(env.server.pid).join(' ')}\n${env.server.output.split('\n').filter((l) => l.includes('worker')).join('\n')}`, { cause: error });
      });
    expect((await request(env.base).get('/healthz')).status).toBe(200);

    const db = () => new Database(path.join(env.dir, 'portal.db'), { readonly: true });
    const registeredAt = () => {
      const d = db();
      try {
        return d.prepare<[], string>(`SELECT registered_at FROM job_runs WHERE name = 'sweep'`).pluck().get();
      } finally {
        d.close();
      }
    };
    const before = registeredAt();
    const background = pidOf(env.server.output, 'background');
    process.kill(background, 'SIGKILL');
    await until(() => pidOf(env.server.output, 'background') !== background, 60_000);
    await until(() => registeredAt() !== before, 60_000);
    // The two workers now (the primary may have other children: tsx's esbuild service).
    expect(alive(pidOf(env.server.output, 'web')) && alive(pidOf(env.server.output, 'background')) && !alive(background)).toBe(true);
    expect((await request(env.base).get('/healthz')).status).toBe(200);
  }, 180_000);

  it('SIGTERM: a request in flight is answered, then every process exits and the WAL is written back', async () => {
    const agent = request.agent(env.base);
    const form = await agent.get('/login');
    const token = csrfFrom(form.text, '/login');
    const cookie = (form.headers['set-cookie'] as unknown as string[] | undefined)?.map((c) => c.split(';')[0]).join('; ') ?? '';
    // A login takes a bcrypt comparison (~100 ms or more): SIGTERM arrives while it runs.
    const answer = new Promise<number>((resolve, reject) => {
      const body = new URLSearchParams({ _csrf: token, login_id: 'kurashiki', password: 'not-the-password' }).toString();
      const req = http.request(`${env.base}/login`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body), Cookie: cookie } },
        (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
      req.on('error', reject);
      req.end(body);
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    process.kill(env.server.pid, 'SIGTERM');
    expect(await answer).toBe(401);
    await until(() => env.server.exitCode() !== null, 30_000);
    expect(env.server.exitCode()).toBe(0);
    expect(workersOf(env.server.pid)).toEqual([]);
    expect(fs.statSync(path.join(env.dir, 'portal.db-wal'), { throwIfNoEntry: false })?.size ?? 0).toBe(0);
  }, 60_000);
});
