import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxRepository } from '../../src/mail/outbox.repository.js';
import { mailSender } from '../../src/mail/sender.js';
import { clientFrom, serveOnLoopback } from '../helpers/address-client.js';
import { hiddenFields } from '../helpers/entry-form.js';
import { createEntry, createGenre, createUser, PASSWORD } from '../helpers/factories.js';
import { $ } from '../helpers/http.js';
import { createTestPortal, portalOn, testClock } from '../helpers/portal.js';
import { startSmtpServer } from '../helpers/smtp.js';
import { until } from '../helpers/wait.js';

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
beforeAll(async () => void (smtp = await startSmtpServer()));
afterAll(async () => smtp?.close());


async function setup(policy: 'notify' | 'deny' = 'notify') {
  const { db, uploadDir } = createTestPortal();
  const clock = testClock();
  const mailer = mailSender({ smtpUrl: smtp.url, from: 'noreply@example.jp', outbox: outboxRepository(db), clock, logger: pino({ level: 'silent' }) });
  const { app, jobs } = portalOn(db, { uploadDir, clock, mailer });
  db.prepare(`UPDATE settings SET value = ? WHERE key = 'outside_range_policy'`).run(policy);
  const vendor = createUser(db, 'vendor');
  db.prepare(`INSERT INTO organisation_ip_ranges (organisation_id, cidr) VALUES (?, '127.0.0.2/32')`).run(vendor.organisationId);
  const server = await serveOnLoopback(app);
  smtp.messages.length = 0;
  return { db, vendor, server, jobs, clock };
}

type Db = ReturnType<typeof createTestPortal>['db'];
const anomalies = (db: Db) => db.prepare('SELECT kind, ip FROM login_anomalies ORDER BY id').all();
const subjects = () => smtp.messages.map((m) => m.subject ?? '');

describe('login anomalies (管理者側機能 5)', () => {
  it('inside the registered range › a normal login, no anomaly, no mail', async () => {
    const { db, vendor, server } = await setup();
    expect((await clientFrom('127.0.0.2', server.port).login(vendor.loginId, PASSWORD)).status).toBe(302);
    expect(anomalies(db)).toEqual([]);
    expect(db.prepare('SELECT ip FROM login_events').pluck().get()).toMatch(/127\.0\.0\.2$/);
    await server.close();
  });

  it('outside the range under notify › login succeeds, outside-range anomaly and a mail; an edit in that session mails its diff', async () => {
    const { db, vendor, server } = await setup('notify');
    const genre = createGenre(db, '防災');
    const id = createEntry(db, vendor, { title: '元のタイトル', genreIds: [genre] });
    const client = clientFrom('127.0.0.3', server.port);
    expect((await client.login(vendor.loginId, PASSWORD)).status).toBe(302);
    expect(anomalies(db)).toEqual([{ kind: 'outside-range', ip: '127.0.0.3' }]);
    await until(() => subjects().some((s) => s.includes('登録外のIPアドレスからのログインがありました')));

    const form = await client.get(`/my/entries/${id}/edit`);
    const csrf = $(form.text)('form[enctype] input[name="_csrf"]').val() as string;
    const version = $(form.text)('form[enctype] input[name="version"]').val() as string;
    const confirm = await client.postMultipart(`/my/entries/${id}/confirm`, {
      _csrf: csrf, version, type: '1', title: '変更後のタイトル', summary: 'テスト用の製品です。', genre: String(genre),
      contact_company: 'テスト株式会社', contact_name: '担当', contact_phone: '03-0000-0000', contact_email: 'a@example.jp', agree_terms: '1',
    });
    expect(confirm.text).toContain('登録してよいですか？');
    const saved = await client.post(`/my/entries/${id}`, hiddenFields(confirm.text, `/my/entries/${id}`));
    expect(saved.text).toContain('登録しました。');
    await until(() => subjects().some((s) => s.includes('登録外IPアドレスのセッションでの変更')));
    const diffMail = smtp.messages.find((m) => m.subject?.includes('登録外IPアドレスのセッションでの変更'))!;
    expect(diffMail.text).toContain('・タイトル：元のタイトル → 変更後のタイトル');
    expect(diffMail.text).toContain('操作: 変更');
    expect(diffMail.to && 'text' in diffMail.to ? diffMail.to.text : '').toContain('secretariat@applic.example.jp');
    await server.close();
  });

  it('a secretariat session from outside its range under notify › creating an account and changing the policy are mailed with their diffs (issue 15.7)', async () => {
    const { db, server } = await setup('notify');
    const admin = createUser(db, 'secretariat');
    db.prepare(`INSERT INTO organisation_ip_ranges (organisation_id, cidr) VALUES (?, '127.0.0.2/32')`).run(admin.organisationId);
    const client = clientFrom('127.0.0.4', server.port);
    expect((await client.login(admin.loginId, PASSWORD)).status).toBe(302);
    const changeMails = () => smtp.messages.filter((m) => m.subject?.includes('登録外IPアドレスのセッションでの変更'));

    const users = await client.get('/admin/users');
    const created = await client.post('/admin/users', {
      _csrf: $(users.text)('form[action="/admin/users"] input[name="_csrf"]').val() as string,
      login_id: 'planted-admin', password: 'a-long-password-1', org_id: String(admin.organisationId), name: '不審', active: '1',
    });
    expect(created.status).toBe(303);
    await until(() => changeMails().length === 1);
    expect(changeMails()[0]!.subject).toContain(`（${admin.loginId}、アカウントID `);
    expect(changeMails()[0]!.text).toContain('・ログインID：（なし） → planted-admin');
    expect(changeMails()[0]!.text).toContain('操作: アカウントの追加');

    const security = await client.get('/admin/security');
    const policy = await client.post('/admin/security/policy', {
      _csrf: $(security.text)('form[action="/admin/security/policy"] input[name="_csrf"]').val() as string, policy: 'deny',
    });
    expect(policy.status).toBeLessThan(400);
    await until(() => changeMails().length === 2);
    expect(changeMails()[1]!.text).toContain('・登録外IPアドレスの方針：通知 → 拒否');
    await server.close();
  });

  it('outside the range under deny › 401 with the usual message, the anomaly kept and a mail', async () => {
    const { db, vendor, server } = await setup('deny');
    const res = await clientFrom('127.0.0.3', server.port).login(vendor.loginId, PASSWORD);
    expect(res.status).toBe(401);
    expect(res.text).toContain('IDまたはパスワードが正しくありません。');
    expect(anomalies(db)).toEqual([{ kind: 'outside-range', ip: '127.0.0.3' }]);
    expect(db.prepare('SELECT success, reason FROM login_events').get()).toEqual({ success: 0, reason: 'outside_range_denied' });
    await until(() => subjects().some((s) => s.includes('登録外のIPアドレスからのログインを拒否しました')));
    await server.close();
  });

  it('an organisation without ranges › no outside-range anomaly from any address', async () => {
    const { db, server } = await setup('deny');
    const city = createUser(db, 'municipality');
    expect((await clientFrom('127.0.0.9', server.port).login(city.loginId, PASSWORD)).status).toBe(302);
    expect(anomalies(db)).toEqual([]);
    await server.close();
  });

  it('two organisations’ IDs from one address › one shared-ip anomaly, mailed in one hourly digest with the count; colleagues alone raise none', async () => {
    const { db, server, jobs, clock } = await setup();
    const a = createUser(db, 'municipality');
    const colleague = createUser(db, 'municipality', { organisationId: a.organisationId });
    const b = createUser(db, 'vendor');
    const from = (user: { loginId: string }) => clientFrom('127.0.0.5', server.port).login(user.loginId, PASSWORD);
    await from(a);
    await from(colleague);
    expect(anomalies(db)).toEqual([]);
    await from(b);
    await from(a);
    expect(anomalies(db)).toEqual([{ kind: 'shared-ip', ip: '127.0.0.5' }]);
    // Nothing is mailed per login: the hourly digest says it once, with the count.
    await new Promise((r) => setTimeout(r, 100));
    expect(subjects().filter((s) => s.includes('同じIPアドレスから'))).toHaveLength(0);
    expect(jobs.sharedIpDigest.run()).toBe(1);
    await until(() => subjects().some((s) => s.includes('同じIPアドレスから複数の団体のIDでログイン（1件のIPアドレス）')));
    const digest = smtp.messages.find((m) => (m.subject ?? '').includes('同じIPアドレスから'))!;
    expect(digest.text).toContain('127.0.0.5：2団体のIDで4回');
    expect(digest.text).toContain([a.loginId, b.loginId, colleague.loginId].sort().join('、'));
    // Within the hour, and after it with nothing new, no second digest.
    await from(b);
    expect(jobs.sharedIpDigest.run()).toBe(0);
    clock.advance(61 * 60_000);
    expect(jobs.sharedIpDigest.run()).toBe(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(subjects().filter((s) => s.includes('同じIPアドレスから'))).toHaveLength(1);
    await server.close();
  });

  it('X-Forwarded-For is not believed without TRUST_PROXY', async () => {
    const { db, vendor, server } = await setup('deny');
    // The forged header claims the registered address; the socket's address decides.
    const client = clientFrom('127.0.0.3', server.port, { 'X-Forwarded-For': '127.0.0.2' });
    expect((await client.login(vendor.loginId, PASSWORD)).status).toBe(401);
    expect(anomalies(db)).toEqual([{ kind: 'outside-range', ip: '127.0.0.3' }]);
    await server.close();
  });
});
