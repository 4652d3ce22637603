import crypto from 'node:crypto';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { BAD_CREDENTIALS_MESSAGE } from '../../src/features/accounts/accounts.routes.js';
import { createUser, PASSWORD } from '../helpers/factories.js';
import { $, csrfFrom, login, loggedInAgent, sessionCookie } from '../helpers/http.js';
import { createTestPortal, TEST_SESSION_SECRET } from '../helpers/portal.js';

type EventRow = { login_id: string; user_id: number | null; organisation_id: number | null; ip: string; user_agent: string; success: number; reason: string };

describe('POST /login', () => {
  it('right password › 302 to the home page with a session id different from one held before login (a planted one)', async () => {
    const { app, db } = createTestPortal();
    const user = createUser(db, 'municipality');
    // A session that exists before login: planted by an attacker who knows its id.
    db.prepare('INSERT INTO sessions (sid, sess, expire) VALUES (?, ?, ?)')
      .run('planted-session-id', JSON.stringify({ cookie: { originalMaxAge: 1_800_000, httpOnly: true, path: '/' } }), new Date(Date.now() + 1_800_000).toISOString());
    // express-session's cookie: "s:" + id + "." + HMAC-SHA256 of the id in base64 without padding.
    const before = `s:planted-session-id.${crypto.createHmac('sha256', TEST_SESSION_SECRET).update('planted-session-id').digest('base64').replace(/=+$/, '')}`;
    const agent = request.agent(app);
    const page = await agent.get('/login').set('Cookie', `portal.sid=${encodeURIComponent(before)}`);

    const res = await agent
      .post('/login')
      .set('User-Agent', 'vitest-browser')
      .set('Cookie', [`portal.sid=${encodeURIComponent(before)}`, ...(page.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]!)].join('; '))
      .type('form')
      .send({ _csrf: csrfFrom(page.text), login_id: user.loginId, password: PASSWORD });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/');
    const after = sessionCookie(res.headers['set-cookie']);
    expect(after).toBeTruthy();
    expect(decodeURIComponent(after!)).not.toBe(before);
    expect(db.prepare(`SELECT count(*) FROM sessions WHERE sid = 'planted-session-id'`).pluck().get()).toBe(0);

    const home = await agent.get('/');
    expect($(home.text)('.account-state').text()).toContain('さん');
  });

  it('right password › records a successful login event with user, organisation, IP and user agent', async () => {
    const { app, db } = createTestPortal();
    const user = createUser(db, 'vendor');
    const agent = request.agent(app);
    const page = await agent.get('/login');
    await agent.post('/login').set('User-Agent', 'vitest-browser').type('form')
      .send({ _csrf: csrfFrom(page.text), login_id: user.loginId, password: PASSWORD });
    const event = db.prepare('SELECT * FROM login_events').get() as EventRow;
    expect(event).toMatchObject({
      login_id: user.loginId, user_id: user.id, organisation_id: user.organisationId,
      user_agent: 'vitest-browser', success: 1, reason: 'ok',
    });
    expect(event.ip).toMatch(/127\.0\.0\.1|::1/);
  });

  it('wrong password and unknown ID › both 401 with the same message, both recorded', async () => {
    const { app, db } = createTestPortal();
    const user = createUser(db, 'municipality');
    const wrong = await login(request.agent(app), user.loginId, 'not-the-password');
    const unknown = await login(request.agent(app), 'nobody-here', PASSWORD);
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.text).toContain(BAD_CREDENTIALS_MESSAGE);
    }
    // The page carries nothing that tells the two apart (the typed ID aside).
    const strip = (html: string) => html.replace(/value="[^"]*"/g, '');
    expect(strip(wrong.text)).toBe(strip(unknown.text));
    const events = db.prepare('SELECT login_id, user_id, success, reason FROM login_events ORDER BY id').all();
    expect(events).toEqual([
      { login_id: user.loginId, user_id: user.id, success: 0, reason: 'bad_credentials' },
      { login_id: 'nobody-here', user_id: null, success: 0, reason: 'bad_credentials' },
    ]);
  });

  it('a deactivated account › 401 with the same message', async () => {
    const { app, db } = createTestPortal();
    const user = createUser(db, 'municipality', { active: false });
    const res = await login(request.agent(app), user.loginId, PASSWORD);
    expect(res.status).toBe(401);
    expect(res.text).toContain(BAD_CREDENTIALS_MESSAGE);
  });

  it('empty fields › 400 with a message at each field and the typed ID kept', async () => {
    const { app } = createTestPortal();
    const agent = request.agent(app);
    const page = await agent.get('/login');
    const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), login_id: 'tanaka', password: '' });
    expect(res.status).toBe(400);
    const doc = $(res.text);
    expect(doc('#password-error').text()).toBe('パスワードを入力してください。');
    expect(doc('#login_id').val()).toBe('tanaka');
  });

  it('repeated failures › lock the ID for a while, even for the right password, and log the lock', async () => {
    const { app, db, clock } = createTestPortal({ lockPolicy: { maxFailures: 3, windowMs: 15 * 60_000, lockMs: 10 * 60_000 } });
    const user = createUser(db, 'vendor');
    for (let i = 0; i < 3; i++) expect((await login(request.agent(app), user.loginId, 'wrong')).status).toBe(401);

    const locked = await login(request.agent(app), user.loginId, PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.text).toContain('一時的に停止しています');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    const reasons = db.prepare('SELECT reason FROM login_events ORDER BY id').pluck().all();
    expect(reasons).toEqual(['bad_credentials', 'bad_credentials', 'bad_credentials', 'lock_started', 'locked']);

    clock.advance(10 * 60_000 + 1000);
    expect((await login(request.agent(app), user.loginId, PASSWORD)).status).toBe(302);
  });

  it('repeated failures › an unknown ID locks the same way, so a lock does not reveal which IDs exist', async () => {
    const { app } = createTestPortal({ lockPolicy: { maxFailures: 2, windowMs: 60_000, lockMs: 60_000 } });
    for (let i = 0; i < 2; i++) await login(request.agent(app), 'ghost', 'wrong');
    expect((await login(request.agent(app), 'ghost', 'wrong')).status).toBe(429);
  });

  it('a success resets the failure count, so colleagues who mistype now and then are never locked', async () => {
    const { app, db } = createTestPortal({ lockPolicy: { maxFailures: 3, windowMs: 15 * 60_000, lockMs: 60_000 } });
    const user = createUser(db, 'municipality');
    for (let round = 0; round < 2; round++) {
      await login(request.agent(app), user.loginId, 'wrong');
      await login(request.agent(app), user.loginId, 'wrong');
      expect((await login(request.agent(app), user.loginId, PASSWORD)).status).toBe(302);
    }
  });

  it('per address › many failures from one IP are throttled with 429 and recorded', async () => {
    const { app, db } = createTestPortal({ ipThrottle: { maxFailures: 3, windowMs: 60_000 } });
    createUser(db, 'municipality');
    for (let i = 0; i < 3; i++) expect((await login(request.agent(app), `guess-${i}`, 'wrong')).status).toBe(401);
    const throttled = await login(request.agent(app), 'guess-x', 'wrong');
    expect(throttled.status).toBe(429);
    expect(throttled.text).toContain('一時的にログインを制限しています');
    expect(db.prepare(`SELECT login_id FROM login_events WHERE reason = 'ip_throttled'`).pluck().all()).toEqual(['guess-x']);
  });

  it('per address › successful logins from one address are never throttled', async () => {
    const { app, db } = createTestPortal({ ipThrottle: { maxFailures: 2, windowMs: 60_000 } });
    const user = createUser(db, 'municipality');
    for (let i = 0; i < 4; i++) expect((await login(request.agent(app), user.loginId, PASSWORD)).status).toBe(302);
  });
});

describe('redirects around login', () => {
  it('next › a same-site path is honoured after login', async () => {
    const { app, db } = createTestPortal();
    const user = createUser(db, 'municipality');
    const res = await login(request.agent(app), user.loginId, PASSWORD, '/search/results?genre=1&q=防災');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/search/results?genre=1&q=%E9%98%B2%E7%81%BD');
  });

  // The last four pass a check of the raw text but normalise to //evil.example (issue 15).
  const offSite = ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)',
    '/.//evil.example', '/x/..//evil.example', '/.%2e/%2e%2e//evil.example', '/%2e%2e//evil.example', '/\t/evil.example'];

  it.each(offSite)(
    'next › %s is ignored',
    async (next) => {
      const { app, db } = createTestPortal();
      const user = createUser(db, 'municipality');
      const agent = request.agent(app);
      const page = await agent.get(`/login?next=${encodeURIComponent(next)}`);
      expect($(page.text)('input[name="next"]').length).toBe(0);
      const res = await agent.post('/login').type('form')
        .send({ _csrf: csrfFrom(page.text), login_id: user.loginId, password: PASSWORD, next });
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe('/');
    },
  );

  it('GET /login when already logged in › 302 to next or the home page, no login form', async () => {
    const { app, db } = createTestPortal();
    const user = createUser(db, 'vendor');
    const agent = await loggedInAgent(app, user.loginId, PASSWORD);
    const plain = await agent.get('/login');
    expect(plain.status).toBe(302);
    expect(plain.headers.location).toBe('/');
    const withNext = await agent.get('/login?next=%2Fmy%2Fentries');
    expect(withNext.headers.location).toBe('/my/entries');
  });

  it.each(offSite)('GET /login when already logged in › next=%s leads home, never off the site', async (next) => {
    const { app, db } = createTestPortal();
    const user = createUser(db, 'vendor');
    const agent = await loggedInAgent(app, user.loginId, PASSWORD);
    const res = await agent.get(`/login?next=${encodeURIComponent(next)}`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/');
  });
});

describe('sessions', () => {
  it('POST /logout › destroys the session: the old cookie is logged out and its row is gone', async () => {
    const { app, db } = createTestPortal();
    const user = createUser(db, 'municipality');
    const agent = await loggedInAgent(app, user.loginId, PASSWORD);
    const home = await agent.get('/');
    const cookie = `portal.sid=${sessionCookie(home.headers['set-cookie'])}`;
    expect(db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(1);

    const res = await agent.post('/logout').type('form').send({ _csrf: csrfFrom(home.text, '/logout') });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/');
    expect(db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);

    // Replaying the old cookie gets an anonymous visitor.
    const replay = await request(app).get('/my/entries').set('Cookie', cookie);
    expect(replay.status).toBe(302);
    expect(replay.headers.location).toBe('/login?next=%2Fmy%2Fentries');
  });

  it('a session survives a restart of the app on the same database file', async () => {
    const portal = createTestPortal();
    const user = createUser(portal.db, 'vendor');
    const agent = await loggedInAgent(portal.app, user.loginId, PASSWORD);
    const page = await agent.get('/');
    const cookie = `portal.sid=${sessionCookie(page.headers['set-cookie'])}`;

    const restarted = portal.restart();
    const res = await request(restarted).get('/').set('Cookie', cookie);
    expect(res.status).toBe(200);
    expect($(res.text)('.account-state').text()).toContain('さん');
  });

  it('a deactivated user is logged out on the next request', async () => {
    const { app, db } = createTestPortal();
    const user = createUser(db, 'vendor');
    const agent = await loggedInAgent(app, user.loginId, PASSWORD);
    db.prepare('UPDATE users SET active = 0 WHERE id = ?').run(user.id);
    const res = await agent.get('/my/entries');
    expect(res.status).toBe(302);
    expect(res.headers.location).toMatch(/^\/login\?next=/);
  });

  it('the session expires after the idle timeout', async () => {
    const { app, db } = createTestPortal({ config: { sessionIdleMinutes: 30 } });
    const user = createUser(db, 'vendor');
    const agent = await loggedInAgent(app, user.loginId, PASSWORD);
    expect((await agent.get('/my/entries')).status).not.toBe(302);
    // The store keeps the expiry beside the session; push it into the past as 30 idle minutes would.
    db.prepare(`UPDATE sessions SET expire = ?`).run(new Date(Date.now() - 1000).toISOString());
    const res = await agent.get('/my/entries');
    expect(res.status).toBe(302);
  });
});
