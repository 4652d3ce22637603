import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.js';
import { outboxRepository } from '../../src/mail/outbox.repository.js';
import { mailSender } from '../../src/mail/sender.js';
import { createEntry, createUser, PASSWORD } from '../helpers/factories.js';
import { $, csrfFrom, loggedInAgent } from '../helpers/http.js';
import { until } from '../helpers/wait.js';
import { createTestPortal, portalOn, PUBLIC_URL } from '../helpers/portal.js';
import { startSmtpServer } from '../helpers/smtp.js';

const DAY = 24 * 60 * 60_000;

/**
 * A vendor's web site on loopback: /ok answers 200, /missing 404, /head-refused refuses HEAD (405) but
 * serves GET, /r1 → /r2 → /final redirects twice, /loop redirects to itself, /hang never answers.
 * Every request it sees is recorded.
 */
async function startSite(host: '127.0.0.1' | '::1' = '127.0.0.1') {
  const seen: string[] = [];
  let missingFixed = false;
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const base = `http://${host === '::1' ? '[::1]' : host}:${(server.address() as AddressInfo).port}`;
    switch (req.url) {
      case '/ok': case '/final': return void res.writeHead(200).end('ok');
      case '/missing': return void res.writeHead(missingFixed ? 200 : 404).end();
      case '/head-refused': return void res.writeHead(req.method === 'HEAD' ? 405 : 200).end();
      case '/r1': return void res.writeHead(301, { location: '/r2' }).end();
      case '/r2': return void res.writeHead(302, { location: `${base}/final` }).end();
      case '/loop': return void res.writeHead(302, { location: '/loop' }).end();
      case '/hang': return; // never answers
      default: return void res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path: string) => `http://${host === '::1' ? '[::1]' : host}:${port}${path}`,
    seen,
    fixMissing: () => void (missingFixed = true),
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const sites: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(sites.splice(0).map((s) => s.close()));
});

const stored = (db: Db, entryId: number) =>
  db.prepare('SELECT state, http_status AS httpStatus, final_url AS finalUrl, failures, detail, reported_at AS reportedAt FROM link_checks WHERE entry_id = ?').get(entryId) as
    { state: string; httpStatus: number | null; finalUrl: string; failures: number; detail: string; reportedAt: string | null } | undefined;

const allowLoopback = (db: Db) => db.prepare(`UPDATE settings SET value = '1' WHERE key = 'link_check_allow_private'`).run();

describe('the link checker', () => {
  it('stores what each link answered: 200, 404, a refused HEAD, a redirect chain, a redirect loop and a server that never answers', async () => {
    const site = await startSite();
    sites.push(site);
    const { db } = createTestPortal();
    allowLoopback(db);
    const { jobs } = portalOn(db, { linkCheck: { timeoutMs: 300, perHostIntervalMs: 0 } });
    const vendor = createUser(db, 'vendor');
    const entry = (path: string) => createEntry(db, vendor, { url: site.url(path) });
    const [ok, missing, headRefused, chain, loop, hang] = ['/ok', '/missing', '/head-refused', '/r1', '/loop', '/hang'].map(entry);
    createEntry(db, vendor, {}); // no URL: nothing to check

    const summary = await jobs.linkChecks.run();

    expect(summary.checked).toBe(6);
    expect(stored(db, ok!)).toMatchObject({ state: 'ok', httpStatus: 200, finalUrl: site.url('/ok'), failures: 0 });
    expect(stored(db, missing!)).toMatchObject({ state: 'broken', httpStatus: 404, failures: 1, detail: 'HTTP 404' });
    expect(stored(db, headRefused!)).toMatchObject({ state: 'ok', httpStatus: 200, failures: 0 });
    expect(site.seen.filter((r) => r.endsWith('/head-refused'))).toEqual(['HEAD /head-refused', 'GET /head-refused']);
    expect(site.seen.filter((r) => r.endsWith('/missing'))).toEqual(['HEAD /missing', 'GET /missing']); // broken only once GET fails too
    expect(stored(db, chain!)).toMatchObject({ state: 'ok', httpStatus: 200, finalUrl: site.url('/final'), failures: 0 });
    expect(stored(db, loop!)).toMatchObject({ state: 'broken', httpStatus: 302, failures: 1 });
    expect(site.seen.filter((r) => r === 'HEAD /loop')).toHaveLength(6); // the first request and five redirects
    // The timeout holds: the run ended although /hang never answered.
    expect(stored(db, hang!)).toMatchObject({ state: 'unreachable', httpStatus: null, failures: 1, detail: '0.3秒以内に応答がありません' });
  });

  it('with the default setting, requests nothing on 127.0.0.1 or ::1 and marks those links refused', async () => {
    const [v4, v6] = await Promise.all([startSite('127.0.0.1'), startSite('::1')]);
    sites.push(v4, v6);
    const { db } = createTestPortal();
    const { jobs } = portalOn(db, { linkCheck: { timeoutMs: 300, perHostIntervalMs: 0 } });
    const vendor = createUser(db, 'vendor');
    const ids = [v4.url('/ok'), v6.url('/ok'), v4.url('/r1'), `http://localhost:${new URL(v4.url('/')).port}/ok`]
      .map((url) => createEntry(db, vendor, { url }));

    await jobs.linkChecks.run();

    expect(v4.seen).toEqual([]);
    expect(v6.seen).toEqual([]);
    for (const id of ids) expect(stored(db, id)).toMatchObject({ state: 'refused', failures: 0 });
    expect(stored(db, ids[1]!)!.detail).toContain('loopback');
  });

  it('two strikes: a link failing twice in a row is mailed to its organisation, one digest per organisation, once, to a real SMTP server', async () => {
    const smtp = await startSmtpServer();
    const site = await startSite();
    sites.push(site);
    try {
      const { app, db, clock } = createTestPortal();
      allowLoopback(db);
      const { jobs } = portalOn(db, { clock, linkCheck: { timeoutMs: 300, perHostIntervalMs: 0 } });
      const mailer = mailSender({ smtpUrl: smtp.url, from: 'noreply@applic.example.jp', outbox: outboxRepository(db), clock, logger: pino({ level: 'silent' }) });
      const alpha = createUser(db, 'vendor', { email: 'web@alpha.example.jp' });
      createUser(db, 'vendor', { organisationId: alpha.organisationId, email: 'sales@alpha.example.jp' });
      const beta = createUser(db, 'vendor', { email: 'info@beta.example.jp' });
      const alphaMissing = createEntry(db, alpha, { title: 'アルファ防災アプリ', url: site.url('/missing') });
      const alphaHang = createEntry(db, alpha, { title: 'アルファ見守りサービス', url: site.url('/hang') });
      const alphaOk = createEntry(db, alpha, { title: 'アルファ窓口システム', url: site.url('/ok') });
      const betaMissing = createEntry(db, beta, { title: 'ベータ観光案内', url: site.url('/missing') });

      await jobs.linkChecks.run();
      expect(outboxRepository(db).unsentCount()).toBe(0); // one failure is not enough
      clock.advance(DAY / 2);
      expect((await jobs.linkChecks.run()).checked).toBe(0); // a failing link waits a day for its second check
      clock.advance(DAY / 2 + 1);
      const second = await jobs.linkChecks.run();
      expect(second).toMatchObject({ checked: 3, digests: 2 }); // the working link waits its week
      expect(stored(db, alphaMissing)!.failures).toBe(2);

      await mailer.deliverDue();
      expect(smtp.messages).toHaveLength(2);
      const toAlpha = smtp.messages.find((m) => m.text!.includes('アルファ'))!;
      const toBeta = smtp.messages.find((m) => m.text!.includes('ベータ'))!;
      expect(toAlpha.to && !Array.isArray(toAlpha.to) ? toAlpha.to.text : '').toBe('web@alpha.example.jp, sales@alpha.example.jp');
      expect(toAlpha.subject).toBe('【ＡＰＰＬＩＣ マッチングポータル】掲載情報のリンク切れ（2件）のお知らせ');
      expect([...toAlpha.text!.matchAll(/\/my\/entries\/(\d+)\/edit/g)].map((m) => Number(m[1])).sort()).toEqual([alphaMissing, alphaHang].sort());
      expect(toAlpha.text).toContain(`修正: ${PUBLIC_URL}/my/entries/${alphaHang}/edit`); // absolute: a mail is read outside the portal
      expect(toAlpha.text).not.toContain('アルファ窓口システム');
      expect(toAlpha.text).not.toContain('ベータ');
      expect([...toBeta.text!.matchAll(/\/my\/entries\/(\d+)\/edit/g)].map((m) => Number(m[1]))).toEqual([betaMissing]);

      // A third failure is not mailed again.
      clock.advance(DAY + 1);
      expect((await jobs.linkChecks.run()).digests).toBe(0);

      // Listed for the secretariat and for the owner, and quietly shown to readers.
      const admin = createUser(db, 'secretariat');
      const secretariat = await loggedInAgent(app, admin.loginId, PASSWORD);
      const dashboard = $((await secretariat.get('/admin')).text);
      expect(dashboard('[data-broken-link]').map((_, el) => Number(dashboard(el).attr('data-broken-link'))).get().sort()).toEqual([alphaMissing, alphaHang, betaMissing].sort());
      const page = $((await secretariat.get('/admin/freshness')).text);
      expect(page('[data-last-run]').text()).toContain('定期確認、3件：つながった 0件、エラー応答 2件、応答なし 1件、確認対象外 0件。登録団体へのお知らせ 0通');
      expect(page(`[data-broken-link="${alphaHang}"]`).text()).toContain('0.3秒以内に応答がありません');
      expect(page(`[data-broken-link="${alphaHang}"]`).text()).toContain('通知済み');
      const owner = await loggedInAgent(app, alpha.loginId, PASSWORD);
      const own = $((await owner.get('/my/entries')).text);
      expect(own(`[data-entry-id="${alphaMissing}"] [data-freshness="link-broken"]`).length).toBe(1);
      expect(own(`[data-entry-id="${alphaOk}"] [data-freshness="link-broken"]`).length).toBe(0);
      expect(own('[data-attention]').attr('data-attention')).toBe('2 0');
      const city = createUser(db, 'municipality');
      const reader = await loggedInAgent(app, city.loginId, PASSWORD);
      expect($((await reader.get(`/entries/${alphaMissing}`)).text)('[data-freshness="link-broken"]').text()).toContain('続けてつながりませんでした');
      expect($((await reader.get(`/entries/${alphaOk}`)).text)('[data-freshness]').length).toBe(0);

      // Fixed: the next check clears it, and a later breakage would be reported afresh.
      site.fixMissing();
      clock.advance(DAY + 1);
      await jobs.linkChecks.run();
      expect(stored(db, alphaMissing)).toMatchObject({ state: 'ok', failures: 0, reportedAt: null });
    } finally {
      await smtp.close();
    }
  });

  it('on demand from /admin: every link is checked in the background, the request audited; others get 403', async () => {
    const site = await startSite();
    sites.push(site);
    const { app, db } = createTestPortal({ linkCheck: { timeoutMs: 300, perHostIntervalMs: 0 } });
    allowLoopback(db);
    const vendor = createUser(db, 'vendor');
    const ok = createEntry(db, vendor, { url: site.url('/ok') });
    const missing = createEntry(db, vendor, { url: site.url('/missing') });
    const adminUser = createUser(db, 'secretariat');
    const admin = await loggedInAgent(app, adminUser.loginId, PASSWORD);
    const token = csrfFrom((await admin.get('/admin')).text, '/admin/freshness/check');
    const res = await admin.post('/admin/freshness/check').type('form').send({ _csrf: token });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/freshness?started=1');
    await until(() => stored(db, missing) !== undefined && stored(db, ok) !== undefined);
    expect(stored(db, ok)!.state).toBe('ok');
    expect(stored(db, missing)!.state).toBe('broken');
    expect(db.prepare(`SELECT user_id FROM audit_log WHERE action = 'freshness.check'`).pluck().all()).toEqual([adminUser.id]);
    const owner = await loggedInAgent(app, vendor.loginId, PASSWORD);
    expect((await owner.post('/admin/freshness/check').type('form').send({ _csrf: csrfFrom((await owner.get('/my/entries')).text, '/logout') })).status).toBe(403);
  });

  it('two failures within the hour are one strike (a second process, or “check now” after the hourly run); a digest is never sent twice', async () => {
    const site = await startSite();
    sites.push(site);
    const { db, clock } = createTestPortal();
    allowLoopback(db);
    const first = portalOn(db, { clock, linkCheck: { timeoutMs: 300, perHostIntervalMs: 0 } }).jobs;
    const second = portalOn(db, { clock, linkCheck: { timeoutMs: 300, perHostIntervalMs: 0 } }).jobs; // another process on the same file
    const vendor = createUser(db, 'vendor', { email: 'web@vendor.example.jp' });
    const id = createEntry(db, vendor, { url: site.url('/missing') });
    await first.linkChecks.run();
    clock.advance(30 * 60_000);
    await second.linkChecks.run({ all: true });
    expect(stored(db, id)!.failures).toBe(1);
    clock.advance(DAY + 1);
    await Promise.all([first.linkChecks.run(), second.linkChecks.run()]);
    expect(stored(db, id)!.failures).toBe(2);
    expect(db.prepare(`SELECT count(*) FROM mail_outbox WHERE kind = 'freshness.broken-links'`).pluck().get()).toBe(1);
  });

  it('when nothing on three or more hosts answers, the server’s own network is suspected: no strike, no mail, a warning for the secretariat', async () => {
    // Ports nobody listens on, on three loopback hosts: every connection is refused, as when the
    // server cannot get out at all.
    const closedPort = await new Promise<number>((resolve) => {
      const probe = http.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const { app, db, clock } = createTestPortal({ linkCheck: { timeoutMs: 300, perHostIntervalMs: 0 } });
    allowLoopback(db);
    const { jobs } = portalOn(db, { clock, linkCheck: { timeoutMs: 300, perHostIntervalMs: 0 } });
    const vendor = createUser(db, 'vendor', { email: 'web@vendor.example.jp' });
    const ids = ['127.0.0.1', '127.0.0.2', '[::1]'].map((host) => createEntry(db, vendor, { url: `http://${host}:${closedPort}/` }));
    for (let day = 0; day < 3; day++) {
      const summary = await jobs.linkChecks.run();
      expect(summary).toMatchObject({ checked: 3, networkDown: true, digests: 0 });
      clock.advance(DAY + 1);
    }
    for (const id of ids) expect(stored(db, id)).toBeUndefined();
    expect(outboxRepository(db).unsentCount()).toBe(0);
    const admin = await loggedInAgent(app, createUser(db, 'secretariat').loginId, PASSWORD);
    expect($((await admin.get('/admin/freshness')).text)('[data-network-down]').text()).toContain('どのリンクにも接続できませんでした');
  });

  it('an edited URL starts over: the old address’s failures do not count against the new one', async () => {
    const site = await startSite();
    sites.push(site);
    const { db, clock } = createTestPortal();
    allowLoopback(db);
    const { jobs } = portalOn(db, { clock, linkCheck: { timeoutMs: 300, perHostIntervalMs: 0 } });
    const vendor = createUser(db, 'vendor', { email: 'web@vendor.example.jp' });
    const id = createEntry(db, vendor, { url: site.url('/missing') });
    await jobs.linkChecks.run();
    expect(stored(db, id)!.failures).toBe(1);
    db.prepare('UPDATE entries SET url = ? WHERE id = ?').run(site.url('/loop'), id);
    // The old address's check is gone with the edit (migration 0016), so no page can show it.
    expect(stored(db, id)).toBeUndefined();
    await jobs.linkChecks.run(); // due at once: its URL changed
    expect(stored(db, id)).toMatchObject({ state: 'broken', failures: 1 });
    expect(outboxRepository(db).unsentCount()).toBe(0);
  });
});
