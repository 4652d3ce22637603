import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { freshnessRepository } from '../../src/features/freshness/freshness.repository.js';
import { createEntry, createUser, PASSWORD, TYPE } from '../helpers/factories.js';
import { $, csrfFrom, login, loggedInAgent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';
import { portalWithMail, submit } from './helpers.js';

const NEW_PASSWORD = 'a-much-longer-passphrase-2026';

describe('マイページ (/account)', () => {
  it('is linked from the header of every page for a logged-in user, and needs a login', async () => {
    const portal = createTestPortal();
    const user = createUser(portal.db, 'vendor');
    expect((await request(portal.app).get('/account')).headers.location).toBe('/login?next=%2Faccount');
    const agent = await loggedInAgent(portal.app, user.loginId, PASSWORD);
    for (const path of ['/', '/search', '/guidebook', '/my/entries']) {
      expect($((await agent.get(path)).text)('.site-header a[href="/account"]').text()).toBe('マイページ');
    }
    expect((await agent.get('/account')).status).toBe(200);
  });

  it('profile › saved, audited, and copied into the registrant information of the next entry; bad input 400 with values kept', async () => {
    const portal = createTestPortal();
    const user = createUser(portal.db, 'vendor');
    const agent = await loggedInAgent(portal.app, user.loginId, PASSWORD);
    const saved = await submit(agent, '/account', '/account', { name: '山田 花子', department: '営業部', phone: '03-1234-5678', email: 'hanako@vendor.example.jp' });
    expect(saved.status).toBe(303);
    const page = $((await agent.get('/account')).text);
    expect(page('[data-done]').text()).toContain('プロフィールを保存しました');
    expect(page('#department').val()).toBe('営業部');
    expect(portal.db.prepare('SELECT name, department, phone, email FROM users WHERE id = ?').get(user.id))
      .toEqual({ name: '山田 花子', department: '営業部', phone: '03-1234-5678', email: 'hanako@vendor.example.jp' });
    expect(portal.db.prepare(`SELECT action FROM audit_log WHERE target_id = ? AND target_type = 'user'`).pluck().all(user.id)).toEqual(['account.profile']);
    // The entry form takes the registrant information from the account.
    const form = $((await agent.get('/my/entries/new')).text);
    expect(form('body').text()).toContain('営業部');

    const bad = await submit(agent, '/account', '/account', { name: 'x'.repeat(101), department: '総務課', phone: '', email: 'not-an-address' });
    expect(bad.status).toBe(400);
    const refused = $(bad.text);
    expect(refused('#name-error').text()).toContain('100文字以内');
    expect(refused('#email-error').text()).toContain('形式');
    expect(refused('#department').val()).toBe('総務課');
    expect(portal.db.prepare('SELECT department FROM users WHERE id = ?').pluck().get(user.id)).toBe('営業部');
  });

  it('a municipality sees what its organisation liked, with the date, and its saved searches; deleted entries drop out', async () => {
    const portal = createTestPortal();
    const vendor = createUser(portal.db, 'vendor');
    const liked = createEntry(portal.db, vendor, { title: "避難所運営システム", typeId: TYPE.product });
    const gone = createEntry(portal.db, vendor, { title: "削除された製品", typeId: TYPE.product });
    const city = createUser(portal.db, 'municipality');
    const colleague = createUser(portal.db, 'municipality', { organisationId: city.organisationId });
    portal.db.prepare(`INSERT INTO likes (entry_id, organisation_id, user_id, created_at) VALUES (?, ?, ?, '2026-10-05T01:00:00.000Z')`).run(liked, city.organisationId, colleague.id);
    portal.db.prepare(`INSERT INTO likes (entry_id, organisation_id, user_id, created_at) VALUES (?, ?, ?, '2026-10-06T01:00:00.000Z')`).run(gone, city.organisationId, city.id);
    portal.db.prepare(`UPDATE entries SET deleted_at = '2026-10-07T00:00:00.000Z' WHERE id = ?`).run(gone);
    portal.db.prepare(`INSERT INTO saved_searches (user_id, name, genre_ids, type_ids, q, alert, checked_until, created_at, updated_at)
      VALUES (?, '防災の製品', '[]', '[1]', '', 1, '2026-10-01T00:00:00.000Z', '2026-10-01T00:00:00.000Z', '2026-10-01T00:00:00.000Z')`).run(city.id);
    const agent = await loggedInAgent(portal.app, city.loginId, PASSWORD);
    const page = $((await agent.get('/account')).text);
    expect(page('#liked').text()).toContain('1件');
    expect(page(`[data-liked-entry-id="${liked}"]`).text()).toContain('2026年10月5日');
    expect(page(`[data-liked-entry-id="${gone}"]`).length).toBe(0);
    expect(page('#searches').parent().text()).toContain('防災の製品');
    expect(page('#mail').parent().text()).toContain('防災の製品（新しい情報があれば1日1回まで）');
  });

  it('mail › a vendor account turns off the freshness reminders for itself; its colleagues still get them', async () => {
    const portal = createTestPortal();
    const vendor = createUser(portal.db, 'vendor', { email: 'a@vendor.example.jp' });
    createUser(portal.db, 'vendor', { organisationId: vendor.organisationId, email: 'b@vendor.example.jp' });
    const agent = await loggedInAgent(portal.app, vendor.loginId, PASSWORD);
    expect((await submit(agent, '/account', '/account/mail', {})).status).toBe(303);
    expect(portal.db.prepare('SELECT mail_freshness FROM users WHERE id = ?').pluck().get(vendor.id)).toBe(0);
    // Whom the link-check and stale-entry reminders of the organisation go to.
    expect(freshnessRepository(portal.db).recipients(vendor.organisationId)).toEqual(['b@vendor.example.jp']);
    expect((await submit(agent, '/account', '/account/mail', { mail_freshness: '1' })).status).toBe(303);
    expect(freshnessRepository(portal.db).recipients(vendor.organisationId)).toEqual(['a@vendor.example.jp', 'b@vendor.example.jp']);
  });
});

describe('password change (/account/password)', () => {
  it('wrong current password refused; success ends every other session, keeps this one, and mails 「パスワードが変更されました」 with time and address, no link', async () => {
    const portal = await portalWithMail();
    try {
      const user = createUser(portal.db, 'vendor', { email: 'owner@vendor.example.jp' });
      const here = await loggedInAgent(portal.app, user.loginId, PASSWORD);
      const elsewhere = await loggedInAgent(portal.app, user.loginId, PASSWORD);
      expect((await elsewhere.get('/my/entries')).status).toBe(200);

      const wrong = await submit(here, '/account/password', '/account/password', { current_password: 'not-my-password', new_password: NEW_PASSWORD, new_password_confirm: NEW_PASSWORD });
      expect(wrong.status).toBe(400);
      expect($(wrong.text)('#current_password-error').text()).toBe('現在のパスワードが正しくありません。');
      const mismatch = await submit(here, '/account/password', '/account/password', { current_password: PASSWORD, new_password: NEW_PASSWORD, new_password_confirm: `${NEW_PASSWORD}x` });
      expect($(mismatch.text)('#new_password_confirm-error').text()).toContain('一致しません');

      const changed = await submit(here, '/account/password', '/account/password', { current_password: PASSWORD, new_password: NEW_PASSWORD, new_password_confirm: NEW_PASSWORD });
      expect(changed.status).toBe(303);
      expect((await here.get('/my/entries')).status).toBe(200);
      expect((await elsewhere.get('/my/entries')).status).toBe(302);
      expect((await login(request.agent(portal.app), user.loginId, PASSWORD)).status).toBe(401);
      expect((await login(request.agent(portal.app), user.loginId, NEW_PASSWORD)).status).toBe(302);

      const [mail] = await portal.mailsTo('owner@vendor.example.jp', 1);
      expect(mail!.subject).toBe('【ＡＰＰＬＩＣ マッチングポータル】パスワードが変更されました');
      expect(mail!.text).toContain('日時：2026年11月26日');
      expect(mail!.text).toContain('操作したアドレス：127.0.0.1');
      expect(mail!.text).not.toMatch(/https?:\/\//);
      expect(portal.db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'account.password' AND target_id = ?`).pluck().get(user.id)).toBe(1);
    } finally {
      await portal.close();
    }
  });

  it('the rules › each with its own Japanese message', async () => {
    const portal = createTestPortal();
    const user = createUser(portal.db, 'vendor', { loginId: 'tanaka.city' });
    const agent = await loggedInAgent(portal.app, user.loginId, PASSWORD);
    const attempt = async (password: string) => {
      const res = await submit(agent, '/account/password', '/account/password', { current_password: PASSWORD, new_password: password, new_password_confirm: password });
      expect(res.status).toBe(400);
      return $(res.text)('#new_password-error').text();
    };
    expect(await attempt('short-pass')).toBe('パスワードは12文字以上で入力してください。');
    expect(await attempt('あ'.repeat(25))).toContain('72バイト以内');
    expect(await attempt('my-TANAKA.CITY-pass')).toBe('ログインIDと同じ文字列や、ログインIDを含むパスワードは使えません。');
    expect(await attempt('Password1234')).toBe('よく使われていて推測されやすいパスワードです。別のパスワードにしてください。');
    expect(await attempt('ｑｗｅｒｔｙｕｉｏｐ１２')).toBe('よく使われていて推測されやすいパスワードです。別のパスワードにしてください。');
  });
});

describe('logout and the login page', () => {
  it('logout says 「ログアウトしました。」 on the page it lands on (once); the login page links the reset page', async () => {
    const portal = createTestPortal();
    const user = createUser(portal.db, 'municipality');
    const agent = await loggedInAgent(portal.app, user.loginId, PASSWORD);
    const home = await agent.get('/');
    const out = await agent.post('/logout').type('form').send({ _csrf: csrfFrom(home.text, '/logout') });
    expect(out.headers.location).toBe('/');
    expect($((await agent.get('/')).text)('[data-done]').text()).toBe('ログアウトしました。');
    expect($((await agent.get('/')).text)('[data-done]').length).toBe(0);
    expect($((await agent.get('/login')).text)('a[href="/password-reset"]').length).toBe(1);
  });
});
