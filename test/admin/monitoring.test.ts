import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { outboxRepository } from '../../src/mail/outbox.repository.js';
import { createUser, PASSWORD } from '../helpers/factories.js';
import { $, login } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';
import { adminAgent } from './helpers.js';

describe('monitoring screens', () => {
  it('/admin/mail › every message with its recipients and state, readable without SMTP', async () => {
    const portal = createTestPortal();
    const outbox = outboxRepository(portal.db);
    const sent = outbox.enqueue({ kind: 'a', to: ['a@example.jp'], subject: '送信済みの件名', body: '本文A' }, '2026-11-26T00:00:00.000Z')!;
    outbox.markSent(sent, '2026-11-26T00:01:00.000Z');
    outbox.enqueue({ kind: 'b', to: ['b@example.jp', 'c@example.jp'], subject: '未送信の件名', body: '本文B' }, '2026-11-26T00:02:00.000Z');
    const { agent } = await adminAgent(portal);
    const doc = $((await agent.get('/admin/mail')).text);
    const items = doc('[data-mail-id]').map((_, el) => [[doc(el).attr('data-mail-status'), doc(el).find('summary').text()]]).get();
    expect(items).toEqual([['pending', '未送信の件名'], ['sent', '送信済みの件名']]);
    expect(doc('[data-mail-status="pending"]').text()).toContain('b@example.jp、c@example.jp');
    expect(doc('[data-mail-status="pending"] .mail-body').text()).toBe('本文B');
    expect($((await agent.get('/admin')).text)('main').text()).toContain('1件');
  });

  it('/admin/security › the login log filtered by ID, organisation, address and outcome', async () => {
    const portal = createTestPortal();
    const user = createUser(portal.db, 'vendor');
    await login(request.agent(portal.app), user.loginId, PASSWORD);
    await login(request.agent(portal.app), user.loginId, 'wrong');
    await login(request.agent(portal.app), 'someone-else', 'wrong');
    const { agent, admin } = await adminAgent(portal);
    const rows = async (query: string) => {
      const doc = $((await agent.get(`/admin/security?${query}`)).text);
      return doc('[data-login-event]').map((_, el) => doc(el).find('td').eq(1).text()).get();
    };
    expect(await rows(`login_id=${user.loginId}`)).toEqual([user.loginId, user.loginId]);
    expect(await rows(`login_id=${user.loginId}&outcome=failure`)).toEqual([user.loginId]);
    expect(await rows('outcome=success')).toEqual([admin.loginId, user.loginId]);
    expect((await rows('ip=192.0.2.1')).length).toBe(0);
    expect((await agent.get('/admin/security?outcome=bogus')).status).toBe(400);
  });
});

describe('the login log in words (issue 16.3)', () => {
  it('results, addresses and browsers as a person reads them; the full user-agent string on demand', async () => {
    const portal = createTestPortal();
    const user = createUser(portal.db, 'vendor');
    const ua = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0';
    const agent = request.agent(portal.app);
    const page = await agent.get('/login');
    await agent.post('/login').set('User-Agent', ua).type('form')
      .send({ _csrf: $(page.text)('form[action="/login"] input[name="_csrf"]').val() as string, login_id: user.loginId, password: 'wrong' });
    portal.db.prepare(`UPDATE login_events SET ip = '::ffff:192.0.2.7'`).run();
    const { agent: admin } = await adminAgent(portal);
    const doc = $((await admin.get('/admin/security?ip=192.0.2.7')).text);
    const row = doc('[data-login-event]').first();
    expect(row.text()).toContain('失敗：IDまたはパスワードの誤り');
    expect(row.text()).toContain('192.0.2.7');
    expect(row.text()).not.toContain('::ffff:');
    expect(row.text()).not.toContain('bad_credentials');
    expect(row.find('summary').text()).toBe('Edge（Windows）');
    expect(row.find('details').text()).toContain(ua);
  });
});
