import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createUser, PASSWORD } from '../helpers/factories.js';
import { csrfFrom } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

describe('security headers', () => {
  it('CSP allows scripts from the portal only, never inline', async () => {
    const { app } = createTestPortal();
    const res = await request(app).get('/');
    const csp = String(res.headers['content-security-policy']);
    const scriptSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src'));
    expect(scriptSrc).toBe("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
  });

  it('sends nosniff and frame protection, and hides the framework', async () => {
    const { app } = createTestPortal();
    const res = await request(app).get('/');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('the session cookie (set at login) and the login form\'s token cookie are HttpOnly and SameSite=Lax', async () => {
    const { app, db } = createTestPortal();
    const user = createUser(db, 'municipality');
    const agent = request.agent(app);
    const page = await agent.get('/login');
    const formCookie = (page.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('portal.csrf='));
    const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text, '/login'), login_id: user.loginId, password: PASSWORD });
    const sessionCookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('portal.sid='));
    for (const cookie of [formCookie, sessionCookie]) {
      expect(cookie).toBeDefined();
      expect(cookie).toMatch(/; HttpOnly/i);
      expect(cookie).toMatch(/; SameSite=Lax/i);
      expect(cookie).not.toMatch(/; Secure/i);
    }
  });

  it('behind an HTTPS proxy that is trusted, both cookies are Secure', async () => {
    const { app, db } = createTestPortal({ config: { trustProxy: 'loopback' } });
    const user = createUser(db, 'municipality');
    const agent = request.agent(app);
    const page = await agent.get('/login').set('X-Forwarded-Proto', 'https');
    const formCookie = (page.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('portal.csrf='));
    const token = csrfFrom(page.text, '/login');
    const res = await agent.post('/login').set('X-Forwarded-Proto', 'https').set('Cookie', formCookie!.split(';')[0]!)
      .type('form').send({ _csrf: token, login_id: user.loginId, password: PASSWORD });
    expect(res.status).toBe(302);
    const sessionCookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('portal.sid='));
    expect(formCookie).toMatch(/; Secure/i);
    expect(sessionCookie).toMatch(/; Secure/i);
  });

  it('the login page creates no session row, however often it is fetched; a failed login neither (issue 15.8)', async () => {
    const { app, db } = createTestPortal();
    for (let i = 0; i < 20; i++) {
      const res = await request(app).get('/login');
      expect((res.headers['set-cookie'] as unknown as string[] | undefined)?.some((c) => c.startsWith('portal.sid='))).toBeFalsy();
    }
    const agent = request.agent(app);
    const page = await agent.get('/login');
    expect((await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text, '/login'), login_id: 'x', password: 'y' })).status).toBe(401);
    expect(db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
  });

  it('the login form\'s token works only with its own cookie › another visitor\'s token, or none, is refused with 403', async () => {
    const { app, db } = createTestPortal();
    const user = createUser(db, 'municipality');
    const mine = request.agent(app);
    const theirs = await request(app).get('/login');
    await mine.get('/login');
    const res = await mine.post('/login').type('form').send({ _csrf: csrfFrom(theirs.text, '/login'), login_id: user.loginId, password: PASSWORD });
    expect(res.status).toBe(403);
    const noCookie = await request(app).post('/login').type('form').send({ _csrf: csrfFrom(theirs.text, '/login'), login_id: user.loginId, password: PASSWORD });
    expect(noCookie.status).toBe(403);
  });

  it('reading pages anonymously creates no session', async () => {
    const { app, db } = createTestPortal();
    const res = await request(app).get('/');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
  });
});
