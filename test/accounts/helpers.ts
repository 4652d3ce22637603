import crypto from 'node:crypto';
import pino from 'pino';
import request from 'supertest';
import type { ParsedMail } from 'mailparser';
import { mailSender, type MailSender } from '../../src/mail/sender.js';
import { outboxRepository } from '../../src/mail/outbox.repository.js';
import { $, csrfFrom, type Agent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';
import { startSmtpServer } from '../helpers/smtp.js';
import { until } from '../helpers/wait.js';

/**
 * A test portal whose mail goes to a real SMTP server, as in production: the app sends what a change
 * queued right after the change (the mailer is the app's own), and `mailsTo` waits for it to arrive.
 */
export async function portalWithMail() {
  const smtp = await startSmtpServer();
  // The portal's database exists only once the portal does: the app's mailer hands over to the real one.
  const real: { mailer?: MailSender } = {};
  const portal = createTestPortal({ mailer: { deliverDue: () => real.mailer?.deliverDue() ?? Promise.resolve(0), close: () => real.mailer?.close() } });
  const mailer = mailSender({ smtpUrl: smtp.url, from: 'noreply@applic.example.jp', outbox: outboxRepository(portal.db), clock: portal.clock, logger: pino({ level: 'silent' }) });
  real.mailer = mailer;
  const textOf = (m: ParsedMail) => (m.to && !Array.isArray(m.to) ? m.to.text : '');
  return {
    ...portal, smtp,
    /** Every mail the SMTP server received for `address` so far, after the outbox has been sent. */
    async mailsTo(address: string, atLeast = 0): Promise<ParsedMail[]> {
      await mailer.deliverDue();
      if (atLeast > 0) await until(() => smtp.messages.filter((m) => textOf(m) === address).length >= atLeast);
      return smtp.messages.filter((m) => textOf(m) === address);
    },
    close: async () => {
      mailer.close();
      await smtp.close();
    },
  };
}

/** The path of the first portal link in a mail (`/password-reset/…`, `/invite/…`). */
export function linkIn(mail: ParsedMail, prefix: string): string {
  const found = new RegExp(`https://portal\\.applic\\.example\\.jp(${prefix}/[A-Za-z0-9_-]+)`).exec(mail.text ?? '');
  if (!found) throw new Error(`no ${prefix} link in the mail`);
  return found[1]!;
}

/** Posts a form of `page` as a browser does: its hidden fields and token, then `fields`. */
export async function submit(agent: Agent, page: string, action: string, fields: Record<string, string>) {
  const html = (await agent.get(page)).text;
  const hidden = Object.fromEntries($(html)(`form[action="${action}"]`).first().find('input[type="hidden"][name]')
    .map((_, el) => [[$(html)(el).attr('name')!, String($(html)(el).val() ?? '')]]).get() as [string, string][]);
  return agent.post(action).type('form').send({ ...hidden, _csrf: csrfFrom(html, action), ...fields });
}

/**
 * Posts a new password to a mailed link as its page's form would; when the link no longer shows a
 * form (used, expired), with a token from the login page, as someone replaying an old tab would.
 */
export async function postNewPassword(app: Parameters<typeof request>[0], path: string, password: string) {
  const agent = request.agent(app);
  const page = await agent.get(path);
  const token = page.status === 200 ? csrfFrom(page.text, path) : csrfFrom((await agent.get('/login')).text, '/login');
  return agent.post(path).type('form').send({ _csrf: token, new_password: password, new_password_confirm: password });
}

/**
 * RFC 6238 TOTP written out here, independent of the portal's library: HMAC-SHA1 over the 30-second
 * counter, dynamic truncation, six digits. Checked against the RFC's own test vector below.
 */
export function totpCode(base32Secret: string, at: Date, stepOffset = 0): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of base32Secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  return hotp(key, Math.floor(at.getTime() / 1000 / 30) + stepOffset, 6);
}

export function hotp(key: Buffer, counter: number, digits: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = crypto.createHmac('sha1', key).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(value).padStart(digits, '0');
}
