import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxRepository } from '../../src/mail/outbox.repository.js';
import { mailSender } from '../../src/mail/sender.js';
import { adminAgent } from '../admin/helpers.js';
import { clientFrom, serveOnLoopback } from '../helpers/address-client.js';
import { createUser, PASSWORD } from '../helpers/factories.js';
import { $ } from '../helpers/http.js';
import { createTestPortal, portalOn, testClock } from '../helpers/portal.js';
import { startSmtpServer } from '../helpers/smtp.js';
import { until } from '../helpers/wait.js';

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
beforeAll(async () => void (smtp = await startSmtpServer()));
afterAll(async () => smtp?.close());

/** A portal on loopback with a real SMTP server, and a secretariat agent for its screens. */
async function setup() {
  const { db, uploadDir } = createTestPortal();
  const clock = testClock();
  const mailer = mailSender({ smtpUrl: smtp.url, from: 'noreply@example.jp', outbox: outboxRepository(db), clock, logger: pino({ level: 'silent' }) });
  const { app, jobs } = portalOn(db, { uploadDir, clock, mailer });
  const server = await serveOnLoopback(app);
  const admin = await adminAgent({ app, db });
  smtp.messages.length = 0;
  const cities = [createUser(db, 'municipality'), createUser(db, 'municipality'), createUser(db, 'municipality')];
  const loginAll = async (address: string) => {
    for (const city of cities) expect((await clientFrom(address, server.port).login(city.loginId, PASSWORD)).status).toBe(302);
  };
  return { db, server, jobs, clock, admin, cities, loginAll };
}

type Db = ReturnType<typeof createTestPortal>['db'];
const anomalies = (db: Db) => db.prepare('SELECT kind, ip FROM login_anomalies ORDER BY id').all();
const digests = () => smtp.messages.filter((m) => (m.subject ?? '').includes('同じIPアドレスから複数の団体のIDでログイン'));

describe('shared egress ranges: a prefecture’s security cloud is not an alarm (issue 16.6)', () => {
  it('three municipalities through a registered range › recorded in the log, no anomaly, no digest', async () => {
    const { db, server, jobs, admin, loginAll } = await setup();
    const saved = await admin.post('/admin/security/shared-ranges', '/admin/security/shared-ranges', {
      name: '〇〇県自治体情報セキュリティクラウド', ip_ranges: '127.0.0.16/30\n2001:DB8:0:0::/64', note: '県の情報政策課に確認済み',
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/admin/security/shared-ranges?done=shared-range-created');
    const list = await admin.agent.get(saved.headers.location!);
    expect($(list.text)('.notice').text()).toContain('共用の出口IPアドレスを登録しました');
    expect($(list.text)('[data-shared-range-id]').text()).toContain('127.0.0.16/30、2001:db8::/64');

    await loginAll('127.0.0.17');
    expect(db.prepare(`SELECT count(*) FROM login_events WHERE ip LIKE '%127.0.0.17' AND success = 1`).pluck().get()).toBe(3);
    expect(anomalies(db)).toEqual([]);
    expect(jobs.sharedIpDigest.run()).toBe(0);
    const log = await admin.agent.get('/admin/security?ip=127.0.0.17');
    expect($(log.text)('[data-login-event]').first().text()).toContain('共用：〇〇県自治体情報セキュリティクラウド');
    await new Promise((r) => setTimeout(r, 100));
    expect(digests()).toHaveLength(0);
    await server.close();
  });

  it('three municipalities through an unregistered address › one anomaly and one digest with the count, to a real SMTP server', async () => {
    const { db, server, jobs, cities, loginAll } = await setup();
    await loginAll('127.0.0.21');
    await loginAll('127.0.0.21');
    expect(anomalies(db)).toEqual([{ kind: 'shared-ip', ip: '127.0.0.21' }]);
    expect(jobs.sharedIpDigest.run()).toBe(1);
    await until(() => digests().length === 1);
    expect(digests()[0]!.to).toMatchObject({ text: 'secretariat@applic.example.jp' });
    expect(digests()[0]!.text).toContain('127.0.0.21：3団体のIDで6回');
    expect(digests()[0]!.text).toContain(cities.map((c) => c.loginId).sort().join('、'));
    expect(digests()[0]!.text).toContain('/admin/security/shared-ranges');
    await server.close();
  });

  it('the outside-range rule is kept: a city with its own ranges, through the shared range, is still an outside-range login', async () => {
    const { db, server, admin, cities } = await setup();
    await admin.post('/admin/security/shared-ranges', '/admin/security/shared-ranges', { name: '共用', ip_ranges: '127.0.0.16/30', note: '' });
    db.prepare(`INSERT INTO organisation_ip_ranges (organisation_id, cidr) VALUES (?, '127.0.0.2/32')`).run(cities[0]!.organisationId);
    expect((await clientFrom('127.0.0.17', server.port).login(cities[0]!.loginId, PASSWORD)).status).toBe(302);
    expect(anomalies(db)).toEqual([{ kind: 'outside-range', ip: '127.0.0.17' }]);
    await until(() => smtp.messages.some((m) => (m.subject ?? '').includes('登録外のIPアドレスからのログインがありました')));
    await server.close();
  });

  it('bad input › 400 with a message at each field and the values kept, nothing saved; edit and delete are audited', async () => {
    const { db, server, admin } = await setup();
    const bad = await admin.post('/admin/security/shared-ranges', '/admin/security/shared-ranges', { name: '', ip_ranges: '127.0.0.16/30\n999.1.1.1', note: 'メモ' });
    expect(bad.status).toBe(400);
    expect($(bad.text)('#name-error').text()).toBe('名称を入力してください。');
    expect($(bad.text)('#ip_ranges-error').text()).toContain('2行目「999.1.1.1」');
    expect($(bad.text)('#note').text()).toBe('メモ');
    expect((await admin.post('/admin/security/shared-ranges', '/admin/security/shared-ranges', { name: '空', ip_ranges: '', note: '' })).status).toBe(400);
    expect(db.prepare('SELECT count(*) FROM shared_egress_ranges').pluck().get()).toBe(0);

    await admin.post('/admin/security/shared-ranges', '/admin/security/shared-ranges', { name: '共用A', ip_ranges: '127.0.0.16/30', note: '' });
    const id = db.prepare('SELECT id FROM shared_egress_ranges').pluck().get() as number;
    // Two saves from one reading of the form: the first is saved, the second refused (409) with the contract's message.
    const form = $((await admin.agent.get(`/admin/security/shared-ranges/${id}`)).text)(`form[action="/admin/security/shared-ranges/${id}"]`);
    const read = { _csrf: form.find('input[name="_csrf"]').val() as string, version: form.find('input[name="version"]').val() as string };
    const edited = await admin.agent.post(`/admin/security/shared-ranges/${id}`).type('form').send({ ...read, name: '共用A', ip_ranges: '127.0.0.20/30', note: '範囲を変更' });
    expect(edited.status).toBe(303);
    expect(db.prepare('SELECT cidr FROM shared_egress_cidrs WHERE range_id = ?').pluck().all(id)).toEqual(['127.0.0.20/30']);
    const stale = await admin.agent.post(`/admin/security/shared-ranges/${id}`).type('form').send({ ...read, name: '共用B', ip_ranges: '127.0.0.1', note: '' });
    expect(stale.status).toBe(409);
    expect($(stale.text)('.error-summary').text()).toContain('ほかの方が先に更新しました');
    expect($(stale.text)('#name').val()).toBe('共用B');
    expect(db.prepare('SELECT name FROM shared_egress_ranges WHERE id = ?').pluck().get(id)).toBe('共用A');
    const deleted = await admin.post(`/admin/security/shared-ranges/${id}`, `/admin/security/shared-ranges/${id}/delete`, {});
    expect(deleted.headers.location).toBe('/admin/security/shared-ranges?done=shared-range-deleted');
    expect(db.prepare('SELECT count(*) FROM shared_egress_cidrs').pluck().get()).toBe(0);
    expect(db.prepare(`SELECT action FROM audit_log WHERE target_type = 'shared_range' ORDER BY id`).pluck().all())
      .toEqual(['shared_range.create', 'shared_range.update', 'shared_range.delete']);
    expect((await admin.agent.get(`/admin/security/shared-ranges/${id}`)).status).toBe(404);
    await server.close();
  });
});
