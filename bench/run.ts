import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { openDatabase } from '../src/db/connection.js';
import { projectRoot } from '../src/paths.js';
import { childrenOf, clusterFigures, rss, startReal } from './cluster.js';
import { latinPdf } from '../src/demo/demo-pdf.js';
import { generate, generateUsage } from './generate.js';
import { login } from './login.js';

/**
 * npm run bench — the results page at the size design.md sets (100,000 entries, 252 genres in three
 * levels, 1–3 genres an entry). For a fixed set of searches (1–4 genres mixing levels, 0–2 types,
 * pages 1, 2 and deep) it prints p50/p95/p99 latency at one connection (sequential keep-alive requests
 * timed with hrtime: autocannon's histogram has 1 ms steps, too coarse here) and requests per second
 * at 8 connections (autocannon), each beside a bare Express route measured in the same run, and the
 * server's resident memory at the end. It then logs in as a municipality and measures the home page
 * (with its recommendations) and /peers over 1,800 municipalities' issue profiles; measures searches
 * while a second process registers 20 entries a second; and repeats the searches at 1,000,000
 * entries (BENCH_SCALE; 0 skips it) to compare their p95 with the first run's. Server and baseline run in child processes so the load
 * generator does not share their event loop. BENCH_ENTRIES, BENCH_SECONDS and BENCH_REQUESTS change
 * the size and the duration.
 */
const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const SEQUENTIAL = Number(process.env.BENCH_REQUESTS ?? 1000);
const TARGET_P95_MS = 10;
/** Issue 22's bar: /admin/insights within 200 ms over a year of usage at this many searches a month. */
const USAGE_SEARCHES_PER_MONTH = 50_000;
const INSIGHTS_TARGET_MS = 200;
/** The larger run's size; BENCH_SCALE=0 skips it (building a million entries takes a few minutes). */
const SCALE_ENTRIES = Number(process.env.BENCH_SCALE ?? 1_000_000);

type Server = { port: number; child: ChildProcess };
/** A page's path, or one path per request (the i-th request's). */
type Path = string | ((i: number) => string);
const pathAt = (pathname: Path, i: number) => (typeof pathname === 'string' ? pathname : pathname(i));

/** Starts a bench script in its own process and resolves once it prints `ready` (with the match). */
function spawnScript(script: string, args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: projectRoot,
    env: { ...process.env, NODE_ENV: 'production' },
  });
  let out = '';
  return new Promise((resolve, reject) => {
    let done = false;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = ready.exec(out);
      if (match && !done) {
        done = true;
        resolve({ child, match, output: () => out });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    child.once('exit', (code) => { if (!done) reject(new Error(`${script} exited with ${code}`)); });
  });
}

async function serve(args: string[]): Promise<Server> {
  const { child, match } = await spawnScript('bench/serve.ts', args, /LISTENING (\d+)/);
  return { port: Number(match[1]), child };
}

function get(port: number, pathname: string, agent: http.Agent, cookie?: string): Promise<{ ms: number; body: string }> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    http
      .get({ host: '127.0.0.1', port, path: pathname, agent, headers: cookie ? { cookie } : {} }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`${pathname} answered ${res.statusCode}`));
          else resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, body });
        });
      })
      .on('error', reject);
  });
}

/**
 * p50/p95/p99 in milliseconds of `count` sequential requests over one keep-alive connection. A
 * function for `pathname` gives each request its own path (the i-th of the warm-up and the run).
 */
async function sequentialLatency(port: number, pathname: Path, count: number, cookie?: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < 50; i++) await get(port, pathAt(pathname, i), agent, cookie); // warm-up: statement cache, JIT
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push((await get(port, pathAt(pathname, 50 + i), agent, cookie)).ms);
  agent.destroy();
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

async function throughput(port: number, pathname: Path, cookie?: string): Promise<number> {
  let i = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${pathAt(pathname, 0)}`, connections: 8, duration: SECONDS, headers: cookie ? { cookie } : {},
    ...(typeof pathname === 'string' ? {} : { requests: [{ setupRequest: (request: autocannon.Request) => ({ ...request, path: pathname(i++) }) }] }),
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${pathAt(pathname, 0)}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/**
 * Keywords an officer might type, none repeated within 300 requests: the two- and three-character
 * runs of the demo titles the bench entries are made from. The index keeps the matches of the last
 * 128 terms and the counts of the last 256 conditions, so cycling through 300 misses both every time:
 * what a keyword nobody searched since the last write costs.
 */
function freshKeywords(length: 2 | 3): string[] {
  const titles = (JSON.parse(fs.readFileSync(path.join(projectRoot, 'seeds', 'entries.json'), 'utf8')) as { title: string }[]).map((e) => e.title);
  const words = new Set<string>();
  for (const title of titles) {
    const chars = [...title.normalize('NFKC').toLowerCase()];
    for (let i = 0; i + length <= chars.length; i++) {
      const word = chars.slice(i, i + length).join('');
      if (/^[\p{L}\p{N}]+$/u.test(word)) words.add(word);
    }
  }
  return [...words].slice(0, 300);
}

/**
 * Issue 22: what recording usage costs the results page (the same searches against a second server on
 * the same database that records nothing, alternating, twice each), and the secretariat's insights
 * and a vendor's figures over a year of usage.
 */
async function usageFigures(portal: Server, dir: string, dbPath: string, password: string) {
  const without = await serve(['portal-without-usage', dbPath, path.join(dir, 'uploads')]);
  try {
    const paths = searches(dbPath).filter((s) => typeof s.query === 'string' && !s.deep).slice(2, 5)
      .map((s) => ({ name: s.name, pathname: `/search/results?${s.query as string}` }));
    const rows: Record<string, string | number>[] = [];
    for (const { name, pathname } of paths) {
      const runs: Record<'with' | 'without', { p95: number; rps: number }[]> = { with: [], without: [] };
      for (let round = 0; round < 2; round++) {
        for (const [label, server] of [['without', without], ['with', portal]] as const) {
          const latency = await sequentialLatency(server.port, pathname, SEQUENTIAL);
          runs[label].push({ p95: latency.p95, rps: await throughput(server.port, pathname) });
        }
      }
      const mean = (list: { p95: number; rps: number }[], key: 'p95' | 'rps') => list.reduce((n, r) => n + r[key], 0) / list.length;
      rows.push({
        search: name,
        'p95 ms without': runs.without.map((r) => r.p95.toFixed(2)).join(' / '), 'p95 ms with': runs.with.map((r) => r.p95.toFixed(2)).join(' / '),
        'req/s without': runs.without.map((r) => Math.round(r.rps)).join(' / '), 'req/s with': runs.with.map((r) => Math.round(r.rps)).join(' / '),
        'req/s with ÷ without': (mean(runs.with, 'rps') / mean(runs.without, 'rps')).toFixed(2),
      });
    }
    console.log('\nrecording usage (issue 22.1): the results page with and without it, two alternating runs each:');
    console.table(rows);

    const admin = await login(portal.port, 'bench-admin', password);
    const vendor = await login(portal.port, 'bench-vendor1', password);
    const own = openDatabase(dbPath);
    const vendorEntry = own.prepare(`SELECT e.id FROM entries e JOIN users u ON u.organisation_id = e.organisation_id WHERE u.login_id = 'bench-vendor1' ORDER BY e.updated_at DESC LIMIT 1`).pluck().get() as number;
    own.close();
    const fiscalYear = `${new Date().getFullYear() - (new Date().getMonth() < 3 ? 1 : 0)}-04-01`;
    const pages: [string, string, string][] = [
      ['/admin/insights (252 genres, 90 days, 12 months)', '/admin/insights', admin],
      ['/admin/insights?who=municipality', '/admin/insights?who=municipality', admin],
      ['/admin/insights/genres.csv', '/admin/insights/genres.csv', admin],
      ['/admin/insights/report (this fiscal year)', `/admin/insights/report?from=${fiscalYear}&to=${new Date().toISOString().slice(0, 10)}`, admin],
      ['vendor /my/entries (this month per row)', '/my/entries', vendor],
      ['vendor /my/entries/:id (12 months)', `/my/entries/${vendorEntry}`, vendor],
    ];
    const figures: Record<string, string | number>[] = [];
    for (const [name, pathname, cookie] of pages) {
      const latency = await sequentialLatency(portal.port, pathname, 30, cookie);
      const bar = pathname.startsWith('/admin/insights') ? INSIGHTS_TARGET_MS : TARGET_P95_MS * 5;
      figures.push({ page: name, 'p50 ms': latency.p50.toFixed(1), 'p95 ms': `${latency.p95.toFixed(1)}${latency.p95 < bar ? '' : ' ✗'}`, 'p99 ms': latency.p99.toFixed(1) });
    }
    console.log(`\nthe secretariat's insights and a vendor's figures over that year (30 requests each after 50 to warm up; target: /admin/insights under ${INSIGHTS_TARGET_MS} ms):`);
    console.table(figures);
  } finally {
    without.child.kill();
  }
}

/** The fixed searches, named by genre names of the generated tree (分野A, 分野A-B, 分野A-B-C). */
function searches(dbPath: string): { name: string; query: string | ((i: number) => string); deep?: boolean }[] {
  const db = openDatabase(dbPath);
  const ids = new Map(db.prepare('SELECT name, id FROM genres').raw().all() as [string, number][]);
  db.close();
  const id = (name: string) => ids.get(name);
  const g = (...names: string[]) => names.map((n) => `genre=${id(n)}`).join('&');
  const cycle = (words: string[]) => (i: number) => `q=${encodeURIComponent(words[i % words.length]!)}`;
  return [
    { name: 'nothing selected, page 1', query: '' },
    { name: 'nothing selected, deep', query: '', deep: true },
    { name: '1 top genre, page 1', query: g('分野1') },
    { name: '1 top genre, page 2', query: `${g('分野1')}&page=2` },
    { name: '1 top genre, deep', query: g('分野1'), deep: true },
    { name: '1 mid genre, page 1', query: g('分野2-3') },
    { name: '1 leaf genre + 1 type, page 1', query: `${g('分野3-1-4')}&type=1` },
    { name: '2 top genres + 1 type, page 2', query: `${g('分野4', '分野5')}&type=2&page=2` },
    { name: '3 genres mixed levels + 2 types, page 1', query: `${g('分野6', '分野7-1', '分野8-2-3')}&type=1&type=3` },
    { name: '4 genres mixed levels + 2 types, deep', query: `${g('分野9', '分野10-3', '分野11-4-1', '分野12-1-2')}&type=1&type=2`, deep: true },
    { name: '2 types, page 2', query: 'type=2&type=3&page=2' },
    { name: '1 top genre + keyword (3+ chars)', query: `${g('分野1')}&q=${encodeURIComponent('避難所')}` },
    { name: 'keyword (2 chars), page 1', query: `q=${encodeURIComponent('防災')}` },
    // Issue 20: the same words written the other way (folded to one form), and one the thesaurus widens.
    { name: 'keyword in hiragana (しすてむ)', query: `q=${encodeURIComponent('しすてむ')}` },
    { name: 'keyword with synonyms (災害対策: +防災, 減災)', query: `q=${encodeURIComponent('災害対策')}` },
    { name: 'keyword only in PDF texts (お見積り)', query: `q=${encodeURIComponent('お見積り')}` },
    { name: 'keyword (2 chars), relevance order', query: `q=${encodeURIComponent('防災')}&sort=relevance` },
    { name: 'keyword (3+ chars), relevance order, deep', query: `q=${encodeURIComponent('避難所')}&sort=relevance`, deep: true },
    { name: 'keyword (2 chars), a new one each request', query: cycle(freshKeywords(2)) },
    { name: 'keyword (3 chars), a new one each request', query: cycle(freshKeywords(3)) },
  ];
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-bench-'));
  const dbPath = path.join(dir, 'bench.db');
  const t0 = Date.now();
  const password = await generate(dbPath, ENTRIES);
  console.log(`bench data: ${ENTRIES.toLocaleString()} entries, 252 genres in 3 levels (${((Date.now() - t0) / 1000).toFixed(1)} s to build)`);
  const t1 = Date.now();
  const usage = generateUsage(dbPath, USAGE_SEARCHES_PER_MONTH);
  console.log(`bench usage: a year at ${USAGE_SEARCHES_PER_MONTH.toLocaleString()} searches a month (${usage.searches.toLocaleString()} searches, ${usage.events.toLocaleString()} views, downloads, likes, inquiries and registrations; ${((Date.now() - t1) / 1000).toFixed(1)} s to build)`);
  console.log(`machine: ${os.cpus().length} cores, Node ${process.version}; ${SEQUENTIAL} sequential requests, then 8 connections for ${SECONDS} s each\n`);
  // BENCH_ONLY=cluster: only the figures of the real server (issue 19), with the bare route beside them.
  if (process.env.BENCH_ONLY === 'cluster') {
    const bare = await serve(['bare']);
    try {
      await clusterFigures({ dbPath, password, bareRps: await throughput(bare.port, '/'), seconds: SECONDS, paths: realServerPaths(dbPath) });
    } finally {
      bare.child.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return;
  }

  const started = Date.now();
  const portal = await serve(['portal', dbPath, path.join(dir, 'uploads')]);
  console.log(`portal started in ${((Date.now() - started) / 1000).toFixed(1)} s (migrations, search index build, listen)`);
  const bare = await serve(['bare']);
  const rows: Record<string, string | number>[] = [];
  const baseline = new Map<string, { pathname: Path; p95: number }>();
  try {
    const bareLatency = await sequentialLatency(bare.port, '/', SEQUENTIAL);
    const bareRps = await throughput(bare.port, '/');
    rows.push({ page: 'bare Express route', hits: '', 'p50 ms': bareLatency.p50.toFixed(2), 'p95 ms': bareLatency.p95.toFixed(2), 'p99 ms': bareLatency.p99.toFixed(2), 'req/s @8': Math.round(bareRps), 'vs bare': '1.00' });
    const probe = new http.Agent({ keepAlive: true });
    for (const search of searches(dbPath)) {
      const { query } = search;
      // A keyword that changes with every request has no single hit count: the first one's is shown.
      const fixed = typeof query === 'string';
      let pathname: Path = fixed ? `/search/results${query ? `?${query}` : ''}` : (i: number) => `/search/results?${query(i)}`;
      const first = await get(portal.port, pathAt(pathname, 0), probe);
      const hits = Number(/data-hit-count="(\d+)"/.exec(first.body)?.[1] ?? 0);
      if (search.deep && fixed) {
        const last = Math.max(1, Math.ceil(hits / 30));
        pathname = `/search/results?${query ? `${query}&` : ''}page=${last}`;
      }
      const latency = await sequentialLatency(portal.port, pathname, SEQUENTIAL);
      baseline.set(search.name, { pathname, p95: latency.p95 });
      const rps = await throughput(portal.port, pathname);
      rows.push({
        page: search.name + (search.deep ? ` (p.${pathAt(pathname, 0).split('page=')[1]})` : ''),
        hits: fixed ? hits : `${hits}…`,
        'p50 ms': latency.p50.toFixed(2),
        'p95 ms': `${latency.p95.toFixed(2)}${latency.p95 < TARGET_P95_MS ? '' : ' ✗'}`,
        'p99 ms': latency.p99.toFixed(2),
        'req/s @8': Math.round(rps),
        'vs bare': (rps / bareRps).toFixed(2),
      });
    }
    // A municipality's pages: the home page with its recommendations, and /peers ranking 1,800
    // municipalities' issue profiles (ranked over all of them, then filtered).
    const cookie = await login(portal.port, 'bench-city1', password);
    const topGenre = /<option value="(\d+)">分野1</.exec((await get(portal.port, '/peers', probe, cookie)).body)?.[1];
    for (const [name, pathname] of [
      ['municipality home (recommendations)', '/'],
      ['peers, no filter, page 1', '/peers'],
      ['peers, prefecture + neighbours', '/peers?prefecture=13&near=1'],
      ['peers, top genre filter', `/peers?genre=${topGenre}`],
    ] as const) {
      const body = (await get(portal.port, pathname, probe, cookie)).body;
      const hits = Number(/data-peer-count="(\d+)"/.exec(body)?.[1] ?? (body.match(/data-recommended/g) ?? []).length);
      const latency = await sequentialLatency(portal.port, pathname, SEQUENTIAL, cookie);
      const rps = await throughput(portal.port, pathname, cookie);
      rows.push({
        page: name, hits, 'p50 ms': latency.p50.toFixed(2), 'p95 ms': `${latency.p95.toFixed(2)}${latency.p95 < TARGET_P95_MS ? '' : ' ✗'}`,
        'p99 ms': latency.p99.toFixed(2), 'req/s @8': Math.round(rps), 'vs bare': (rps / bareRps).toFixed(2),
      });
    }
    // The secretariat's lists at 1,821 organisations and accounts, and the review queue over every
    // entry (the bench's entries are all unreviewed): issue 16.
    const adminCookie = await login(portal.port, 'bench-admin', password);
    for (const [name, pathname] of [
      ['admin: organisations, page 1', '/admin/orgs'],
      ['admin: organisations, name search', `/admin/orgs?q=${encodeURIComponent('ベンチ市17')}`],
      ['admin: organisations, last page', '/admin/orgs?page=61'],
      ['admin: accounts, page 1 (form: 1,821 orgs)', '/admin/users'],
      ['admin: accounts, login ID search', '/admin/users?q=bench-city17'],
      ['admin: accounts, last login sort', '/admin/users?sort=last_login&page=30'],
      ['admin: review queue, page 1', '/admin/review'],
      ['admin: review queue, deep', '/admin/review?page=3000'],
    ] as const) {
      const body = (await get(portal.port, pathname, probe, adminCookie)).body;
      const hits = Number(/data-hit-count="(\d+)"/.exec(body)?.[1] ?? 0);
      const latency = await sequentialLatency(portal.port, pathname, SEQUENTIAL, adminCookie);
      const rps = await throughput(portal.port, pathname, adminCookie);
      rows.push({
        page: name, hits, 'p50 ms': latency.p50.toFixed(2), 'p95 ms': `${latency.p95.toFixed(2)}${latency.p95 < TARGET_P95_MS ? '' : ' ✗'}`,
        'p99 ms': latency.p99.toFixed(2), 'req/s @8': Math.round(rps), 'vs bare': (rps / bareRps).toFixed(2),
      });
    }
    // A write makes the next search rebuild the index (search_generation moved): what does that cost?
    const writer = openDatabase(dbPath);
    const afterWrite: number[] = [];
    const pathname = '/search/results';
    for (let i = 0; i < 7; i++) {
      writer.prepare('UPDATE entries SET updated_at = ? WHERE id = ?').run(new Date(Date.now() + i).toISOString(), 1 + i);
      afterWrite.push((await get(portal.port, pathname, probe)).ms);
    }
    writer.close();
    afterWrite.sort((a, b) => a - b);
    probe.destroy();
    console.table(rows);
    console.log(`first results page after a write (index rebuild included): median ${afterWrite[3]!.toFixed(1)} ms, max ${afterWrite[6]!.toFixed(1)} ms over 7 writes`);
    console.log(`portal RSS after the run: ${rssMb(portal.child.pid!).toFixed(0)} MB; target: results-page p95 < ${TARGET_P95_MS} ms (✗ marks a miss)`);
    await searchesWhileWriting(portal.port, dbPath, baseline);
    await searchesWhileReadingPdf(portal, dbPath, baseline);
    await usageFigures(portal, dir, dbPath, password);
    portal.child.kill();
    // Issue 19: the real server with one process and with a worker per core, bytes on the wire, RSS.
    await clusterFigures({ dbPath, password, bareRps, seconds: SECONDS, paths: realServerPaths(dbPath) });
  } finally {
    portal.child.kill();
    bare.child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (SCALE_ENTRIES > 0) await atScale(baseline);
}

/**
 * The real server (dist/server.js, one worker per core) on the larger database: how long it takes to
 * listen and each worker's RSS after the compared searches have run on it (issue 19: under 8 s, and
 * under 700 MB a worker).
 */
async function realServerAtScale(dbPath: string, baseline: Map<string, { pathname: Path; p95: number }>) {
  const cores = os.availableParallelism();
  const real = await startReal(dbPath, cores);
  try {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    for (const name of COMPARED) {
      const { pathname } = baseline.get(name)!;
      await Promise.all(Array.from({ length: 100 }, (_, i) => get(real.port, pathAt(pathname, i), agent)));
    }
    agent.destroy();
    const workers = childrenOf(real.pid).map((pid) => `${rss(pid).toFixed(0)} MB`);
    console.log(`real server at ${SCALE_ENTRIES.toLocaleString()} entries, ${cores} workers: listening after ${real.startSeconds.toFixed(1)} s${real.startSeconds < 8 ? '' : ' ✗'}; ` +
      `RSS per worker after 100 of each compared search: ${workers.join(', ')} (primary ${rss(real.pid).toFixed(0)} MB)`);
  } finally {
    real.stop();
    await real.exited;
  }
}

/** The pages measured on the real server (issue 19): the search form, two results pages, a detail page. */
function realServerPaths(dbPath: string): Record<string, string> {
  const db = openDatabase(dbPath);
  const top = db.prepare<[], number>(`SELECT id FROM genres WHERE name = '分野1'`).pluck().get();
  const detail = db.prepare<[], number>('SELECT id FROM entries ORDER BY id LIMIT 1').pluck().get();
  db.close();
  return { 'search form': '/search', 'results page (252 genres)': '/search/results', 'results, 1 top genre': `/search/results?genre=${top}`, 'detail page': `/entries/${detail}` };
}

/** The searches compared while registrations run and at the larger scale. */
const COMPARED = [
  'nothing selected, page 1', '1 top genre, page 1', '1 top genre, deep', '3 genres mixed levels + 2 types, page 1',
  '1 top genre + keyword (3+ chars)', 'keyword (2 chars), page 1', 'keyword (2 chars), a new one each request', 'keyword (3 chars), a new one each request',
];

/**
 * Registrations from a second process (20 a second, each a real insert with genres and keyword
 * index) while the results page is searched: each search first applies the new entries to the index,
 * so this is what a write costs the searches running beside it.
 */
async function searchesWhileWriting(port: number, dbPath: string, baseline: Map<string, { pathname: Path; p95: number }>) {
  const writer = await spawnScript('bench/writer.ts', [dbPath, '50'], /WRITING/);
  const started = Date.now();
  const rows: Record<string, string>[] = [];
  try {
    for (const name of COMPARED.slice(0, 4)) {
      const { pathname, p95 } = baseline.get(name)!;
      const latency = await sequentialLatency(port, pathname, SEQUENTIAL);
      rows.push({ search: name, 'p95 ms, no writes': p95.toFixed(2), 'p95 ms, 20 writes/s': `${latency.p95.toFixed(2)}${latency.p95 < TARGET_P95_MS ? '' : ' ✗'}`, 'p99 ms, 20 writes/s': latency.p99.toFixed(2) });
    }
  } finally {
    writer.child.kill('SIGTERM');
    await new Promise((resolve) => writer.child.once('exit', resolve));
  }
  const wrote = Number(/WROTE (\d+)/.exec(writer.output())?.[1] ?? 0);
  console.log(`\nsearches while another process registers entries (${wrote} registrations in ${((Date.now() - started) / 1000).toFixed(1)} s):`);
  console.table(rows);
}

/**
 * Issue 20.3: a 10 MB PDF (PDF_PAGES pages, just under the upload limit) uploaded, and its text read by the background job (in the
 * server's process, in its worker thread) while searches run one after another: their p95 over the
 * time the job took, beside the same searches without it.
 */
const PDF_PAGES = 2_600;

async function searchesWhileReadingPdf(portal: Server, dbPath: string, baseline: Map<string, { pathname: Path; p95: number }>) {
  const uploadDir = path.join(path.dirname(dbPath), 'uploads');
  fs.mkdirSync(uploadDir, { recursive: true });
  const pdf = latinPdf(Array.from({ length: PDF_PAGES }, (_, page) => Array.from({ length: 30 }, (_, line) => `Page ${page + 1}, line ${line + 1}: evacuation shelter guidance and disaster prevention ${'-'.repeat(24)}`)));
  const rows: Record<string, string>[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  for (const name of COMPARED.slice(0, 3)) {
    const db = openDatabase(dbPath);
    const entryId = db.prepare<[], number>('SELECT max(id) FROM entries').pluck().get()!;
    const storedName = `bench-large-${rows.length}.pdf`;
    fs.writeFileSync(path.join(uploadDir, storedName), pdf);
    db.prepare('DELETE FROM attachments WHERE entry_id = ?').run(entryId);
    db.prepare(`INSERT INTO attachments (entry_id, stored_name, original_name, size, sha256, created_at) VALUES (?, ?, 'large.pdf', ?, ?, ?)`)
      .run(entryId, storedName, pdf.length, '0'.repeat(64), new Date().toISOString());
    db.close();
    const { pathname, p95 } = baseline.get(name)!;
    let done: string | undefined;
    const finished = new Promise<void>((resolve) => {
      const onData = (chunk: Buffer) => {
        const match = /EXTRACTED (\d+) (\d+)/.exec(chunk.toString());
        if (!match) return;
        done = `${match[1]} read in ${match[2]} ms`;
        portal.child.stdout!.off('data', onData);
        resolve();
      };
      portal.child.stdout!.on('data', onData);
    });
    portal.child.kill('SIGUSR2');
    const times: number[] = [];
    for (let i = 0; done === undefined; i++) times.push((await get(portal.port, pathAt(pathname, i), agent)).ms);
    await finished;
    times.sort((a, b) => a - b);
    const during = times[Math.min(times.length - 1, Math.floor(0.95 * times.length))]!;
    rows.push({ search: name, 'p95 ms, no PDF': p95.toFixed(2), 'p95 ms, reading the PDF': `${during.toFixed(2)}${during < TARGET_P95_MS ? '' : ' ✗'}`, requests: String(times.length), job: done });
  }
  agent.destroy();
  console.log(`\nsearches while the text of a ${(pdf.length / 1e6).toFixed(1)} MB PDF (${PDF_PAGES.toLocaleString()} pages) is read:`);
  console.table(rows);
}

/** The same searches at SCALE_ENTRIES (1,000,000 unless BENCH_SCALE says otherwise): p95 must stay within 3× of the first run. */
async function atScale(baseline: Map<string, { pathname: Path; p95: number }>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-bench-scale-'));
  const dbPath = path.join(dir, 'bench.db');
  try {
    const t0 = Date.now();
    await generate(dbPath, SCALE_ENTRIES);
    console.log(`\nscale: ${SCALE_ENTRIES.toLocaleString()} entries (${((Date.now() - t0) / 1000).toFixed(0)} s to build)`);
    const started = Date.now();
    const portal = await serve(['portal', dbPath]);
    console.log(`portal started in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const rows: Record<string, string | number>[] = [];
    try {
      const probe = new http.Agent({ keepAlive: true });
      for (const name of COMPARED) {
        const base = baseline.get(name)!;
        let pathname = base.pathname;
        if (name.includes('deep') && typeof pathname === 'string') {
          // The last page at this scale, found the same way as in the first run.
          const query = pathname.replace(/([?&])page=\d+/, '$1').replace(/[?&]$/, '');
          const first = await get(portal.port, query, probe);
          const hits = Number(/data-hit-count="(\d+)"/.exec(first.body)?.[1] ?? 0);
          pathname = `${query}${query.includes('?') ? '&' : '?'}page=${Math.max(1, Math.ceil(hits / 30))}`;
        }
        const hits = Number(/data-hit-count="(\d+)"/.exec((await get(portal.port, pathAt(pathname, 0), probe)).body)?.[1] ?? 0);
        const latency = await sequentialLatency(portal.port, pathname, Math.min(SEQUENTIAL, 300));
        const ratio = latency.p95 / base.p95;
        rows.push({
          search: name, hits, [`p95 ms @${ENTRIES / 1000}k`]: base.p95.toFixed(2),
          [`p95 ms @${SCALE_ENTRIES / 1000}k`]: `${latency.p95.toFixed(2)}${latency.p95 < TARGET_P95_MS ? '' : ' ✗'}`, ratio: `${ratio.toFixed(2)}${ratio <= 3 ? '' : ' ✗'}`,
        });
      }
      probe.destroy();
      console.table(rows);
      console.log(`portal RSS at ${SCALE_ENTRIES.toLocaleString()} entries: ${rssMb(portal.child.pid!).toFixed(0)} MB; target: p95 within 3× of the ${ENTRIES.toLocaleString()}-entry run and under ${TARGET_P95_MS} ms (✗ marks a miss)`);
    } finally {
      portal.child.kill();
    }
    await realServerAtScale(dbPath, baseline);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
