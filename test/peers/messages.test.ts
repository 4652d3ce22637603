import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outboxRepository } from '../../src/mail/outbox.repository.js';
import { mailSender } from '../../src/mail/sender.js';
import { MESSAGES_PER_DAY } from '../../src/features/peers/peers.service.js';
import { createGenre, createIssueProfile, createOrganisation, createUser, PASSWORD } from '../helpers/factories.js';
import { $, csrfFrom, loggedInAgent, type Agent } from '../helpers/http.js';
import { appOn, createTestPortal, PUBLIC_URL, testClock } from '../helpers/portal.js';
import { startSmtpServer } from '../helpers/smtp.js';
import { until } from '../helpers/wait.js';

const PORTAL_FROM = 'noreply@applic.example.jp';
const SENDER_EMAIL = 'sender.secret@city.fujisawa.example.jp';
const RECIPIENT_EMAIL = 'recipient.secret@city.mitaka.example.jp';

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
beforeEach(async () => { smtp = await startSmtpServer(); });
afterEach(async () => { await smtp.close(); });

/** Two municipalities with a shared issue; mail goes out through a real SMTP server. */
function setup() {
  const { db } = createTestPortal();
  const clock = testClock();
  const mailer = mailSender({ smtpUrl: smtp.url, from: PORTAL_FROM, outbox: outboxRepository(db), clock, logger: pino({ level: 'silent' }) });
  const app = appOn(db, { clock, mailer });
  const genre = createGenre(db, '防災');
  const senderOrg = createOrganisation(db, 'municipality', '藤沢市');
  const sender = createUser(db, 'municipality', { organisationId: senderOrg, name: '鈴木 一郎', department: 'IT推進課', email: SENDER_EMAIL });
  const recipientOrg = createOrganisation(db, 'municipality', '三鷹市');
  const recipient = createUser(db, 'municipality', { organisationId: recipientOrg, name: '高橋 美咲', email: RECIPIENT_EMAIL });
  createIssueProfile(db, senderOrg, [genre], { visible: false });
  createIssueProfile(db, recipientOrg, [genre], { contactUserId: recipient.id });
  return { app, db, clock, sender, recipient, senderOrg, recipientOrg };
}

async function send(agent: Agent, to: number, fields: Record<string, string>, withToken = true) {
  const page = await agent.get(`/peers/${to}/message`);
  const body = withToken ? { _csrf: csrfFrom(page.text, `/peers/${to}/message`), ...fields } : fields;
  return agent.post(`/peers/${to}/message`).type('form').send(body);
}

describe('relayed messages', () => {
  it('/admin/mail › the secretariat sees the envelope of a relayed message (when, to whom, sent or not), never its subject or text (issue 15.8)', async () => {
    const { app, db, sender, recipientOrg } = setup();
    const agent = await loggedInAgent(app, sender.loginId, PASSWORD);
    expect((await send(agent, recipientOrg, { subject: '内密のご相談', body: '予算の内訳についてお聞きしたいことが' })).status).toBe(303);
    const admin = await loggedInAgent(app, createUser(db, 'secretariat').loginId, PASSWORD);
    const page = await admin.get('/admin/mail');
    expect(page.text).not.toContain('内密のご相談');
    expect(page.text).not.toContain('予算の内訳');
    const doc = $(page.text);
    expect(doc('[data-mail-private]').length).toBe(2);
    expect(doc('[data-mail-id]').text()).toContain(RECIPIENT_EMAIL);
  });

  it('arrive at a real SMTP server from the portal; neither side sees the other’s address; the sender gets a copy', async () => {
    const { app, sender, recipientOrg, senderOrg } = setup();
    const agent = await loggedInAgent(app, sender.loginId, PASSWORD);
    const form = await agent.get(`/peers/${recipientOrg}/message`);
    expect(form.text).not.toContain(RECIPIENT_EMAIL);
    const res = await send(agent, recipientOrg, { subject: '避難所運営について', body: '名簿の電子化について\n伺えますか。' });
    expect(res.status).toBe(303);
    const done = await agent.get(res.headers.location!);
    expect($(done.text)('[role="status"]').text()).toContain('三鷹市へメッセージを送りました');
    expect(done.text).not.toContain(RECIPIENT_EMAIL);

    await until(() => smtp.messages.length === 2);
    const relayed = smtp.messages.find((m) => m.subject?.includes('藤沢市からのメッセージ'))!;
    const copy = smtp.messages.find((m) => m.subject?.includes('三鷹市へのメッセージを送りました'))!;
    const addresses = (m: typeof relayed) => [m.from?.text, (Array.isArray(m.to) ? m.to : [m.to]).map((t) => t?.text).join(','), m.replyTo?.text ?? ''];
    expect(addresses(relayed)).toEqual([PORTAL_FROM, RECIPIENT_EMAIL, '']);
    expect(addresses(copy)).toEqual([PORTAL_FROM, SENDER_EMAIL, '']);
    // The raw messages, headers and all: the other side's address appears nowhere.
    expect(JSON.stringify(relayed.headerLines) + relayed.text).not.toContain(SENDER_EMAIL);
    expect(JSON.stringify(copy.headerLines) + copy.text).not.toContain(RECIPIENT_EMAIL);
    expect(relayed.text).toContain('藤沢市 IT推進課 鈴木 一郎');
    expect(relayed.text).toContain('名簿の電子化について\n伺えますか。');
    expect(relayed.text).toContain(`${PUBLIC_URL}/peers/${senderOrg}/message`);
  });

  it('the recipient can reply although the sender’s organisation is not visible; a third one cannot write to it', async () => {
    const { app, db, sender, recipient, senderOrg, recipientOrg } = setup();
    const other = createUser(db, 'municipality');
    const otherAgent = await loggedInAgent(app, other.loginId, PASSWORD);
    expect((await otherAgent.get(`/peers/${senderOrg}/message`)).status).toBe(404);
    const replier = await loggedInAgent(app, recipient.loginId, PASSWORD);
    expect((await replier.get(`/peers/${senderOrg}/message`)).status).toBe(404);

    await send(await loggedInAgent(app, sender.loginId, PASSWORD), recipientOrg, { subject: '質問', body: '本文' });
    expect((await send(replier, senderOrg, { subject: 'Re: 質問', body: 'お答えします。' })).status).toBe(303);
    await until(() => smtp.messages.some((m) => m.subject?.includes('三鷹市からのメッセージ')));
    const reply = smtp.messages.find((m) => m.subject?.includes('三鷹市からのメッセージ'))!;
    expect(reply.to && !Array.isArray(reply.to) ? reply.to.text : '').toBe(SENDER_EMAIL);
    expect(JSON.stringify(reply.headerLines) + reply.text).not.toContain(RECIPIENT_EMAIL);
    expect((await otherAgent.get(`/peers/${senderOrg}/message`)).status).toBe(404);
  });

  it('needs _csrf: without it nothing is stored or queued', async () => {
    const { app, db, sender, recipientOrg } = setup();
    const res = await send(await loggedInAgent(app, sender.loginId, PASSWORD), recipientOrg, { subject: '件名', body: '本文' }, false);
    expect(res.status).toBe(403);
    expect(db.prepare('SELECT count(*) FROM peer_messages').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM mail_outbox').pluck().get()).toBe(0);
  });

  it.each([
    ['empty subject', { subject: '', body: '本文' }, 'subject', '件名を入力してください。'],
    ['101-character subject', { subject: 'あ'.repeat(101), body: '本文' }, 'subject', '件名は100文字以内で入力してください。'],
    ['blank body', { subject: '件名', body: '   ' }, 'body', '本文を入力してください。'],
    ['2001-character body', { subject: '件名', body: 'あ'.repeat(2001) }, 'body', '本文は2000文字以内で入力してください。'],
  ])('%s › 400 with the message at the field and the values kept; nothing sent', async (_label, fields, field, message) => {
    const { app, db, sender, recipientOrg } = setup();
    const res = await send(await loggedInAgent(app, sender.loginId, PASSWORD), recipientOrg, fields);
    expect(res.status).toBe(400);
    const doc = $(res.text);
    expect(doc(`#${field}-error`).text()).toBe(message);
    expect(doc('#body').text()).toBe(fields.body);
    expect(db.prepare('SELECT count(*) FROM mail_outbox').pluck().get()).toBe(0);
  });

  it(`at most ${MESSAGES_PER_DAY} a day per user › then 429 with a Japanese message, until a day has passed`, async () => {
    const { app, db, clock, sender, recipientOrg } = setup();
    const agent = await loggedInAgent(app, sender.loginId, PASSWORD);
    for (let i = 0; i < MESSAGES_PER_DAY; i++) {
      db.prepare(`INSERT INTO peer_messages (from_organisation_id, from_user_id, to_organisation_id, subject, body, created_at) VALUES (?, ?, ?, '件名', '本文', ?)`)
        .run(sender.organisationId, sender.id, recipientOrg, clock.now().toISOString());
    }
    const refused = await send(agent, recipientOrg, { subject: '件名', body: '本文' });
    expect(refused.status).toBe(429);
    expect($(refused.text)('[role="alert"]').text()).toContain(`メッセージは24時間に${MESSAGES_PER_DAY}通までです。`);
    expect($(refused.text)('#subject').val()).toBe('件名');
    clock.advance(24 * 3_600_000 + 1000);
    expect((await send(agent, recipientOrg, { subject: '件名', body: '本文' })).status).toBe(303);
  });

  it('guards › vendors and the secretariat cannot send; no message to oneself or to an unknown organisation', async () => {
    const { app, db, sender, senderOrg, recipientOrg } = setup();
    for (const kind of ['vendor', 'secretariat'] as const) {
      const agent = await loggedInAgent(app, createUser(db, kind).loginId, PASSWORD);
      expect((await agent.get(`/peers/${recipientOrg}/message`)).status).toBe(403);
    }
    const agent = await loggedInAgent(app, sender.loginId, PASSWORD);
    for (const target of [senderOrg, 99999, 'abc', '1e3']) expect((await agent.get(`/peers/${target}/message`)).status).toBe(404);
    const vendorOrg = createOrganisation(db, 'vendor');
    expect((await agent.get(`/peers/${vendorOrg}/message`)).status).toBe(404);
  });
});
