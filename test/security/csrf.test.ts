import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createUser, PASSWORD } from '../helpers/factories.js';
import { csrfFrom, loggedInAgent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

describe('CSRF protection', () => {
  it('POST /login without _csrf › 403 with a Japanese page, and no login happens', async () => {
    const { app, db } = createTestPortal();
    const user = createUser(db, 'municipality');
    const agent = request.agent(app);
    await agent.get('/login');
    const res = await agent.post('/login').type('form').send({ login_id: user.loginId, password: PASSWORD });
    expect(res.status).toBe(403);
    expect(res.text).toContain('不正な送信の可能性があるため処理を中止しました');
    expect(db.prepare('SELECT count(*) FROM login_events').pluck().get()).toBe(0);
    expect((await agent.get('/my/entries')).status).toBe(302);
  });

  it('POST /login with a token from another session › 403', async () => {
    const { app, db } = createTestPortal();
    const user = createUser(db, 'municipality');
    const other = await request.agent(app).get('/login');
    const agent = request.agent(app);
    await agent.get('/login');
    const res = await agent.post('/login').type('form')
      .send({ _csrf: csrfFrom(other.text), login_id: user.loginId, password: PASSWORD });
    expect(res.status).toBe(403);
  });

  it('POST /logout without _csrf › 403 and the session stays', async () => {
    const { app, db } = createTestPortal();
    const user = createUser(db, 'vendor');
    const agent = await loggedInAgent(app, user.loginId, PASSWORD);
    expect((await agent.post('/logout').type('form').send({})).status).toBe(403);
    expect((await agent.get('/login')).status).toBe(302);
  });

  it('every form a logged-in user sees on the home page carries a _csrf field', async () => {
    const { app, db } = createTestPortal();
    const user = createUser(db, 'secretariat');
    const agent = await loggedInAgent(app, user.loginId, PASSWORD);
    const home = await agent.get('/');
    const forms = home.text.match(/<form[^>]*method="post"[\s\S]*?<\/form>/g) ?? [];
    expect(forms.length).toBeGreaterThan(0);
    for (const form of forms) expect(form).toMatch(/name="_csrf" value="[^"]+"/);
  });
});
