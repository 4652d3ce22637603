import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { BAD_CREDENTIALS_MESSAGE } from '../../src/features/accounts/accounts.routes.js';
import { createGenre, createIssueProfile, createOrganisation, createUser, PASSWORD } from '../helpers/factories.js';
import { $, login, loggedInAgent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';
import { adminAgent } from './helpers.js';

describe('organisations and accounts', () => {
  it('an organisation with IPv4/IPv6 addresses and CIDR blocks › saved; bad lines → 400 naming them, nothing saved', async () => {
    const portal = createTestPortal();
    const { post } = await adminAgent(portal);
    const bad = await post('/admin/orgs', '/admin/orgs', { name: '横浜市', kind: 'municipality', ip_ranges: '203.0.113.0/24\n300.1.1.1\n2001:db8::/129' });
    expect(bad.status).toBe(400);
    expect($(bad.text)('#ip_ranges-error').text()).toContain('2行目「300.1.1.1」');
    expect($(bad.text)('#ip_ranges-error').text()).toContain('3行目「2001:db8::/129」');
    expect($(bad.text)('#ip_ranges').text()).toContain('300.1.1.1');
    expect(portal.db.prepare(`SELECT count(*) FROM organisations WHERE name = '横浜市'`).pluck().get()).toBe(0);

    expect((await post('/admin/orgs', '/admin/orgs', { name: '横浜市', kind: 'municipality', ip_ranges: '203.0.113.0/24\r\n2001:db8::/32\n198.51.100.7\n' })).status).toBe(303);
    const id = portal.db.prepare(`SELECT id FROM organisations WHERE name = '横浜市'`).pluck().get() as number;
    expect(portal.db.prepare('SELECT cidr FROM organisation_ip_ranges WHERE organisation_id = ? ORDER BY id').pluck().all(id))
      .toEqual(['203.0.113.0/24', '2001:db8::/32', '198.51.100.7']);
    expect((await post(`/admin/orgs/${id}`, `/admin/orgs/${id}`, { name: '横浜市', kind: 'municipality', ip_ranges: '' })).status).toBe(303);
    expect(portal.db.prepare('SELECT count(*) FROM organisation_ip_ranges WHERE organisation_id = ?').pluck().get(id)).toBe(0);
    expect((await post('/admin/orgs', '/admin/orgs', { name: '横浜市', kind: 'vendor', ip_ranges: '' })).text).toContain('同じ名前の団体が既にあります。');
    expect((await post('/admin/orgs', '/admin/orgs', { name: 'x', kind: 'other', ip_ranges: '' })).status).toBe(400);
  });

  it('a municipality’s page › shows its issue profile to the secretariat: visibility, issues with status and note, contact, relayed-message counts', async () => {
    const portal = createTestPortal();
    const { agent } = await adminAgent(portal);
    const { db } = portal;
    const bousai = createGenre(db, '防災');
    const hinanjo = createGenre(db, '避難所運営', bousai);
    const city = createUser(db, 'municipality', { name: '鈴木 一郎', department: '防災課' });
    const hidden = createUser(db, 'municipality');
    const silent = createUser(db, 'municipality');
    createIssueProfile(db, city.organisationId, [{ genreId: hinanjo, status: 'working', note: '受付の行列が課題' }], { contactUserId: city.id, publishContact: false });
    createIssueProfile(db, hidden.organisationId, [bousai], { visible: false });
    db.prepare(`INSERT INTO peer_messages (from_organisation_id, from_user_id, to_organisation_id, subject, body, created_at)
                VALUES (?, ?, ?, '件名', '本文', '2026-11-20T00:00:00.000Z')`).run(hidden.organisationId, hidden.id, city.organisationId);

    const page = $((await agent.get(`/admin/orgs/${city.organisationId}`)).text);
    const section = page('[data-issue-profile]');
    expect(section.attr('data-issue-profile')).toBe('visible');
    expect(section.find(`tr[data-genre-id="${hinanjo}"]`).text()).toMatch(/防災 › 避難所運営\s*取組中\s*受付の行列が課題/);
    expect(section.text()).toContain('防災課 鈴木 一郎（非公開）');
    expect(section.text()).toContain('送信 0件・受信 1件');
    expect(section.text()).not.toContain('本文'); // counts only: the message stays between the two
    expect($((await agent.get(`/admin/orgs/${hidden.organisationId}`)).text)('[data-issue-profile]').attr('data-issue-profile')).toBe('hidden');
    expect($((await agent.get(`/admin/orgs/${silent.organisationId}`)).text)('[data-issue-profile]').attr('data-issue-profile')).toBe('none');
    const vendor = createUser(db, 'vendor');
    expect($((await agent.get(`/admin/orgs/${vendor.organisationId}`)).text)('[data-issue-profile]').length).toBe(0);
  });

  it('a new account › can log in; its organisation is chosen from a select of names', async () => {
    const portal = createTestPortal();
    const { post, agent } = await adminAgent(portal);
    const orgId = portal.db.prepare(`INSERT INTO organisations (name, kind, created_at, updated_at) VALUES ('三鷹市', 'municipality', 'x', 'x')`).run().lastInsertRowid;
    const form = $((await agent.get('/admin/users')).text);
    expect(form(`select[name="org_id"] option[value="${orgId}"]`).text()).toBe('三鷹市');
    const short = await post('/admin/users', '/admin/users', { login_id: 'mitaka2', password: 'short', org_id: String(orgId), active: '1' });
    expect(short.status).toBe(400);
    expect(short.text).toContain('パスワードは12文字以上で入力してください。');
    expect((await post('/admin/users', '/admin/users', {
      login_id: 'mitaka2', password: 'a-long-password-1', org_id: String(orgId), name: '高橋', department: '企画部', phone: '0422', email: 't@example.jp', active: '1',
    })).status).toBe(303);
    expect((await login(request.agent(portal.app), 'mitaka2', 'a-long-password-1')).status).toBe(302);
    expect((await post('/admin/users', '/admin/users', { login_id: 'mitaka2', password: 'a-long-password-2', org_id: String(orgId), active: '1' })).text)
      .toContain('このログインIDは既に使われています。');
  });

  it('a password over 72 bytes (bcrypt reads no further) › refused with a message; at login a longer one never matches (issue 15.5)', async () => {
    const portal = createTestPortal();
    const { post } = await adminAgent(portal);
    const orgId = String(createOrganisation(portal.db, 'municipality'));
    const japanese = 'あ'.repeat(24); // 72 bytes in UTF-8: the most bcrypt reads
    const tooLong = await post('/admin/users', '/admin/users', { login_id: 'long1', password: `${japanese}い`, org_id: orgId, active: '1' });
    expect(tooLong.status).toBe(400);
    expect($(tooLong.text)('#password-error').text()).toContain('72バイト以内');
    expect(portal.db.prepare(`SELECT count(*) FROM users WHERE login_id = 'long1'`).pluck().get()).toBe(0);

    expect((await post('/admin/users', '/admin/users', { login_id: 'long1', password: japanese, org_id: orgId, active: '1' })).status).toBe(303);
    expect((await login(request.agent(portal.app), 'long1', japanese)).status).toBe(302);
    // A different password sharing the first 72 bytes: bcrypt alone would let it in.
    const sharingPrefix = await login(request.agent(portal.app), 'long1', `${japanese}ちがう`);
    expect(sharingPrefix.status).toBe(401);
    expect(sharingPrefix.text).toContain(BAD_CREDENTIALS_MESSAGE);
  });

  it('deactivating an account › it cannot log in and its open sessions end; an empty password keeps the old one', async () => {
    const portal = createTestPortal();
    const user = createUser(portal.db, 'vendor', { name: '佐藤' });
    const session = await loggedInAgent(portal.app, user.loginId, PASSWORD);
    expect((await session.get('/my/entries')).status).toBe(200);
    const { post } = await adminAgent(portal);
    const fields = { login_id: user.loginId, password: '', org_id: String(user.organisationId), name: '佐藤', department: '', phone: '', email: '' };
    expect((await post(`/admin/users/${user.id}`, `/admin/users/${user.id}`, { ...fields, active: '1', name: '佐藤 健' })).status).toBe(303);
    expect((await login(request.agent(portal.app), user.loginId, PASSWORD)).status).toBe(302);

    expect((await post(`/admin/users/${user.id}`, `/admin/users/${user.id}`, fields)).status).toBe(303);
    expect(portal.db.prepare('SELECT active FROM users WHERE id = ?').pluck().get(user.id)).toBe(0);
    expect((await session.get('/my/entries')).status).toBe(302);
    expect(portal.db.prepare(`SELECT count(*) FROM sessions WHERE json_extract(sess, '$.userId') = ?`).pluck().get(user.id)).toBe(0);
    expect((await login(request.agent(portal.app), user.loginId, PASSWORD)).status).toBe(401);
    const diff = JSON.parse(portal.db.prepare(`SELECT diff FROM audit_log WHERE action = 'user.update' ORDER BY id DESC`).pluck().get() as string) as Record<string, unknown>;
    expect(diff.active).toEqual([true, false]);
  });

  it('the outside-range policy › set on /admin/security and audited', async () => {
    const portal = createTestPortal();
    const { post, agent } = await adminAgent(portal);
    expect($((await agent.get('/admin/security')).text)('#policy-notify').attr('checked')).toBeDefined();
    expect((await post('/admin/security', '/admin/security/policy', { policy: 'deny' })).status).toBe(303);
    expect($((await agent.get('/admin/security')).text)('#policy-deny').attr('checked')).toBeDefined();
    expect((await post('/admin/security', '/admin/security/policy', { policy: 'maybe' })).status).toBe(400);
    expect(portal.db.prepare(`SELECT value FROM settings WHERE key = 'outside_range_policy'`).pluck().get()).toBe('deny');
  });

  it('lengths count characters as a person does (code points): 100 × 𠮷 is a 100-character name, 101 is refused', async () => {
    const portal = createTestPortal();
    const { post } = await adminAgent(portal);
    const refused = await post('/admin/orgs', '/admin/orgs', { name: '𠮷'.repeat(101), kind: 'vendor', ip_ranges: '' });
    expect(refused.status).toBe(400);
    expect($(refused.text)('#name-error').text()).toBe('団体名は100文字以内で入力してください。');
    expect((await post('/admin/orgs', '/admin/orgs', { name: '𠮷'.repeat(100), kind: 'vendor', ip_ranges: '' })).status).toBe(303);
    expect(portal.db.prepare('SELECT length(name) FROM organisations WHERE name = ?').pluck().get('𠮷'.repeat(100))).toBe(100);
  });

  it('the list pages lead with the contract’s add form (a tool that reads the first form for /admin/orgs finds it), the search after it', async () => {
    const portal = createTestPortal();
    const { agent } = await adminAgent(portal);
    for (const [path, fields] of [['/admin/orgs', ['name', 'kind', 'ip_ranges']], ['/admin/users', ['login_id', 'password', 'org_id', 'active']]] as const) {
      const doc = $((await agent.get(path)).text);
      const first = doc(`form[action="${path}"]`).first();
      expect(first.attr('method'), path).toBe('post');
      for (const name of fields) expect(first.find(`[name="${name}"]`).length, `${path} ${name}`).toBeGreaterThan(0);
      expect(doc(`form[action="${path}"][method="get"] [name="q"]`).length).toBe(1);
    }
  });
});
