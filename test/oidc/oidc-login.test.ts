import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import { tokenHash } from '../../src/features/account-links/account-links.service.js';
import { credentialsRepository } from '../../src/features/accounts/credentials.repository.js';
import { createUser, PASSWORD } from '../helpers/factories.js';
import { $, csrfFrom, loggedInAgent, login, type Agent } from '../helpers/http.js';
import { OIDC_CLIENT, startIssuer } from '../helpers/oidc-issuer.js';
import { createTestPortal, PUBLIC_URL } from '../helpers/portal.js';

type Issuer = Awaited<ReturnType<typeof startIssuer>>;

/** Issue 24 against a real OpenID Connect issuer on loopback (oidc-provider, test/helpers/oidc-issuer.ts). */
describe('sign-in with the association\'s ID (OpenID Connect)', () => {
  let issuer: Issuer;
  beforeAll(async () => { issuer = await startIssuer(PUBLIC_URL); });
  afterAll(async () => issuer?.close());

  // The portal's clock starts at the real time here: it judges the ID token's times.
  const portal = () => createTestPortal({ startsAt: new Date().toISOString(), config: { oidc: { issuer: issuer.url, ...OIDC_CLIENT } } });
  const linkUser = (db: ReturnType<typeof portal>['db'], userId: number, subject: string) =>
    db.prepare(`INSERT INTO oidc_links (user_id, issuer, subject, linked_at) VALUES (?, ?, ?, '2026-11-01T00:00:00.000Z')`).run(userId, issuer.url, subject);
  /** The portal's callback path and query the issuer sends the browser to. */
  const callbackOf = (location: string) => location.replace(PUBLIC_URL, '');

  /** The login page's 「ＡＰＰＬＩＣ会員IDでログイン」 followed to the issuer; returns where the issuer sends back. */
  async function signIn(agent: Agent, subject: string, next?: string): Promise<string> {
    const page = $((await agent.get(`/login${next ? `?next=${encodeURIComponent(next)}` : ''}`)).text);
    const start = await agent.get(page('[data-oidc-login] a').attr('href')!);
    expect(start.status).toBe(303);
    expect(String(start.headers.location)).toMatch(new RegExp(`^${issuer.url}/auth\\?`));
    const authorization = new URL(String(start.headers.location));
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.searchParams.get('state')).toBeTruthy();
    expect(authorization.searchParams.get('nonce')).toBeTruthy();
    return issuer.signIn(String(start.headers.location), subject);
  }

  it('a linked user signs in and lands where `next` says, logged in in a new session, the login recorded with its method', async () => {
    const { app, db } = portal();
    const user = createUser(db, 'municipality');
    linkUser(db, user.id, 'applic-member-0001');
    const agent = request.agent(app);
    const answer = callbackOf(await signIn(agent, 'applic-member-0001', '/search'));
    // The session that started the login (it holds state, nonce and verifier) is not the one logged in.
    const started = db.prepare(`SELECT sid FROM sessions WHERE sess LIKE '%oidcPending%'`).pluck().get() as string;
    const back = await agent.get(answer);
    expect(back.status).toBe(302);
    expect(back.headers.location).toBe('/search');
    expect(db.prepare('SELECT count(*) FROM sessions WHERE sid = ?').pluck().get(started)).toBe(0);
    expect(String(back.headers['set-cookie'])).toMatch(/portal\.sid=/);
    const organisation = db.prepare('SELECT name FROM organisations WHERE id = ?').pluck().get(user.organisationId) as string;
    expect($((await agent.get('/')).text)('.account-state').text()).toContain(organisation);
    expect((await agent.get('/my/searches')).status).toBe(200);
    expect(db.prepare(`SELECT login_id, reason, method FROM login_events`).all()).toEqual([{ login_id: user.loginId, reason: 'ok', method: 'oidc' }]);
  });

  it('an unlinked subject is refused with a page saying whom to ask; nothing is created', async () => {
    const { app, db } = portal();
    const before = db.prepare('SELECT count(*) FROM users').pluck().get();
    const agent = request.agent(app);
    const back = await agent.get(callbackOf(await signIn(agent, 'someone-unknown')));
    expect(back.status).toBe(403);
    expect($(back.text)('h1').text()).toBe('アカウントが結び付けられていません');
    expect($(back.text)('main').text()).toContain('ＡＰＰＬＩＣ事務局');
    // What the secretariat needs to link it.
    expect($(back.text)('[data-oidc-subject]').text()).toBe('someone-unknown');
    expect(db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(before);
    expect((await agent.get('/my/searches')).status).toBe(302);
    // Logged with the subject, so the secretariat can see whom to link.
    expect(db.prepare('SELECT login_id, user_id, success, reason, method FROM login_events').all())
      .toEqual([{ login_id: 'someone-unknown', user_id: null, success: 0, reason: 'oidc_unlinked', method: 'oidc' }]);
  });

  it('a tampered state, a replayed code and a wrong nonce › 400, not logged in, each logged', async () => {
    const { app, db } = portal();
    const user = createUser(db, 'municipality');
    linkUser(db, user.id, 'applic-member-0002');

    const tampered = request.agent(app);
    const answer = new URL(await signIn(tampered, 'applic-member-0002'));
    answer.searchParams.set('state', 'not-the-state');
    expect((await tampered.get(callbackOf(answer.href))).status).toBe(400);
    expect((await tampered.get('/my/searches')).status).toBe(302);

    const replayed = request.agent(app);
    const callback = callbackOf(await signIn(replayed, 'applic-member-0002'));
    expect((await replayed.get(callback)).status).toBe(302);
    const other = request.agent(app);
    await other.get('/auth/oidc');
    expect((await other.get(callback)).status).toBe(400);

    // The nonce the session expects, changed: the ID token's nonce no longer matches.
    const wrongNonce = request.agent(app);
    const location = await signIn(wrongNonce, 'applic-member-0002');
    const row = db.prepare(`SELECT sid, sess FROM sessions WHERE sess LIKE '%oidcPending%'`).get() as { sid: string; sess: string };
    const sess = JSON.parse(row.sess) as { oidcPending: { nonce: string } };
    sess.oidcPending.nonce = 'another-nonce';
    db.prepare('UPDATE sessions SET sess = ? WHERE sid = ?').run(JSON.stringify(sess), row.sid);
    expect((await wrongNonce.get(callbackOf(location))).status).toBe(400);
    expect((await wrongNonce.get('/my/searches')).status).toBe(302);
    expect(db.prepare(`SELECT reason, method FROM login_events ORDER BY id`).all()).toEqual([
      { reason: 'oidc_refused', method: 'oidc' }, { reason: 'ok', method: 'oidc' }, { reason: 'oidc_refused', method: 'oidc' }, { reason: 'oidc_refused', method: 'oidc' },
    ]);
  });

  it('an expired ID token (the portal\'s clock two hours on; the issuer\'s tokens last one) › 400, not logged in, logged', async () => {
    const { app, db, clock } = portal();
    const user = createUser(db, 'municipality');
    linkUser(db, user.id, 'applic-member-0006');
    const agent = request.agent(app);
    const location = await signIn(agent, 'applic-member-0006');
    clock.advance(2 * 60 * 60_000 - 5 * 60_000);
    // The started login itself is kept only ten minutes: this is the token's expiry, not the session's.
    db.prepare(`UPDATE sessions SET sess = json_set(sess, '$.oidcPending.startedAt', ?) WHERE sess LIKE '%oidcPending%'`).run(clock.now().toISOString());
    clock.advance(5 * 60_000);
    expect((await agent.get(callbackOf(location))).status).toBe(400);
    expect((await agent.get('/my/searches')).status).toBe(302);
    expect(db.prepare(`SELECT login_id, reason, method FROM login_events`).all()).toEqual([{ login_id: '', reason: 'oidc_refused', method: 'oidc' }]);
  });

  it('active = 0 and the outside-range deny policy refuse it, as they refuse a password login', async () => {
    const { app, db } = portal();
    const inactive = createUser(db, 'vendor', { active: false });
    linkUser(db, inactive.id, 'applic-member-0003');
    const agent = request.agent(app);
    expect((await agent.get(callbackOf(await signIn(agent, 'applic-member-0003')))).status).toBe(401);

    const city = createUser(db, 'municipality');
    linkUser(db, city.id, 'applic-member-0004');
    db.prepare(`INSERT INTO organisation_ip_ranges (organisation_id, cidr) VALUES (?, '203.0.113.0/24')`).run(city.organisationId);
    db.prepare(`INSERT INTO settings (key, value, updated_at) VALUES ('outside_range_policy', 'deny', '2026-11-01T00:00:00.000Z')
      ON CONFLICT (key) DO UPDATE SET value = 'deny'`).run();
    const denied = request.agent(app);
    expect((await denied.get(callbackOf(await signIn(denied, 'applic-member-0004')))).status).toBe(401);
    expect((await denied.get('/my/searches')).status).toBe(302);
    expect(db.prepare(`SELECT reason, method FROM login_events ORDER BY id`).all()).toEqual([
      { reason: 'inactive', method: 'oidc' }, { reason: 'outside_range_denied', method: 'oidc' },
    ]);
  });

  it('logout ends the portal session and sends the browser to the issuer\'s end-session endpoint', async () => {
    const { app, db } = portal();
    const user = createUser(db, 'municipality');
    linkUser(db, user.id, 'applic-member-0005');
    const agent = request.agent(app);
    await agent.get(callbackOf(await signIn(agent, 'applic-member-0005')));
    const home = await agent.get('/');
    // The logout form ends at the issuer: the page's CSP lets a form go there (Chromium checks its redirects).
    expect(String(home.headers['content-security-policy'])).toContain(`form-action 'self' ${issuer.url}`);
    const token = csrfFrom(home.text, '/logout');
    const out = await agent.post('/logout').type('form').send({ _csrf: token });
    expect(out.status).toBe(302);
    const endSession = new URL(String(out.headers.location));
    expect(endSession.origin).toBe(issuer.url);
    expect(endSession.searchParams.get('id_token_hint')).toBeTruthy();
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${PUBLIC_URL}/`);
    expect((await agent.get('/my/searches')).status).toBe(302);
  });
});

describe('a token from another issuer', () => {
  let other: Issuer;
  let impostor: http.Server;
  let impostorUrl: string;
  beforeAll(async () => {
    other = await startIssuer(PUBLIC_URL);
    // An address that calls itself the issuer but hands every step to another, real issuer: its keys
    // sign the tokens, so only the tokens' issuer (iss) tells them apart.
    const metadata = await (await fetch(`${other.url}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    delete metadata.authorization_response_iss_parameter_supported;
    impostor = http.createServer((req, res) => {
      if (req.url !== '/.well-known/openid-configuration') return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...metadata, issuer: impostorUrl }));
    });
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    impostorUrl = `http://127.0.0.1:${(impostor.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await other?.close();
    await new Promise((resolve) => impostor?.close(resolve));
  });

  it('is refused with 400 and logged, with or without the issuer named in the answer', async () => {
    const { app, db } = createTestPortal({ startsAt: new Date().toISOString(), config: { oidc: { issuer: impostorUrl, ...OIDC_CLIENT } } });
    const user = createUser(db, 'municipality');
    db.prepare(`INSERT INTO oidc_links (user_id, issuer, subject, linked_at) VALUES (?, ?, 'member-x', '2026-11-01T00:00:00.000Z')`).run(user.id, impostorUrl);
    db.prepare(`INSERT INTO oidc_links (user_id, issuer, subject, linked_at) VALUES (?, ?, 'member-x', '2026-11-01T00:00:00.000Z')`).run(createUser(db, 'municipality').id, other.url);
    for (const stripIss of [false, true]) {
      const agent = request.agent(app);
      const start = await agent.get('/auth/oidc');
      expect(String(start.headers.location)).toMatch(new RegExp(`^${other.url}/auth\\?`));
      const answer = new URL(await other.signIn(String(start.headers.location), 'member-x'));
      expect(answer.searchParams.get('iss')).toBe(other.url);
      // Without the answer's iss the code is exchanged, and the ID token's own iss is what refuses it.
      if (stripIss) answer.searchParams.delete('iss');
      const back = await agent.get(answer.href.replace(PUBLIC_URL, ''));
      expect(back.status).toBe(400);
      expect((await agent.get('/my/searches')).status).toBe(302);
    }
    expect(db.prepare(`SELECT reason, method FROM login_events ORDER BY id`).all())
      .toEqual([{ reason: 'oidc_refused', method: 'oidc' }, { reason: 'oidc_refused', method: 'oidc' }]);
  });
});

describe('the secretariat links accounts to the association\'s IDs (issue 24.2)', () => {
  let issuer: Issuer;
  beforeAll(async () => { issuer = await startIssuer(PUBLIC_URL); });
  afterAll(async () => issuer?.close());

  it('on the account\'s page: linked, then the ID signs in there; one ID, one account; unlinked, it is refused again', async () => {
    const { app, db } = createTestPortal({ config: { oidc: { issuer: issuer.url, ...OIDC_CLIENT } } });
    const city = createUser(db, 'municipality');
    const other = createUser(db, 'vendor');
    const admin = await loggedInAgent(app, createUser(db, 'secretariat').loginId, PASSWORD);
    const page = (await admin.get(`/admin/users/${city.id}`)).text;
    expect($(page)('[data-oidc-link]').attr('data-oidc-link')).toBe('');
    const token = csrfFrom(page, `/admin/users/${city.id}/oidc-link`);
    expect((await admin.post(`/admin/users/${city.id}/oidc-link`).type('form').send({ subject: 'member-77' })).status).toBe(403);
    const linked = await admin.post(`/admin/users/${city.id}/oidc-link`).type('form').send({ _csrf: token, subject: ' member-77 ' });
    expect(linked.status).toBe(303);
    expect($((await admin.get(`/admin/users/${city.id}`)).text)('[data-oidc-link]').attr('data-oidc-link')).toBe('member-77');
    expect((await admin.post(`/admin/users/${other.id}/oidc-link`).type('form').send({ _csrf: token, subject: 'member-77' })).status).toBe(409);
    expect((await admin.post(`/admin/users/${other.id}/oidc-link`).type('form').send({ _csrf: token, subject: 'has space' })).status).toBe(400);
    expect(db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'user.oidc_link'`).pluck().get()).toBe(1);

    const signInAs = async (subject: string) => {
      const agent = request.agent(app);
      const start = await agent.get('/auth/oidc');
      return agent.get((await issuer.signIn(String(start.headers.location), subject)).replace(PUBLIC_URL, ''));
    };
    expect((await signInAs('member-77')).status).toBe(302);
    await admin.post(`/admin/users/${city.id}/oidc-link`).type('form').send({ _csrf: token, subject: '' });
    expect((await signInAs('member-77')).status).toBe(403);
  });
});

describe('the secretariat requires the association\'s ID for municipality and vendor accounts (issue 24.3)', () => {
  let issuer: Issuer;
  beforeAll(async () => { issuer = await startIssuer(PUBLIC_URL); });
  afterAll(async () => issuer?.close());

  it('set on the login-security page: a member\'s right password is refused and pointed to the ID, the ID works, the secretariat keeps its password', async () => {
    const { app, db } = createTestPortal({ startsAt: new Date().toISOString(), config: { oidc: { issuer: issuer.url, ...OIDC_CLIENT } } });
    const secretariat = createUser(db, 'secretariat');
    const vendor = createUser(db, 'vendor');
    db.prepare(`INSERT INTO oidc_links (user_id, issuer, subject, linked_at) VALUES (?, ?, 'vendor-member-1', '2026-11-01T00:00:00.000Z')`).run(vendor.id, issuer.url);
    const admin = await loggedInAgent(app, secretariat.loginId, PASSWORD);
    const page = (await admin.get('/admin/security')).text;
    expect($(page)('[data-oidc-requirement]').attr('data-oidc-requirement')).toBe('optional');
    expect((await login(request.agent(app), vendor.loginId, PASSWORD)).status).toBe(302);

    const set = await admin.post('/admin/security/oidc-required').type('form').send({ _csrf: csrfFrom(page, '/admin/security/oidc-required'), required: '1' });
    expect(set.status).toBe(303);
    expect($((await admin.get('/admin/security')).text)('[data-oidc-requirement]').attr('data-oidc-requirement')).toBe('required');
    expect(db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'security.oidc_required'`).pluck().get()).toBe(1);

    const refused = await login(request.agent(app), vendor.loginId, PASSWORD);
    expect(refused.status).toBe(403);
    expect($(refused.text)('[role="alert"]').text()).toContain('ＡＰＰＬＩＣ会員IDでログインしてください');
    expect($(refused.text)('[data-oidc-login] a').attr('href')).toBe('/auth/oidc');
    // A wrong password learns nothing of the rule: the usual message.
    const wrong = await login(request.agent(app), vendor.loginId, 'not-the-password');
    expect(wrong.status).toBe(401);
    expect($(wrong.text)('[role="alert"]').text()).not.toContain('ＡＰＰＬＩＣ会員ID');
    expect((await login(request.agent(app), secretariat.loginId, PASSWORD)).status).toBe(302);

    const agent = request.agent(app);
    const start = await agent.get('/auth/oidc');
    expect((await agent.get((await issuer.signIn(String(start.headers.location), 'vendor-member-1')).replace(PUBLIC_URL, ''))).status).toBe(302);
    expect((await agent.get('/my/entries')).status).toBe(200);

    // The login log says how each was made.
    const log = $((await admin.get(`/admin/security?login_id=${vendor.loginId}`)).text);
    expect(log('[data-login-event]').map((_, row) => log(row).find('td').eq(4).text() + '／' + log(row).find('td').eq(5).text()).get()).toEqual([
      'ＡＰＰＬＩＣ会員ID／成功', 'パスワード／失敗：IDまたはパスワードの誤り', 'パスワード／失敗：ＡＰＰＬＩＣ会員IDでのログインが必須のため拒否', 'パスワード／成功',
    ]);
  });

  it('without the issuer configured the setting does not exist, and a stored one does not lock anyone out', async () => {
    const { app, db } = createTestPortal();
    db.prepare(`INSERT INTO settings (key, value, updated_at) VALUES ('oidc_required_members', '1', '2026-11-01T00:00:00.000Z')`).run();
    const vendor = createUser(db, 'vendor');
    expect((await login(request.agent(app), vendor.loginId, PASSWORD)).status).toBe(302);
    const admin = await loggedInAgent(app, createUser(db, 'secretariat').loginId, PASSWORD);
    const page = (await admin.get('/admin/security')).text;
    expect($(page)('[data-oidc-requirement]').length).toBe(0);
    expect((await admin.post('/admin/security/oidc-required').type('form').send({ _csrf: csrfFrom(page, '/logout'), required: '1' })).status).toBe(404);
  });
});

describe('an invitation accepted by signing in with the association\'s ID (issue 24.2)', () => {
  let issuer: Issuer;
  beforeAll(async () => { issuer = await startIssuer(PUBLIC_URL); });
  afterAll(async () => issuer?.close());

  /** The invitation link as the secretariat's mail carries it. */
  const invite = (db: ReturnType<typeof createTestPortal>['db'], userId: number) => {
    const token = crypto.randomBytes(32).toString('base64url');
    credentialsRepository(db).issueToken(userId, 'invite', tokenHash(token), new Date().toISOString(), new Date(Date.now() + 7 * 86_400_000).toISOString());
    return `/invite/${token}`;
  };

  it('links the subject that accepts it, uses the invitation, and logs in; the link works once', async () => {
    const { app, db } = createTestPortal({ startsAt: new Date().toISOString(), config: { oidc: { issuer: issuer.url, ...OIDC_CLIENT } } });
    const invited = createUser(db, 'vendor');
    const path = invite(db, invited.id);
    const agent = request.agent(app);
    const page = $((await agent.get(path)).text);
    expect(page('[data-oidc-accept] a').attr('href')).toBe(`${path}/oidc`);
    const start = await agent.get(`${path}/oidc`);
    expect(start.status).toBe(303);
    const back = await agent.get((await issuer.signIn(String(start.headers.location), 'new-member-42')).replace(PUBLIC_URL, ''));
    expect(back.status).toBe(302);
    expect(back.headers.location).toBe('/');
    expect((await agent.get('/my/entries')).status).toBe(200);
    expect(db.prepare('SELECT subject FROM oidc_links WHERE user_id = ?').pluck().get(invited.id)).toBe('new-member-42');
    expect(db.prepare(`SELECT action FROM audit_log WHERE target_id = ? ORDER BY id`).pluck().all(invited.id)).toEqual(['user.oidc_link', 'account.invitation_accepted']);
    // Used: neither the page nor its sign-in works again.
    expect((await request(app).get(path)).status).toBe(410);
    expect((await request(app).get(`${path}/oidc`)).status).toBe(410);
    // From now on the ID signs in to the account.
    const later = request.agent(app);
    const again = await later.get('/auth/oidc');
    expect((await later.get((await issuer.signIn(String(again.headers.location), 'new-member-42')).replace(PUBLIC_URL, ''))).status).toBe(302);
  });

  it('an ID already linked to another account cannot take the invitation: 409, the invitation still open, nothing linked', async () => {
    const { app, db } = createTestPortal({ startsAt: new Date().toISOString(), config: { oidc: { issuer: issuer.url, ...OIDC_CLIENT } } });
    const holder = createUser(db, 'municipality');
    db.prepare(`INSERT INTO oidc_links (user_id, issuer, subject, linked_at) VALUES (?, ?, 'member-held', '2026-11-01T00:00:00.000Z')`).run(holder.id, issuer.url);
    const invited = createUser(db, 'vendor');
    const path = invite(db, invited.id);
    const agent = request.agent(app);
    const start = await agent.get(`${path}/oidc`);
    const back = await agent.get((await issuer.signIn(String(start.headers.location), 'member-held')).replace(PUBLIC_URL, ''));
    expect(back.status).toBe(409);
    expect((await agent.get('/my/entries')).status).toBe(302);
    expect(db.prepare('SELECT count(*) FROM oidc_links WHERE user_id = ?').pluck().get(invited.id)).toBe(0);
    expect((await request(app).get(path)).status).toBe(200);
  });

  it('without the issuer configured the invitation page offers only the password', async () => {
    const { app, db } = createTestPortal();
    const path = invite(db, createUser(db, 'vendor').id);
    expect($((await request(app).get(path)).text)('[data-oidc-accept]').length).toBe(0);
    expect((await request(app).get(`${path}/oidc`)).status).toBe(404);
  });
});

describe('the issuer out of reach', () => {
  it('the start answers 503 with a page pointing to the portal\'s own login, which still works', async () => {
    const { app } = createTestPortal({ config: { oidc: { issuer: 'http://127.0.0.1:9', ...OIDC_CLIENT } } });
    const res = await request(app).get('/auth/oidc');
    expect(res.status).toBe(503);
    expect($(res.text)('[role="alert"]').text()).toContain('ポータルのIDとパスワードでログインしてください');
    expect($((await request(app).get('/login')).text)('form[action="/login"]').length).toBe(1);
  });
});

describe('without OIDC_* set', () => {
  it('the login page offers only the portal\'s own login, and /auth/oidc and the account page\'s link do not exist', async () => {
    const { app, db } = createTestPortal();
    const admin = await loggedInAgent(app, createUser(db, 'secretariat').loginId, PASSWORD);
    const city = createUser(db, 'municipality');
    const page = (await admin.get(`/admin/users/${city.id}`)).text;
    expect($(page)('[data-oidc-link]').length).toBe(0);
    expect((await admin.post(`/admin/users/${city.id}/oidc-link`).type('form').send({ _csrf: csrfFrom(page, '/logout'), subject: 'x' })).status).toBe(404);
    const loginPage = await request(app).get('/login');
    expect($(loginPage.text)('[data-oidc-login]').length).toBe(0);
    expect(String(loginPage.headers['content-security-policy'])).toContain(`form-action 'self';`);
    expect((await request(app).get('/auth/oidc')).status).toBe(404);
    expect((await request(app).get('/auth/oidc/callback?code=x&state=y')).status).toBe(404);
  });
});
