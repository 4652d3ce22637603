import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createUser, PASSWORD } from '../helpers/factories.js';
import { loggedInAgent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

describe('guards', () => {
  it('login required › anonymous GET /my/entries is sent to the login page and back', async () => {
    const { app } = createTestPortal();
    const res = await request(app).get('/my/entries');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login?next=%2Fmy%2Fentries');
  });

  it('login required › the query string is kept in next', async () => {
    const { app } = createTestPortal();
    const res = await request(app).get('/my/entries?q=防災&page=2');
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent('/my/entries?q=%E9%98%B2%E7%81%BD&page=2')}`);
  });

  it('login required › anonymous GET /admin is sent to the login page', async () => {
    const { app } = createTestPortal();
    const res = await request(app).get('/admin');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login?next=%2Fadmin');
  });

  it.each(['vendor', 'municipality'] as const)('organisation kind › a %s user on /admin gets a Japanese 403 page', async (kind) => {
    const { app, db } = createTestPortal();
    const user = createUser(db, kind);
    const agent = await loggedInAgent(app, user.loginId, PASSWORD);
    const res = await agent.get('/admin');
    expect(res.status).toBe(403);
    expect(res.text).toContain('ＡＰＰＬＩＣ事務局向けの管理機能です');
    expect(res.text).toContain('<html lang="ja">');
    expect(res.text).toContain('aria-label="パンくずリスト"');
  });

  it('organisation kind › the guard covers every path under /admin', async () => {
    const { app, db } = createTestPortal();
    const user = createUser(db, 'vendor');
    const agent = await loggedInAgent(app, user.loginId, PASSWORD);
    expect((await agent.get('/admin/users/1')).status).toBe(403);
  });
});
