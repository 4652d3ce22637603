import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import autocannon from 'autocannon';
import { projectRoot } from '../src/paths.js';
import { login } from './login.js';

/**
 * Issue 19's figures, on the real server (src/server.ts, as `npm start` runs it) over the bench's
 * database: req/s at 8 connections with WEB_CONCURRENCY=1 and with one worker per core beside the
 * bare route of the same run, the bytes on the wire with and without compression, each worker's RSS,
 * and the p95 of a logged-in municipality's results page (its session read included).
 */
export async function clusterFigures(input: { dbPath: string; password: string; paths: Record<string, string>; bareRps: number; seconds: number }): Promise<void> {
  // Every page as a logged-in municipality sees it (a detail page needs a login).
  const cores = os.availableParallelism();
  const single = await startReal(input.dbPath, 1);
  let rows: Record<string, string | number>[] = [];
  const perWorkerRss: string[] = [];
  try {
    const cookie = await login(single.port, 'bench-city1', input.password);
    const singleRps = await rpsOf(single.port, input.paths, input.seconds, cookie);
    const bytes = await wireBytes(single.port, input.paths, cookie);
    const loggedIn = await p95(single.port, input.paths['results page (252 genres)']!, cookie);
    perWorkerRss.push(`WEB_CONCURRENCY=1: ${await rssAfterLoadAndRest([single.pid])}`);
    single.stop();
    await single.exited;

    const all = await startReal(input.dbPath, cores);
    try {
      const allRps = await rpsOf(all.port, input.paths, input.seconds, await login(all.port, 'bench-city1', input.password));
      perWorkerRss.push(`WEB_CONCURRENCY=${cores}: ${await rssAfterLoadAndRest(childrenOf(all.pid))} (primary ${rss(all.pid).toFixed(0)} MB)`);
      rows = Object.keys(input.paths).map((name) => ({
        page: name, 'req/s @8, 1 process': Math.round(singleRps[name]!), [`req/s @8, ${cores} workers`]: Math.round(allRps[name]!),
        ratio: `${(allRps[name]! / singleRps[name]!).toFixed(2)}${allRps[name]! / singleRps[name]! >= 1.8 ? '' : ' ✗'}`,
        'vs bare (workers)': (allRps[name]! / input.bareRps).toFixed(2),
      }));
    } finally {
      all.stop();
      await all.exited;
    }
    console.log(`\nthe real server (src/server.ts), one process against one worker per core (${cores}); bare route ${Math.round(input.bareRps)} req/s:`);
    console.table(rows);
    console.log('bytes on the wire (none / gzip / brotli):');
    console.table(bytes);
    console.log(`RSS: ${perWorkerRss.join('; ')}`);
    console.log(`a logged-in municipality's results page (session read included), one process: p95 ${loggedIn.toFixed(2)} ms (the table above: logged in too)`);
  } finally {
    single.stop();
  }
}

let built = false;

/**
 * The server as `npm start` runs it: the built dist/server.js (built once per bench run), not
 * through tsx, whose compiler alone holds about 70 MB and would hide what a worker really uses.
 * Resolves once it listens, with the seconds that took (migrations, index builds, fork).
 */
export function startReal(dbPath: string, workers: number): Promise<{ port: number; pid: number; startSeconds: number; stop(): void; exited: Promise<void> }> {
  if (!built) {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: projectRoot, stdio: 'ignore' });
    built = true;
  }
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const started = Date.now();
  const child = spawn(process.execPath, ['dist/server.js'], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), WEB_CONCURRENCY: String(workers), DATABASE_PATH: dbPath,
      UPLOAD_DIR: path.join(path.dirname(dbPath), 'uploads'), BACKUP_DIR: path.join(path.dirname(dbPath), 'backups'), SEED_DEMO: '0', LOG_LEVEL: 'silent',
      SESSION_SECRET: 'bench-session-secret-bench-session-secret',
    },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('http://localhost:')) {
        resolve({ port, pid: child.pid!, startSeconds: (Date.now() - started) / 1000, stop: () => child.kill('SIGTERM'), exited });
      }
    });
    child.stderr.on('data', (c: Buffer) => process.stderr.write(c));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

async function rpsOf(port: number, paths: Record<string, string>, seconds: number, cookie: string): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const [name, pathname] of Object.entries(paths)) {
    const run = await autocannon({ url: `http://127.0.0.1:${port}${pathname}`, connections: 8, duration: seconds, headers: { cookie } });
    if (run.non2xx > 0 || run.errors > 0) throw new Error(`${pathname}: ${run.non2xx} non-2xx, ${run.errors} errors`);
    result[name] = run.requests.average;
  }
  return result;
}

function raw(port: number, pathname: string, headers: Record<string, string>, cookie?: string): Promise<{ bytes: number; decoded: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    http.get({ host: '127.0.0.1', port, path: pathname, headers: { ...headers, ...(cookie ? { cookie } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const encoding = res.headers['content-encoding'];
        const decoded = encoding === 'br' ? zlib.brotliDecompressSync(body) : encoding === 'gzip' ? zlib.gunzipSync(body) : body;
        if (res.statusCode !== 200) reject(new Error(`${pathname} answered ${res.statusCode}`));
        else resolve({ bytes: body.length, decoded: decoded.length, ms: Number(process.hrtime.bigint() - start) / 1e6 });
      });
    }).on('error', reject);
  });
}

async function wireBytes(port: number, paths: Record<string, string>, cookie: string) {
  const rows: Record<string, string | number>[] = [];
  for (const [name, pathname] of Object.entries(paths)) {
    const none = await raw(port, pathname, {}, cookie);
    const gzip = await raw(port, pathname, { 'Accept-Encoding': 'gzip' }, cookie);
    const br = await raw(port, pathname, { 'Accept-Encoding': 'br, gzip' }, cookie);
    rows.push({ page: name, 'HTML KB': (none.bytes / 1024).toFixed(1), 'gzip KB': (gzip.bytes / 1024).toFixed(1), 'brotli KB': `${(br.bytes / 1024).toFixed(1)}${br.bytes < 15 * 1024 || !name.startsWith('results') ? '' : ' ✗'}` });
  }
  return rows;
}

async function p95(port: number, pathname: string, cookie: string): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const one = () => new Promise<number>((resolve, reject) => {
    const start = process.hrtime.bigint();
    http.get({ host: '127.0.0.1', port, path: pathname, agent, headers: { cookie } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(Number(process.hrtime.bigint() - start) / 1e6) : reject(new Error(`${res.statusCode}`))));
    }).on('error', reject);
  });
  for (let i = 0; i < 50; i++) await one();
  const times: number[] = [];
  for (let i = 0; i < 500; i++) times.push(await one());
  agent.destroy();
  times.sort((a, b) => a - b);
  return times[Math.floor(0.95 * times.length)]!;
}

/** How long a worker is left without requests before its RSS is read again. */
const REST_SECONDS = 30;

/**
 * Each process's RSS right after the load, and again after REST_SECONDS without requests: V8's
 * memory reducer gives back the heap a burst of requests grew only once the process is idle.
 */
async function rssAfterLoadAndRest(pids: number[]): Promise<string> {
  const loaded = pids.map(rss);
  await new Promise((resolve) => setTimeout(resolve, REST_SECONDS * 1000));
  return pids.map((pid, i) => `${loaded[i]!.toFixed(0)} MB after the load, ${rss(pid).toFixed(0)} MB after ${REST_SECONDS} s at rest`).join('; ');
}

export function childrenOf(pid: number): number[] {
  return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
}

export function rss(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}
