import request from 'supertest';
import { describe, expect, it } from 'vitest';
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

  it('the session cookie is HttpOnly and SameSite=Lax', async () => {
    const { app } = createTestPortal();
    const res = await request(app).get('/login');
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('portal.sid='));
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).not.toMatch(/; Secure/i);
  });

  it('behind an HTTPS proxy that is trusted, the session cookie is Secure', async () => {
    const { app } = createTestPortal({ config: { trustProxy: 'loopback' } });
    const res = await request(app).get('/login').set('X-Forwarded-Proto', 'https');
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('portal.sid='));
    expect(cookie).toMatch(/; Secure/i);
  });

  it('reading pages anonymously creates no session', async () => {
    const { app, db } = createTestPortal();
    const res = await request(app).get('/');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
  });
});
