import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { projectRoot } from '../src/paths.js';
import { generate } from './generate.js';

/**
 * npm run bench — measures pages at the size design.md sets (100,000 entries, 252 genres in three
 * levels): p95 latency at one connection (sequential keep-alive requests, timed with hrtime) and
 * throughput at 8 connections (autocannon), side by side with a bare Express route in the same run.
 * BENCH_ENTRIES and BENCH_SECONDS change the size and the duration.
 */
const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const SEQUENTIAL = Number(process.env.BENCH_REQUESTS ?? 1000);

function serve(args: string[]): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/serve.ts', ...args], { cwd: projectRoot, env: { ...process.env, NODE_ENV: 'production' } });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /LISTENING (\d+)/.exec(out);
      if (match) resolve({ port: Number(match[1]), child });
    });
    child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
}

/** p50/p95/p99 in milliseconds of `count` sequential requests over one keep-alive connection. */
async function sequentialLatency(port: number, pathname: string, count: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = () =>
    new Promise<number>((resolve, reject) => {
      const start = process.hrtime.bigint();
      http.get({ host: '127.0.0.1', port, path: pathname, agent }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`${pathname} answered ${res.statusCode}`));
        res.resume();
        res.on('end', () => resolve(Number(process.hrtime.bigint() - start) / 1e6));
      }).on('error', reject);
    });
  for (let i = 0; i < 50; i++) await get(); // warm-up: statement cache, JIT
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await get());
  agent.destroy();
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

async function throughput(port: number, pathname: string) {
  const result = await autocannon({ url: `http://127.0.0.1:${port}${pathname}`, connections: 8, duration: SECONDS });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${pathname}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-bench-'));
  const dbPath = path.join(dir, 'bench.db');
  const t0 = Date.now();
  await generate(dbPath, ENTRIES);
  console.log(`bench data: ${ENTRIES.toLocaleString()} entries, 252 genres in 3 levels (${((Date.now() - t0) / 1000).toFixed(1)} s to build)`);
  console.log(`machine: ${os.cpus().length} cores, Node ${process.version}; ${SEQUENTIAL} sequential requests, then 8 connections for ${SECONDS} s\n`);

  const portal = await serve(['portal', dbPath]);
  const bare = await serve(['bare']);
  const targets = [
    { name: 'bare Express route', port: bare.port, path: '/' },
    { name: 'GET / (home, 新着情報)', port: portal.port, path: '/' },
    { name: 'GET /login', port: portal.port, path: '/login' },
  ];
  const rows = [];
  try {
    for (const t of targets) {
      const latency = await sequentialLatency(t.port, t.path, SEQUENTIAL);
      const rps = await throughput(t.port, t.path);
      rows.push({ page: t.name, 'p50 ms': latency.p50.toFixed(2), 'p95 ms': latency.p95.toFixed(2), 'p99 ms': latency.p99.toFixed(2), 'req/s @8': Math.round(rps) });
    }
  } finally {
    portal.child.kill();
    bare.child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.table(rows);
}

await main();
