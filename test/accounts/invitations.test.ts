import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createOrganisation } from '../helpers/factories.js';
import { $, login } from '../helpers/http.js';
import { adminAgent } from '../admin/helpers.js';
import { linkIn, portalWithMail, postNewPassword } from './helpers.js';

const CHOSEN = 'my-own-passphrase-for-applic';

const accept = (app: Parameters<typeof request>[0], path: string, password = CHOSEN) => postNewPassword(app, path, password);

describe('invitations', () => {
  it('the secretariat creates an account without a password; the mailed link sets one once; the user logs in; the account page says it was used', async () => {
    const portal = await portalWithMail();
    try {
      const { post, agent } = await adminAgent(portal);
      const orgId = String(createOrganisation(portal.db, 'municipality'));
      const fields = { login_id: 'kikaku.sato', password: '', org_id: orgId, name: '佐藤 一郎', department: '企画課', phone: '', active: '1' };
      const noAddress = await post('/admin/users', '/admin/users', { ...fields, email: '' });
      expect(noAddress.status).toBe(400);
      expect($(noAddress.text)('#email-error').text()).toContain('招待メール');

      const created = await post('/admin/users', '/admin/users', { ...fields, email: 'sato@city.example.jp' });
      expect(created.status).toBe(303);
      const userId = Number(/\/admin\/users\/(\d+)/.exec(created.headers.location!)![1]);
      expect($((await agent.get(created.headers.location!)).text)('[data-done]').text()).toContain('招待メール');

      const [mail] = await portal.mailsTo('sato@city.example.jp', 1);
      expect(mail!.subject).toBe('【ＡＰＰＬＩＣ マッチングポータル】アカウントのご案内（パスワードの設定）');
      expect(mail!.text).toContain('ログインID「kikaku.sato」');
      const link = linkIn(mail!, '/invite');
      const listed = $((await agent.get(`/admin/users/${userId}`)).text);
      expect(listed('[data-invitation-state]').attr('data-invitation-state')).toBe('open');
      // The list finds it among the accounts that never logged in.
      expect($((await agent.get('/admin/users?state=never')).text)(`[data-user-id="${userId}"]`).length).toBe(1);

      expect((await accept(portal.app, link)).status).toBe(303);
      expect((await accept(portal.app, link, 'a-second-passphrase-try')).status).toBe(410);
      expect((await login(request.agent(portal.app), 'kikaku.sato', CHOSEN)).status).toBe(302);
      expect($((await agent.get(`/admin/users/${userId}`)).text)('[data-invitation-state]').attr('data-invitation-state')).toBe('used');
      expect($((await agent.get('/admin/users?state=never')).text)(`[data-user-id="${userId}"]`).length).toBe(0);
      const actions = portal.db.prepare(`SELECT action FROM audit_log WHERE target_type = 'user' AND target_id = ? ORDER BY id`).pluck().all(userId);
      expect(actions).toEqual(['user.create', 'user.invite', 'account.invitation_accepted']);
    } finally {
      await portal.close();
    }
  });

  it('an invitation is good for 7 days; the secretariat resends it, which voids the old link', async () => {
    const portal = await portalWithMail();
    try {
      const { post } = await adminAgent(portal);
      const orgId = String(createOrganisation(portal.db, 'vendor'));
      const created = await post('/admin/users', '/admin/users', { login_id: 'eigyo.suzuki', password: '', org_id: orgId, email: 'suzuki@vendor.example.jp', active: '1' });
      const userPage = created.headers.location!.split('?')[0]!;
      const old = linkIn((await portal.mailsTo('suzuki@vendor.example.jp', 1))[0]!, '/invite');

      portal.clock.advance(7 * 86_400_000 + 60_000);
      const expired = await request(portal.app).get(old);
      expect(expired.status).toBe(410);
      expect($(expired.text)('[data-link-failed]').text()).toContain('再送を依頼してください');

      expect((await post(userPage, `${userPage}/invite`, {})).status).toBe(303);
      const fresh = linkIn((await portal.mailsTo('suzuki@vendor.example.jp', 2))[1]!, '/invite');
      expect(fresh).not.toBe(old);
      expect((await accept(portal.app, old)).status).toBe(410);
      expect((await accept(portal.app, fresh)).status).toBe(303);
      expect((await login(request.agent(portal.app), 'eigyo.suzuki', CHOSEN)).status).toBe(302);
    } finally {
      await portal.close();
    }
  });
});
