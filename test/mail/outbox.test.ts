import net from 'node:net';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { outboxRepository } from '../../src/mail/outbox.repository.js';
import { mailSender } from '../../src/mail/sender.js';
import { adminAgent } from '../admin/helpers.js';
import { $ } from '../helpers/http.js';
import { appOn, createTestPortal, testClock } from '../helpers/portal.js';
import { startSmtpServer } from '../helpers/smtp.js';

/** A loopback port with nothing listening on it: what a stopped SMTP server looks like. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('mail outbox', () => {
  it('while the SMTP server is down › mail stays in the outbox and goes out on a later try', async () => {
    const { db } = createTestPortal();
    const clock = testClock();
    const outbox = outboxRepository(db);
    outbox.enqueue({ kind: 'test', to: ['a@example.jp'], subject: '件名です', body: '本文です。' }, clock.now().toISOString());
    const logger = pino({ level: 'silent' });

    const down = mailSender({ smtpUrl: `smtp://127.0.0.1:${await closedPort()}`, from: 'noreply@example.jp', outbox, clock, logger });
    expect(await down.deliverDue()).toBe(0);
    const row = db.prepare('SELECT status, attempts, last_error, next_attempt_at FROM mail_outbox').get() as Record<string, unknown>;
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.last_error).toBeTruthy();
    expect(String(row.next_attempt_at) > clock.now().toISOString()).toBe(true);
    // The secretariat's outbox says why in Japanese; the library's own text only on demand.
    const { agent } = await adminAgent({ app: appOn(db, { clock }), db });
    const page = $((await agent.get('/admin/mail')).text);
    expect(page('[data-delivery-problem] > p').text()).toBe('直近の送信エラー：メールサーバーに接続できませんでした（サーバーが止まっているか、設定の宛先が違います）。');
    expect(page('[data-delivery-problem] details span').text()).toContain('ECONNREFUSED');

    const smtp = await startSmtpServer();
    try {
      const up = mailSender({ smtpUrl: smtp.url, from: 'noreply@example.jp', outbox, clock, logger });
      expect(await up.deliverDue()).toBe(0); // not due yet: the backoff holds
      clock.advance(5 * 60_000);
      expect(await up.deliverDue()).toBe(1);
      expect(smtp.messages.map((m) => [m.subject, m.text?.trim()])).toEqual([['件名です', '本文です。']]);
      expect(db.prepare('SELECT status FROM mail_outbox').pluck().get()).toBe('sent');
      expect(await up.deliverDue()).toBe(0); // sent once only
      up.close();
    } finally {
      await smtp.close();
    }
  });

  it('a mail queued while a delivery is running › goes out in that same run, without waiting for another call', async () => {
    const { db } = createTestPortal();
    const clock = testClock();
    const outbox = outboxRepository(db);
    const smtp = await startSmtpServer();
    try {
      const sender = mailSender({ smtpUrl: smtp.url, from: 'noreply@example.jp', outbox, clock, logger: pino({ level: 'silent' }) });
      outbox.enqueue({ kind: 'test', to: ['a@example.jp'], subject: '一通目', body: '本文' }, clock.now().toISOString());
      const run = sender.deliverDue();
      // The first run has already read the due mail; this one arrives while it is sending.
      outbox.enqueue({ kind: 'test', to: ['b@example.jp'], subject: '二通目', body: '本文' }, clock.now().toISOString());
      expect(sender.deliverDue()).toBe(run);
      expect(await run).toBe(2);
      expect(smtp.messages.map((m) => m.subject).sort()).toEqual(['一通目', '二通目']);
      sender.close();
    } finally {
      await smtp.close();
    }
  });

  it('a mail without any address › is not queued', () => {
    const { db } = createTestPortal();
    expect(outboxRepository(db).enqueue({ kind: 'x', to: ['', ' '], subject: 's', body: 'b' }, 'now')).toBeNull();
    expect(db.prepare('SELECT count(*) FROM mail_outbox').pluck().get()).toBe(0);
  });
});
