import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxRepository } from '../../src/mail/outbox.repository.js';
import { mailSender } from '../../src/mail/sender.js';
import { attachPdf, createEntry, createUser, PASSWORD } from '../helpers/factories.js';
import { $, listedIds, loggedInAgent } from '../helpers/http.js';
import { appOn, createTestPortal, testClock } from '../helpers/portal.js';
import { startSmtpServer } from '../helpers/smtp.js';
import { until } from '../helpers/wait.js';
import { adminAgent } from './helpers.js';

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
beforeAll(async () => void (smtp = await startSmtpServer()));
afterAll(async () => smtp?.close());


/** A portal whose mail goes out to the real SMTP server of this file. */
function portalWithMail() {
  const { db, uploadDir } = createTestPortal();
  const clock = testClock();
  const mailer = mailSender({ smtpUrl: smtp.url, from: 'noreply@example.jp', outbox: outboxRepository(db), clock, logger: pino({ level: 'silent' }) });
  return { db, uploadDir, app: appOn(db, { uploadDir, clock, mailer }) };
}

describe('suspension (管理者側機能 3)', () => {
  it('suspend › hidden from municipalities at once, 公開停止中 for the owner, a mail to the owner; unsuspend › back', async () => {
    const { db, uploadDir, app } = portalWithMail();
    const vendor = createUser(db, 'vendor');
    db.prepare(`UPDATE users SET email = 'owner@vendor.example.jp' WHERE id = ?`).run(vendor.id);
    const id = createEntry(db, vendor, { title: '問題のある製品' });
    attachPdf(db, uploadDir, id);
    const city = await loggedInAgent(app, createUser(db, 'municipality').loginId, PASSWORD);
    const owner = await loggedInAgent(app, vendor.loginId, PASSWORD);
    const { post } = await adminAgent({ app, db });

    const noReason = await post(`/admin/entries/${id}`, `/admin/entries/${id}/suspend`, { reason: '' });
    expect(noReason.status).toBe(400);
    expect($(noReason.text)('#reason-error').text()).toBe('公開停止の理由を入力してください。');

    expect((await post(`/admin/entries/${id}`, `/admin/entries/${id}/suspend`, { reason: '誇大な表現があるため' })).status).toBe(303);
    expect((await city.get(`/entries/${id}`)).status).toBe(404);
    expect((await city.get(`/entries/${id}/attachment`)).status).toBe(404);
    expect(listedIds((await request(app).get('/search/results')).text)).toEqual([]);
    const ownRow = $((await owner.get('/my/entries')).text)(`[data-entry-id="${id}"]`).text();
    expect(ownRow).toContain('公開停止中');
    expect(ownRow).toContain('誇大な表現があるため');
    await until(() => smtp.messages.some((m) => m.subject?.includes('公開を停止しました')));
    const mail = smtp.messages.find((m) => m.subject?.includes('公開を停止しました'))!;
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toContain('owner@vendor.example.jp');
    expect(mail.text).toContain('誇大な表現があるため');

    expect((await post(`/admin/entries/${id}`, `/admin/entries/${id}/unsuspend`, {})).status).toBe(303);
    expect((await city.get(`/entries/${id}`)).status).toBe(200);
    expect(listedIds((await request(app).get('/search/results')).text)).toEqual([id]);
    const history = db.prepare(`SELECT action FROM audit_log WHERE target_id = ? ORDER BY id`).pluck().all(id);
    expect(history).toEqual(['entry.suspend', 'entry.unsuspend']);
  });

  it('delete and restore by the secretariat (issue 16.7) › gone from every screen, the owner mailed with the reason; restored as it was, mailed again; each audited and confirmed on the page', async () => {
    const { db, app } = portalWithMail();
    const vendor = createUser(db, 'vendor');
    db.prepare(`UPDATE users SET email = 'owner2@vendor.example.jp' WHERE id = ?`).run(vendor.id);
    const id = createEntry(db, vendor, { title: '削除される製品' });
    const city = await loggedInAgent(app, createUser(db, 'municipality').loginId, PASSWORD);
    const { agent, post } = await adminAgent({ app, db });
    const mailsTo = (subject: string) => smtp.messages.filter((m) => m.subject?.includes(subject) && (m.to && 'text' in m.to ? m.to.text : '').includes('owner2@vendor.example.jp'));

    const noReason = await post(`/admin/entries/${id}`, `/admin/entries/${id}/delete`, { delete_reason: ' ' });
    expect(noReason.status).toBe(400);
    expect($(noReason.text)('#delete_reason-error').text()).toBe('削除の理由を入力してください。');

    const deleted = await post(`/admin/entries/${id}`, `/admin/entries/${id}/delete`, { delete_reason: '重複して登録されているため' });
    expect(deleted.headers.location).toBe(`/admin/entries/${id}?done=deleted`);
    expect($((await agent.get(deleted.headers.location!)).text)('[role="status"]').text()).toContain('削除しました。');
    expect((await city.get(`/entries/${id}`)).status).toBe(404);
    expect(listedIds((await request(app).get('/search/results')).text)).toEqual([]);
    await until(() => mailsTo('登録情報を削除しました').length === 1);
    expect(mailsTo('登録情報を削除しました')[0]!.text).toContain('重複して登録されているため');
    // A second delete (a stale page, a double click) changes nothing.
    const token = $((await agent.get(`/admin/entries/${id}`)).text)(`form[action="/admin/entries/${id}/restore"] input[name="_csrf"]`).val() as string;
    expect((await agent.post(`/admin/entries/${id}/delete`).type('form').send({ _csrf: token, delete_reason: 'もう一度' })).status).toBe(409);

    const restored = await post(`/admin/entries/${id}`, `/admin/entries/${id}/restore`, {});
    expect(restored.headers.location).toBe(`/admin/entries/${id}?done=restored`);
    expect((await city.get(`/entries/${id}`)).status).toBe(200);
    expect(listedIds((await request(app).get('/search/results')).text)).toEqual([id]);
    await until(() => mailsTo('削除された登録情報を元に戻しました').length === 1);
    expect(db.prepare(`SELECT action FROM audit_log WHERE target_id = ? ORDER BY id`).pluck().all(id)).toEqual(['entry.delete', 'entry.restore']);
    const history = $((await agent.get(`/admin/entries/${id}`)).text)('table').text();
    expect(history).toContain('削除の取り消し');
    expect(history).not.toContain('entry.restore');
    expect(history).toContain('理由：変更前 （なし） → 変更後 重複して登録されているため');
    expect(history).not.toMatch(/deleted_at|null|"/);
  });

  it('unsuspending (issue 16.7) › the owner is mailed that the entry is public again', async () => {
    const { db, app } = portalWithMail();
    const vendor = createUser(db, 'vendor');
    db.prepare(`UPDATE users SET email = 'owner3@vendor.example.jp' WHERE id = ?`).run(vendor.id);
    const id = createEntry(db, vendor, { title: '再開される製品' });
    const { post } = await adminAgent({ app, db });
    await post(`/admin/entries/${id}`, `/admin/entries/${id}/suspend`, { reason: '確認のため' });
    const res = await post(`/admin/entries/${id}`, `/admin/entries/${id}/unsuspend`, {});
    expect(res.headers.location).toBe(`/admin/entries/${id}?done=unsuspended`);
    await until(() => smtp.messages.some((m) => m.subject?.includes('公開を再開しました（再開される製品）')));
    const mail = smtp.messages.find((m) => m.subject?.includes('公開を再開しました（再開される製品）'))!;
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toContain('owner3@vendor.example.jp');
    expect(mail.text).toContain(`https://portal.applic.example.jp/my/entries/${id}`);
  });

  it('/admin/entries › status filter and search; every row marked data-entry-id', async () => {
    const portal = createTestPortal();
    const vendor = createUser(portal.db, 'vendor');
    const published = createEntry(portal.db, vendor, { title: '公開中の製品' });
    const suspended = createEntry(portal.db, vendor, { title: '停止中の製品' });
    const deleted = createEntry(portal.db, vendor, { title: '削除した製品' });
    portal.db.prepare(`UPDATE entries SET suspended_at = 'x', suspended_reason = 'r' WHERE id = ?`).run(suspended);
    portal.db.prepare(`UPDATE entries SET deleted_at = 'x' WHERE id = ?`).run(deleted);
    const { agent } = await adminAgent(portal);
    const ids = async (query: string) => listedIds((await agent.get(`/admin/entries?${query}`)).text);
    expect(await ids('status=published')).toEqual([published]);
    expect(await ids('status=suspended')).toEqual([suspended]);
    expect(await ids('status=deleted')).toEqual([deleted]);
    expect(await ids('status=all')).toEqual([deleted, suspended, published]);
    expect(await ids(`q=${encodeURIComponent('停止中')}`)).toEqual([suspended]);
    expect((await agent.get('/admin/entries?status=bogus')).status).toBe(400);
  });

  it('an entry’s history › an address recorded as IPv4-mapped IPv6 is shown as IPv4, the action in words', async () => {
    const portal = createTestPortal();
    const vendor = createUser(portal.db, 'vendor');
    const id = createEntry(portal.db, vendor, { title: '履歴のある製品' });
    portal.db.prepare(`INSERT INTO audit_log (at, user_id, ip, action, target_type, target_id, diff)
                       VALUES ('2026-11-20T01:00:00.000Z', ?, '::ffff:192.0.2.7', 'entry.update', 'entry', ?, '{"title":["旧","新"]}')`).run(vendor.id, id);
    const { agent } = await adminAgent(portal);
    const history = $((await agent.get(`/admin/entries/${id}`)).text)('main').text();
    expect(history).toContain('192.0.2.7');
    expect(history).not.toContain('::ffff:');
    expect(history).not.toContain('entry.update');
  });

  it('dashboard › new and changed entries wait for review with what changed, until marked reviewed', async () => {
    const portal = createTestPortal();
    const vendor = createUser(portal.db, 'vendor');
    const id = createEntry(portal.db, vendor, { title: '新しい製品' });
    portal.db.prepare(`INSERT INTO audit_log (at, user_id, action, target_type, target_id, diff) VALUES ('2026-11-26T00:00:00Z', ?, 'entry.create', 'entry', ?, ?)`)
      .run(vendor.id, id, JSON.stringify({ title: [null, '新しい製品'] }));
    const { agent, post } = await adminAgent(portal);
    const dashboard = $((await agent.get('/admin')).text);
    const row = dashboard(`[data-entry-id="${id}"]`);
    expect(row.text()).toContain('新しい製品');
    // In words (issue 16.3): the form's label and the value, never the column name.
    expect(row.find('.diff-list').text()).toContain('タイトル：新しい製品');
    expect(row.find('.diff-list').text()).not.toContain('title');
    expect((await post('/admin', `/admin/entries/${id}/review`, {})).status).toBe(303);
    expect($((await agent.get('/admin')).text)(`[data-entry-id="${id}"]`).length).toBe(0);
  });
});
