import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxRepository } from '../../src/mail/outbox.repository.js';
import { mailSender } from '../../src/mail/sender.js';
import { INQUIRIES_PER_DAY } from '../../src/features/inquiries/inquiries.service.js';
import { createEntry, createOrganisation, createUser, PASSWORD } from '../helpers/factories.js';
import { $, csrfFrom, loggedInAgent, type Agent } from '../helpers/http.js';
import { appOn, createTestPortal, testClock } from '../helpers/portal.js';
import { startSmtpServer } from '../helpers/smtp.js';

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => smtp?.close());

/**
 * Issue 21.3: municipality staff ask an entry's contact through the portal. The portal sends the mail
 * (its own From), names the asker's organisation, department and name in the text, and puts the
 * asker's address in Reply-To only, so the vendor's plain reply reaches the asker.
 */
function setup() {
  const { db, uploadDir } = createTestPortal();
  const clock = testClock();
  const mailer = mailSender({ smtpUrl: smtp.url, from: 'noreply@applic.example.jp', outbox: outboxRepository(db), clock, logger: pino({ level: 'silent' }) });
  const app = appOn(db, { uploadDir, clock, mailer });
  const vendor = createUser(db, 'vendor');
  const entry = createEntry(db, vendor, { title: '避難所受付クラウド' });
  db.prepare(`UPDATE entries SET contact_email = 'sales@vendor.example.jp' WHERE id = ?`).run(entry);
  const cityOrg = createOrganisation(db, 'municipality', '問合せ市');
  const asker = createUser(db, 'municipality', { organisationId: cityOrg, name: '防災 一郎', department: '危機管理課', email: 'ichiro@city.example.lg.jp' });
  const colleague = createUser(db, 'municipality', { organisationId: cityOrg, email: 'colleague@city.example.lg.jp' });
  return { db, app, mailer, vendor, entry, asker, colleague };
}

async function ask(agent: Agent, entryId: number, fields: Record<string, string>) {
  const form = await agent.get(`/entries/${entryId}/inquiry`);
  return agent.post(`/entries/${entryId}/inquiry`).type('form').send({ _csrf: csrfFrom(form.text, `/entries/${entryId}/inquiry`), ...fields });
}

describe('inquiries › relayed through the outbox to a real SMTP server', () => {
  it('From the portal, Reply-To the asker; the text names the asker, never the address; a copy to the asker; listed at /my/inquiries', async () => {
    const { db, app, mailer, entry, asker, colleague, vendor } = setup();
    const agent = await loggedInAgent(app, asker.loginId, PASSWORD);
    expect($((await agent.get(`/entries/${entry}`)).text)(`a[href="/entries/${entry}/inquiry"]`)).toHaveLength(1);
    const sent = await ask(agent, entry, { subject: '導入費用について', body: '人口5万人規模での\n概算費用を教えてください。' });
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe(`/entries/${entry}/inquiry?sent=1`);
    smtp.messages.length = 0;
    await mailer.deliverDue();

    const toVendor = smtp.messages.find((m) => m.to && !Array.isArray(m.to) && m.to.text === 'sales@vendor.example.jp')!;
    expect(toVendor.from?.text).toBe('noreply@applic.example.jp');
    expect(toVendor.replyTo?.text).toBe('ichiro@city.example.lg.jp');
    expect(toVendor.subject).toBe('【ＡＰＰＬＩＣ マッチングポータル】問合せ市からのお問い合わせ：避難所受付クラウド');
    expect(toVendor.text).toContain('問合せ市 危機管理課 防災 一郎 さんからお問い合わせがありました');
    expect(toVendor.text).toContain('人口5万人規模での\n概算費用を教えてください。');
    expect(toVendor.text).not.toContain('ichiro@city.example.lg.jp');
    const copy = smtp.messages.find((m) => m.to && !Array.isArray(m.to) && m.to.text === 'ichiro@city.example.lg.jp')!;
    expect(copy.subject).toBe('【ＡＰＰＬＩＣ マッチングポータル】お問い合わせを送りました：避難所受付クラウド');
    expect(copy.replyTo).toBeUndefined();
    expect(smtp.messages).toHaveLength(2);

    // The asking organisation's list: a colleague sees it too, with the text.
    const list = $((await (await loggedInAgent(app, colleague.loginId, PASSWORD)).get('/my/inquiries')).text);
    expect(list('[data-inquiry-id]')).toHaveLength(1);
    expect(list('[data-inquiry-id]').text()).toContain('導入費用について');
    expect(list('[data-inquiry-id] details').text()).toContain('概算費用を教えてください。');

    // The vendor sees how many came, not from whom; the secretariat the count, never the text.
    const vendorPage = $((await (await loggedInAgent(app, vendor.loginId, PASSWORD)).get(`/my/entries/${entry}`)).text);
    expect(vendorPage('[data-inquiry-count]').attr('data-inquiry-count')).toBe('1');
    expect(vendorPage.html()).not.toContain('防災 一郎');
    const admin = await loggedInAgent(app, createUser(db, 'secretariat').loginId, PASSWORD);
    const adminEntry = (await admin.get(`/admin/entries/${entry}`)).text;
    expect($(adminEntry)('[data-inquiry-count]').attr('data-inquiry-count')).toBe('1');
    expect(adminEntry).not.toContain('導入費用について');
    const adminMail = (await admin.get('/admin/mail')).text;
    expect(adminMail).not.toContain('導入費用について');
    expect(adminMail).not.toContain('概算費用');
    expect(db.prepare(`SELECT diff FROM audit_log WHERE action = 'entry.inquiry'`).pluck().get()).not.toContain('導入費用');
  });

  it(`a bad form › 400 with messages at the fields, nothing sent; the limit of ${INQUIRIES_PER_DAY} a day › 429; no address to reply to › 409`, async () => {
    const { db, app, entry, asker } = setup();
    const agent = await loggedInAgent(app, asker.loginId, PASSWORD);
    const empty = await ask(agent, entry, { subject: '', body: '' });
    expect(empty.status).toBe(400);
    expect($(empty.text)('#subject-error').text()).toBe('件名を入力してください。');
    expect($(empty.text)('#body-error').text()).toBe('本文を入力してください。');
    const long = await ask(agent, entry, { subject: '件名', body: 'あ'.repeat(2001) });
    expect(long.status).toBe(400);
    expect($(long.text)('#body').text()).toHaveLength(2001);
    expect(db.prepare('SELECT count(*) FROM inquiries').pluck().get()).toBe(0);

    for (let i = 0; i < INQUIRIES_PER_DAY; i++) expect((await ask(agent, entry, { subject: `質問${i}`, body: '内容' })).status).toBe(303);
    const over = await ask(agent, entry, { subject: 'もう一件', body: '内容' });
    expect(over.status).toBe(429);
    expect(over.text).toContain(`24時間に${INQUIRIES_PER_DAY}件まで`);
    expect(db.prepare('SELECT count(*) FROM inquiries').pluck().get()).toBe(INQUIRIES_PER_DAY);

    const noMail = createUser(db, 'municipality');
    const noMailAgent = await loggedInAgent(app, noMail.loginId, PASSWORD);
    const refused = await ask(noMailAgent, entry, { subject: '質問', body: '内容' });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('メールアドレスを登録してから');
  });

  it('a vendor, the secretariat › 403; an anonymous visitor › 403 to the POST, the login page for the form; a deleted entry › 404', async () => {
    const { db, app, entry, vendor } = setup();
    for (const user of [vendor, createUser(db, 'secretariat')]) {
      const agent = await loggedInAgent(app, user.loginId, PASSWORD);
      expect((await agent.get(`/entries/${entry}/inquiry`)).status).toBe(403);
      const token = csrfFrom((await agent.get('/')).text);
      expect((await agent.post(`/entries/${entry}/inquiry`).type('form').send({ _csrf: token, subject: 's', body: 'b' })).status).toBe(403);
      expect((await agent.get('/my/inquiries')).status).toBe(403);
    }
    expect((await request(app).post(`/entries/${entry}/inquiry`).type('form').send({ subject: 's', body: 'b' })).status).toBe(403);
    expect((await request(app).get(`/entries/${entry}/inquiry`)).headers.location).toBe(`/login?next=${encodeURIComponent(`/entries/${entry}/inquiry`)}`);
    db.prepare('UPDATE entries SET deleted_at = ? WHERE id = ?').run(new Date().toISOString(), entry);
    const city = await loggedInAgent(app, createUser(db, 'municipality', { email: 'a@city.example.lg.jp' }).loginId, PASSWORD);
    expect((await city.get(`/entries/${entry}/inquiry`)).status).toBe(404);
    expect(db.prepare('SELECT count(*) FROM inquiries').pluck().get()).toBe(0);
  });
});
