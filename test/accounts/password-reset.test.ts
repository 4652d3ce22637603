import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createUser, PASSWORD } from '../helpers/factories.js';
import { $, csrfFrom, login, loggedInAgent } from '../helpers/http.js';
import { linkIn, portalWithMail, postNewPassword } from './helpers.js';

const NEW_PASSWORD = 'spring-rain-over-the-harbour';
const ANSWER = 'パスワード再設定の案内をお送りしました。';

async function requestReset(app: Parameters<typeof request>[0], loginId: string, ip?: string) {
  const agent = request.agent(app);
  const page = await agent.get('/password-reset');
  const req = agent.post('/password-reset').type('form');
  if (ip) req.set('X-Forwarded-For', ip);
  return req.send({ _csrf: csrfFrom(page.text, '/password-reset'), login_id: loginId });
}

const setPassword = (app: Parameters<typeof request>[0], path: string, password = NEW_PASSWORD) => postNewPassword(app, path, password);

describe('password reset by mail', () => {
  it('the same answer for a real ID, an unknown ID and an inactive account; only the real active one is mailed', async () => {
    const portal = await portalWithMail();
    try {
      const user = createUser(portal.db, 'vendor', { email: 'owner@vendor.example.jp' });
      const inactive = createUser(portal.db, 'vendor', { email: 'gone@vendor.example.jp', active: false });
      const answers = await Promise.all([user.loginId, 'no-such-id', inactive.loginId].map((id) => requestReset(portal.app, id)));
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect($(answer.text)('[data-reset-requested]').text().trim()).toBe(ANSWER);
      }
      // The pages differ only in their CSRF token.
      const strip = (html: string) => html.replace(/name="_csrf" value="[^"]*"/g, '');
      expect(strip(answers[1]!.text)).toBe(strip(answers[0]!.text));
      expect(strip(answers[2]!.text)).toBe(strip(answers[0]!.text));

      const [mail] = await portal.mailsTo('owner@vendor.example.jp', 1);
      expect(mail!.subject).toBe('【ＡＰＰＬＩＣ マッチングポータル】パスワード再設定のご案内');
      expect(await portal.mailsTo('gone@vendor.example.jp')).toHaveLength(0);
      expect(portal.smtp.messages).toHaveLength(1);
      // Only a hash of the token is kept.
      const token = linkIn(mail!, '/password-reset').split('/').pop()!;
      expect(JSON.stringify(portal.db.prepare('SELECT * FROM account_tokens').all())).not.toContain(token);
    } finally {
      await portal.close();
    }
  });

  it('the link sets a new password once and ends every session; used, superseded and expired links fail', async () => {
    const portal = await portalWithMail();
    try {
      const user = createUser(portal.db, 'vendor', { email: 'owner@vendor.example.jp' });
      const session = await loggedInAgent(portal.app, user.loginId, PASSWORD);

      await requestReset(portal.app, user.loginId);
      const first = linkIn((await portal.mailsTo('owner@vendor.example.jp', 1))[0]!, '/password-reset');
      await requestReset(portal.app, user.loginId);
      const second = linkIn((await portal.mailsTo('owner@vendor.example.jp', 2))[1]!, '/password-reset');
      // A newer request voids the older link.
      const superseded = await request(portal.app).get(first);
      expect(superseded.status).toBe(410);
      expect($(superseded.text)('[data-link-failed]').text()).toContain('このリンクは使えません');

      const page = await request(portal.app).get(second);
      expect(page.status).toBe(200);
      expect($(page.text)('[data-login-id]').text()).toBe(user.loginId);
      const weak = await setPassword(portal.app, second, 'short');
      expect(weak.status).toBe(400);
      expect($(weak.text)('#new_password-error').text()).toBe('パスワードは12文字以上で入力してください。');

      const done = await setPassword(portal.app, second);
      expect(done.status).toBe(303);
      expect(done.headers.location).toBe('/login');
      expect((await session.get('/my/entries')).status).toBe(302); // every session ended
      expect((await login(request.agent(portal.app), user.loginId, NEW_PASSWORD)).status).toBe(302);
      expect((await setPassword(portal.app, second, 'another-long-passphrase')).status).toBe(410); // once
      expect((await login(request.agent(portal.app), user.loginId, NEW_PASSWORD)).status).toBe(302);
      const confirmation = (await portal.mailsTo('owner@vendor.example.jp', 3))[2]!;
      expect(confirmation.subject).toBe('【ＡＰＰＬＩＣ マッチングポータル】パスワードが変更されました');
      expect(portal.db.prepare(`SELECT action FROM audit_log WHERE target_id = ? AND target_type = 'user'`).pluck().all(user.id)).toEqual(['account.password_reset']);

      // A link is good for 30 minutes.
      await requestReset(portal.app, user.loginId);
      const late = linkIn((await portal.mailsTo('owner@vendor.example.jp', 4))[3]!, '/password-reset');
      portal.clock.advance(31 * 60_000);
      expect((await request(portal.app).get(late)).status).toBe(410);
      expect((await setPassword(portal.app, late)).status).toBe(410);
      // A made-up token gets the same page as a used one.
      expect((await request(portal.app).get('/password-reset/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(410);
    } finally {
      await portal.close();
    }
  });

  it('limited per ID (3 an hour) and per address (20 an hour): past them the same answer and no mail', async () => {
    const portal = await portalWithMail();
    try {
      const user = createUser(portal.db, 'vendor', { email: 'owner@vendor.example.jp' });
      for (let i = 0; i < 5; i++) expect((await requestReset(portal.app, user.loginId)).status).toBe(200);
      expect(await portal.mailsTo('owner@vendor.example.jp', 3)).toHaveLength(3);
      portal.clock.advance(61 * 60_000);
      await requestReset(portal.app, user.loginId);
      expect(await portal.mailsTo('owner@vendor.example.jp', 4)).toHaveLength(4);

      // From one address, whatever the IDs: 20 an hour (the test app trusts no proxy: all come from 127.0.0.1).
      const other = createUser(portal.db, 'municipality', { email: 'city@city.example.jp' });
      for (let i = 0; i < 20; i++) await requestReset(portal.app, `unknown-${i}`);
      const answer = await requestReset(portal.app, other.loginId);
      expect($(answer.text)('[data-reset-requested]').text().trim()).toBe(ANSWER);
      expect(await portal.mailsTo('city@city.example.jp')).toHaveLength(0);
    } finally {
      await portal.close();
    }
  });
});
