import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createUser, PASSWORD } from '../helpers/factories.js';
import { $, csrfFrom, login, loggedInAgent, type Agent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';
import { adminAgent } from '../admin/helpers.js';
import { hotp, portalWithMail, submit, totpCode } from './helpers.js';

/** Turns two-factor login on through the set-up page, with the secret it shows; returns the secret and the recovery codes. */
async function enable(agent: Agent, now: Date) {
  const page = $((await agent.get('/account/two-factor')).text);
  const secret = page('[data-totp-secret]').attr('data-totp-secret')!;
  expect(page('.totp-qr svg[role="img"]').length).toBe(1); // the QR code, drawn by the server
  const res = await submit(agent, '/account/two-factor', '/account/two-factor', { otp: totpCode(secret, now) });
  expect(res.status).toBe(200);
  const codes = $(res.text)('[data-recovery-codes] code').map((_, el) => $(res.text)(el).text()).get();
  return { secret, codes };
}

/** The password step: the answer is the code form (not a login). */
async function passwordStep(agent: Agent, loginId: string) {
  const res = await login(agent, loginId, PASSWORD);
  expect(res.status).toBe(200);
  const form = $(res.text)('form[action="/login/two-factor"]');
  expect(form.find('input[name="otp"]').length).toBe(1);
  return csrfFrom(res.text, '/login/two-factor');
}

const codeStep = (agent: Agent, token: string, otp: string) => agent.post('/login/two-factor').type('form').send({ _csrf: token, otp });

describe('two-factor login (TOTP, RFC 6238)', () => {
  it('the test\'s own TOTP matches RFC 6238\'s test vector (SHA-1, T = 59 s → 94287082)', () => {
    expect(hotp(Buffer.from('12345678901234567890'), Math.floor(59 / 30), 8)).toBe('94287082');
  });

  it('set-up with the secret from the page; then login needs a code computed here; wrong codes refused, five end the attempt', async () => {
    const portal = await portalWithMail();
    try {
      const user = createUser(portal.db, 'vendor', { email: 'owner@vendor.example.jp' });
      const agent = await loggedInAgent(portal.app, user.loginId, PASSWORD);
      const wrongSetup = await submit(agent, '/account/two-factor', '/account/two-factor', { otp: '000000' });
      expect(wrongSetup.status).toBe(400);
      const { secret, codes } = await enable(agent, portal.clock.now());
      expect(codes).toHaveLength(10);
      expect(new Set(codes).size).toBe(10);
      expect(JSON.stringify(portal.db.prepare('SELECT * FROM recovery_codes').all())).not.toContain(codes[0]!);
      expect((await portal.mailsTo('owner@vendor.example.jp', 1))[0]!.subject).toBe('【ＡＰＰＬＩＣ マッチングポータル】二要素認証を設定しました');

      // The password alone is not a login.
      const next = request.agent(portal.app);
      const token = await passwordStep(next, user.loginId);
      expect((await next.get('/my/entries')).status).toBe(302);
      const wrong = await codeStep(next, token, '123456');
      expect(wrong.status).toBe(401);
      expect($(wrong.text)('#otp-error').text()).toContain('あと4回');
      portal.clock.advance(30_000);
      const ok = await codeStep(next, token, totpCode(secret, portal.clock.now()));
      expect(ok.status).toBe(302);
      expect((await next.get('/my/entries')).status).toBe(200);
      // A code is accepted once, even within its 30 seconds.
      const replay = request.agent(portal.app);
      const replayToken = await passwordStep(replay, user.loginId);
      expect((await codeStep(replay, replayToken, totpCode(secret, portal.clock.now()))).status).toBe(401);

      // Five wrong codes end the attempt: the right one is no use after that.
      portal.clock.advance(60_000 * 20); // the failures above leave the lock window
      const guesser = request.agent(portal.app);
      const guessToken = await passwordStep(guesser, user.loginId);
      for (let i = 0; i < 4; i++) expect((await codeStep(guesser, guessToken, String(100000 + i))).status).toBe(401);
      const fifth = await codeStep(guesser, guessToken, '100009');
      expect($(fifth.text)('h1').text()).toBe('ログイン');
      expect(fifth.text).toContain('確認コードの誤りが続いたため');
      portal.clock.advance(30_000);
      expect((await codeStep(guesser, guessToken, totpCode(secret, portal.clock.now()))).status).toBe(400);
      expect((await guesser.get('/my/entries')).status).toBe(302);
      // The ID is locked now (the wrong codes count as failures of the ID), so starting again does not help.
      expect((await login(request.agent(portal.app), user.loginId, PASSWORD)).status).toBe(429);
      const reasons = portal.db.prepare(`SELECT reason FROM login_events WHERE login_id = ? ORDER BY id`).pluck().all(user.loginId);
      expect(reasons).toContain('second_factor');
      expect(reasons.filter((r) => r === 'bad_otp')).toHaveLength(7);
    } finally {
      await portal.close();
    }
  });

  it('a recovery code logs in once; turning it off needs a code', async () => {
    const portal = createTestPortal();
    const user = createUser(portal.db, 'municipality');
    const agent = await loggedInAgent(portal.app, user.loginId, PASSWORD);
    const { secret, codes } = await enable(agent, portal.clock.now());

    const first = request.agent(portal.app);
    const ok = await codeStep(first, await passwordStep(first, user.loginId), codes[3]!.toUpperCase());
    expect(ok.status).toBe(302);
    expect($((await first.get('/')).text)('[data-done]').text()).toContain('残りの回復コードは9個');
    const again = request.agent(portal.app);
    expect((await codeStep(again, await passwordStep(again, user.loginId), codes[3]!)).status).toBe(401);

    const refused = await submit(agent, '/account/two-factor', '/account/two-factor/disable', { otp: '000000' });
    expect(refused.status).toBe(400);
    portal.clock.advance(30_000);
    expect((await submit(agent, '/account/two-factor', '/account/two-factor/disable', { otp: totpCode(secret, portal.clock.now()) })).status).toBe(303);
    expect((await login(request.agent(portal.app), user.loginId, PASSWORD)).status).toBe(302);
  });

  it('required for secretariat accounts by a setting (off on a fresh database, and /admin says so): such an account is sent to the set-up first', async () => {
    const portal = createTestPortal();
    const { agent: admin, post } = await adminAgent(portal);
    expect($((await admin.get('/admin')).text)('[data-two-factor-optional]').length).toBe(1);
    expect((await post('/admin/security', '/admin/security/two-factor', { required: '1' })).status).toBe(303);
    // The secretariat's own account, too, is sent to the set-up: every page leads there until it is done.
    for (const path of ['/admin', '/search', '/account']) {
      const res = await admin.get(path);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/account/two-factor');
    }
    const setup = $((await admin.get('/account/two-factor')).text);
    expect(setup('[data-two-factor-required]').length).toBe(1);
    await enable(admin, portal.clock.now());
    expect((await admin.get('/admin')).status).toBe(200);
    expect($((await admin.get('/admin')).text)('[data-two-factor-optional]').length).toBe(0);
    // Not for the other kinds.
    const vendor = createUser(portal.db, 'vendor');
    expect((await (await loggedInAgent(portal.app, vendor.loginId, PASSWORD)).get('/my/entries')).status).toBe(200);
    expect(portal.db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'security.two_factor'`).pluck().get()).toBe(1);
  });

  it('the secretariat resets a user\'s second factor: audited, mailed to the user, and the password alone logs in again', async () => {
    const portal = await portalWithMail();
    try {
      const user = createUser(portal.db, 'vendor', { email: 'lost-phone@vendor.example.jp' });
      await enable(await loggedInAgent(portal.app, user.loginId, PASSWORD), portal.clock.now());
      expect((await login(request.agent(portal.app), user.loginId, PASSWORD)).status).toBe(200);
      const { post, agent } = await adminAgent(portal);
      expect($((await agent.get(`/admin/users/${user.id}`)).text)('[data-two-factor-state]').attr('data-two-factor-state')).toBe('on');
      expect((await post(`/admin/users/${user.id}`, `/admin/users/${user.id}/two-factor/reset`, {})).status).toBe(303);
      expect((await login(request.agent(portal.app), user.loginId, PASSWORD)).status).toBe(302);
      const mails = await portal.mailsTo('lost-phone@vendor.example.jp', 2);
      expect(mails[1]!.subject).toBe('【ＡＰＰＬＩＣ マッチングポータル】ＡＰＰＬＩＣ事務局が二要素認証を解除しました');
      expect(portal.db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'user.two_factor_reset' AND target_id = ?`).pluck().get(user.id)).toBe(1);
    } finally {
      await portal.close();
    }
  });
});
