import pino from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.js';
import { outboxRepository } from '../../src/mail/outbox.repository.js';
import { mailSender } from '../../src/mail/sender.js';
import { createEntry, createUser, PASSWORD } from '../helpers/factories.js';
import { $, csrfFrom, listedIds, loggedInAgent } from '../helpers/http.js';
import { createTestPortal, portalOn, PUBLIC_URL } from '../helpers/portal.js';
import { startSmtpServer } from '../helpers/smtp.js';

const DAY = 24 * 60 * 60_000;

/** The test clock starts on 2026-11-26: entries last updated before 2025-11-26 are over 12 months old. */
function setup() {
  const portal = createTestPortal();
  const { jobs } = portalOn(portal.db, { clock: portal.clock });
  const alpha = createUser(portal.db, 'vendor', { email: 'web@alpha.example.jp' });
  const beta = createUser(portal.db, 'vendor', { email: 'info@beta.example.jp' });
  const gamma = createUser(portal.db, 'vendor', { email: 'info@gamma.example.jp' });
  const entries = {
    alphaOld: createEntry(portal.db, alpha, { title: 'アルファ防災無線', updatedAt: '2025-10-01T00:00:00.000Z' }),
    alphaOlder: createEntry(portal.db, alpha, { title: 'アルファ避難所受付', updatedAt: '2025-06-01T00:00:00.000Z' }),
    alphaFresh: createEntry(portal.db, alpha, { title: 'アルファ新製品', updatedAt: '2026-06-01T00:00:00.000Z' }),
    betaOld: createEntry(portal.db, beta, { title: 'ベータ観光案内', updatedAt: '2025-01-01T00:00:00.000Z' }),
    gammaFresh: createEntry(portal.db, gamma, { title: 'ガンマ窓口', updatedAt: '2026-11-01T00:00:00.000Z' }),
  };
  return { ...portal, jobs, alpha, beta, gamma, entries };
}

const confirmedAt = (db: Db, id: number) => db.prepare('SELECT confirmed_at FROM entries WHERE id = ?').pluck().get(id) as string | null;

async function reconfirm(agent: ReturnType<typeof request.agent>, id: number) {
  const page = await agent.get(`/my/entries/${id}`);
  const token = page.status === 200 ? csrfFrom(page.text, `/my/entries/${id}/reconfirm`) : csrfFrom((await agent.get('/my/entries')).text);
  return agent.post(`/my/entries/${id}/reconfirm`).type('form').send({ _csrf: token });
}

describe('stale-entry reminders', () => {
  it('go once per period to each organisation with entries not updated for 12 months, naming exactly those, through a real SMTP server', async () => {
    const smtp = await startSmtpServer();
    try {
      const { db, clock, jobs, entries } = setup();
      const mailer = mailSender({ smtpUrl: smtp.url, from: 'noreply@applic.example.jp', outbox: outboxRepository(db), clock, logger: pino({ level: 'silent' }) });

      expect(jobs.staleReminders.run()).toBe(2); // alpha and beta; gamma has nothing stale
      expect(jobs.staleReminders.run()).toBe(0); // once
      await mailer.deliverDue();
      expect(smtp.messages).toHaveLength(2);
      const toAlpha = smtp.messages.find((m) => (m.to && !Array.isArray(m.to) ? m.to.text : '') === 'web@alpha.example.jp')!;
      expect(toAlpha.subject).toBe('【ＡＰＰＬＩＣ マッチングポータル】12か月以上更新のない登録情報（2件）のご確認のお願い');
      expect([...toAlpha.text!.matchAll(/\/my\/entries\/(\d+)/g)].map((m) => Number(m[1])).sort()).toEqual([entries.alphaOld, entries.alphaOlder].sort());
      expect(toAlpha.text).toContain('内容に変更なし');
      expect(toAlpha.text).toContain(`${PUBLIC_URL}/my/entries/${entries.alphaOld}\n`);

      clock.advance(29 * DAY);
      expect(jobs.staleReminders.run()).toBe(0); // still within the period
      clock.advance(2 * DAY);
      expect(jobs.staleReminders.run()).toBe(2); // the next period: still stale, reminded again
    } finally {
      await smtp.close();
    }
  });

  it('the age is a setting: at 24 months only the entries older than that count', () => {
    const { db, jobs } = setup();
    db.prepare(`UPDATE settings SET value = '24' WHERE key = 'stale_after_months'`).run();
    expect(jobs.staleReminders.run()).toBe(0);
    db.prepare(`UPDATE settings SET value = '18' WHERE key = 'stale_after_months'`).run();
    expect(jobs.staleReminders.run()).toBe(1); // beta's entry of 2025-01-01 only
  });
});

describe('「内容に変更なし」', () => {
  it('one click records the confirmation as the freshness date, in the audit log, and without moving the entry up the results', async () => {
    const { app, db, clock, jobs, alpha, entries } = setup();
    const owner = await loggedInAgent(app, alpha.loginId, PASSWORD);
    const city = await loggedInAgent(app, createUser(db, 'municipality').loginId, PASSWORD);
    const orderBefore = listedIds((await city.get('/search/results')).text);

    // The owner's list offers the button on the stale entries only.
    const list = $((await owner.get('/my/entries')).text);
    expect(list(`[data-entry-id="${entries.alphaOld}"] form[action="/my/entries/${entries.alphaOld}/reconfirm"]`).length).toBe(1);
    expect(list(`[data-entry-id="${entries.alphaOld}"] [data-freshness="stale"]`).length).toBe(1);
    expect(list(`[data-entry-id="${entries.alphaFresh}"] form[action$="/reconfirm"]`).length).toBe(0);
    expect(list('[data-attention]').attr('data-attention')).toBe('0 2'); // no broken link, two stale entries
    expect(list('[data-attention]').text()).toContain('12か月以上更新・確認されていない情報が2件');

    const res = await reconfirm(owner, entries.alphaOld);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/my/entries/${entries.alphaOld}?reconfirmed=1`);
    expect(confirmedAt(db, entries.alphaOld)).toBe(clock.now().toISOString());
    expect($((await owner.get(res.headers.location!)).text)('[role="status"]').text()).toContain('内容に変更がないことを記録しました');
    expect($((await owner.get('/my/entries')).text)('[data-attention]').attr('data-attention')).toBe('0 1');
    const audit = db.prepare(`SELECT user_id AS userId, diff FROM audit_log WHERE action = 'entry.reconfirm' AND target_id = ?`).all(entries.alphaOld) as { userId: number; diff: string }[];
    expect(audit).toEqual([{ userId: alpha.id, diff: JSON.stringify({ confirmed_at: [null, clock.now().toISOString()] }) }]);

    // Readers: the confirmation date shows, the stale note goes; the results keep their order.
    const detail = $((await city.get(`/entries/${entries.alphaOld}`)).text);
    expect(detail('.entry-detail').text()).toContain('内容確認日：2026年11月26日');
    expect(detail('[data-freshness]').length).toBe(0);
    expect($((await city.get(`/entries/${entries.alphaOlder}`)).text)('[data-freshness="stale"]').text()).toContain('12か月以上、更新・確認されていません');
    expect(listedIds((await city.get('/search/results')).text)).toEqual(orderBefore);

    // The next reminder names only the entry still unconfirmed.
    expect(jobs.staleReminders.run()).toBe(2);
    const body = db.prepare(`SELECT body FROM mail_outbox WHERE kind = 'freshness.stale-entries' AND recipients LIKE '%alpha%'`).pluck().get() as string;
    expect(body).toContain('アルファ避難所受付');
    expect(body).not.toContain('アルファ防災無線');
  });

  it('another organisation’s entry, a deleted one or a missing token: refused, nothing recorded', async () => {
    const { app, db, beta, gamma, entries } = setup();
    const calm = await loggedInAgent(app, gamma.loginId, PASSWORD);
    expect($((await calm.get('/my/entries')).text)('[data-attention]').length).toBe(0); // nothing to ask of gamma
    const other = await loggedInAgent(app, beta.loginId, PASSWORD);
    expect((await reconfirm(other, entries.alphaOld)).status).toBe(404);
    expect((await other.post('/my/entries/abc/reconfirm').type('form').send({ _csrf: csrfFrom((await other.get('/my/entries')).text) })).status).toBe(404);
    expect((await other.post(`/my/entries/${entries.betaOld}/reconfirm`).type('form').send({})).status).toBe(403);
    db.prepare('UPDATE entries SET deleted_at = ? WHERE id = ?').run(new Date().toISOString(), entries.betaOld);
    expect((await reconfirm(other, entries.betaOld)).status).toBe(404);
    const city = await loggedInAgent(app, createUser(db, 'municipality').loginId, PASSWORD);
    expect((await city.post(`/my/entries/${entries.alphaOld}/reconfirm`).type('form').send({ _csrf: csrfFrom((await city.get('/search')).text, '/logout') })).status).toBe(403);
    expect((await request(app).post(`/my/entries/${entries.alphaOld}/reconfirm`)).status).toBe(403);
    for (const id of [entries.alphaOld, entries.betaOld]) expect(confirmedAt(db, id)).toBeNull();
    expect(db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'entry.reconfirm'`).pluck().get()).toBe(0);
  });
});

describe('/admin/freshness', () => {
  it('the secretariat changes the stale age and the private-address switch; bad input is a 400 with the message at the field', async () => {
    const { app, db } = setup();
    const admin = await loggedInAgent(app, createUser(db, 'secretariat').loginId, PASSWORD);
    const page = await admin.get('/admin/freshness');
    expect(page.status).toBe(200);
    expect($(page.text)('[data-stale-count]').attr('data-stale-count')).toBe('3');
    const token = csrfFrom(page.text, '/admin/freshness/settings');
    for (const bad of ['abc', '0', '61', '']) {
      const res = await admin.post('/admin/freshness/settings').type('form').send({ _csrf: token, stale_after_months: bad, allow_private: '1' });
      expect(res.status, bad).toBe(400);
      expect($(res.text)('#stale_after_months-error').text()).toMatch(/月数/);
      expect($(res.text)('#stale_after_months').val()).toBe(bad);
    }
    expect(db.prepare(`SELECT value FROM settings WHERE key = 'link_check_allow_private'`).pluck().get()).toBe('0');
    const saved = await admin.post('/admin/freshness/settings').type('form').send({ _csrf: token, stale_after_months: '18', allow_private: '1' });
    expect(saved.status).toBe(303);
    expect($((await admin.get(saved.headers.location!)).text)('.notice').text()).toContain('鮮度の設定を保存しました。');
    expect(db.prepare(`SELECT key, value FROM settings WHERE key IN ('link_check_allow_private', 'stale_after_months') ORDER BY key`).raw().all())
      .toEqual([['link_check_allow_private', '1'], ['stale_after_months', '18']]);
    expect(JSON.parse(db.prepare(`SELECT diff FROM audit_log WHERE action = 'freshness.settings'`).pluck().get() as string))
      .toEqual({ link_check_allow_private: [false, true], stale_after_months: [12, 18] });
    expect($((await admin.get('/admin/freshness')).text)('[data-stale-count]').attr('data-stale-count')).toBe('1');
  });

  it('is for the secretariat only', async () => {
    const { app, db, alpha } = setup();
    const vendor = await loggedInAgent(app, alpha.loginId, PASSWORD);
    expect((await vendor.get('/admin/freshness')).status).toBe(403);
    const city = await loggedInAgent(app, createUser(db, 'municipality').loginId, PASSWORD);
    expect((await city.get('/admin/freshness')).status).toBe(403);
    expect((await request(app).get('/admin/freshness')).status).toBe(302);
  });
});
