import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createEntry, createGenre, createUser } from '../helpers/factories.js';
import { $, listedIds } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';
import { adminAgent } from './helpers.js';

describe('genre tree editor', () => {
  it('adds a genre at any depth, audited; the tree marks each node with data-genre-id', async () => {
    const portal = createTestPortal();
    const top = createGenre(portal.db, '防災');
    const { post, agent } = await adminAgent(portal);
    expect((await post('/admin/genres', '/admin/genres', { name: '避難所運営', parent_id: String(top) })).status).toBe(303);
    const child = portal.db.prepare(`SELECT id FROM genres WHERE name = '避難所運営'`).pluck().get() as number;
    await post('/admin/genres', '/admin/genres', { name: '名簿管理', parent_id: String(child) });
    const doc = $((await agent.get('/admin/genres')).text);
    expect(doc(`[data-genre-id="${top}"] [data-genre-id="${child}"]`).text()).toContain('名簿管理');
    expect(portal.db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'genre.create'`).pluck().get()).toBe(2);
    // Same name under the same parent: refused with a message.
    const dup = await post('/admin/genres', '/admin/genres', { name: '避難所運営', parent_id: String(top) });
    expect(dup.status).toBe(400);
    expect(dup.text).toContain('同じ親の下に同じ名前のジャンルがあります。');
  });

  it('a name with / or ; (full-width too) › 400 with the reason at the field, on add and on edit: the CSV import could not name it', async () => {
    const portal = createTestPortal();
    const top = createGenre(portal.db, '防災');
    const { post } = await adminAgent(portal);
    for (const name of ['防災/減災', '防災；減災', '防災／減災', '防災;減災']) {
      const added = await post('/admin/genres', '/admin/genres', { name, parent_id: '' });
      expect(added.status, name).toBe(400);
      expect($(added.text)('#name-error').text()).toContain('「/」「;」は使えません');
      expect($(added.text)('#name').val()).toBe(name);
      const edited = await post(`/admin/genres/${top}`, `/admin/genres/${top}`, { name, parent_id: '', sort_order: '1' });
      expect(edited.status, name).toBe(400);
    }
    expect(portal.db.prepare('SELECT name FROM genres').pluck().all()).toEqual(['防災']);
  });

  it('a move under its own descendant › refused with a message, tree unchanged', async () => {
    const portal = createTestPortal();
    const top = createGenre(portal.db, '防災');
    const mid = createGenre(portal.db, '避難所運営', top);
    const leaf = createGenre(portal.db, '名簿管理', mid);
    const { post } = await adminAgent(portal);
    const before = JSON.stringify(portal.db.prepare('SELECT * FROM genres ORDER BY id').all());
    for (const target of [leaf, mid, top]) {
      const res = await post(`/admin/genres/${top}`, `/admin/genres/${top}`, { name: '防災', parent_id: String(target), sort_order: '1' });
      expect(res.status).toBe(400);
      expect($(res.text)('#parent_id-error').text()).toBe('自分自身やその下位のジャンルの下には移動できません。');
    }
    expect(JSON.stringify(portal.db.prepare('SELECT * FROM genres ORDER BY id').all())).toBe(before);
    // A legal move works and is audited with its diff.
    const other = createGenre(portal.db, '教育');
    expect((await post(`/admin/genres/${leaf}`, `/admin/genres/${leaf}`, { name: '名簿管理', parent_id: String(other), sort_order: '3' })).status).toBe(303);
    expect(portal.db.prepare('SELECT parent_id FROM genres WHERE id = ?').pluck().get(leaf)).toBe(other);
    expect(JSON.parse(portal.db.prepare(`SELECT diff FROM audit_log WHERE action = 'genre.update'`).pluck().get() as string))
      .toEqual({ parent_id: [mid, other], sort_order: [0, 3] });
  });

  it('a move re-files the entries: the search follows the new tree at once', async () => {
    const portal = createTestPortal();
    const a = createGenre(portal.db, '防災');
    const b = createGenre(portal.db, '教育');
    const leaf = createGenre(portal.db, '学校防災', a);
    const id = createEntry(portal.db, createUser(portal.db, 'vendor'), { genreIds: [leaf] });
    expect(listedIds((await request(portal.app).get(`/search/results?genre=${a}`)).text)).toEqual([id]);
    const { post } = await adminAgent(portal);
    await post(`/admin/genres/${leaf}`, `/admin/genres/${leaf}`, { name: '学校防災', parent_id: String(b), sort_order: '0' });
    expect(listedIds((await request(portal.app).get(`/search/results?genre=${a}`)).text)).toEqual([]);
    expect(listedIds((await request(portal.app).get(`/search/results?genre=${b}`)).text)).toEqual([id]);
  });

  it('retire › gone from the search form with its subtree, but an entry tagged with it is still found through its parent', async () => {
    const portal = createTestPortal();
    const top = createGenre(portal.db, '防災');
    const mid = createGenre(portal.db, '避難所運営', top);
    const leaf = createGenre(portal.db, '名簿管理', mid);
    const id = createEntry(portal.db, createUser(portal.db, 'vendor'), { genreIds: [leaf] });
    const { post } = await adminAgent(portal);
    expect((await post(`/admin/genres/${mid}`, `/admin/genres/${mid}/retire`, {})).status).toBe(303);
    const form = $((await request(portal.app).get('/search')).text);
    expect(form(`#genre-${top}`).length).toBe(1);
    expect(form(`#genre-${mid}`).length).toBe(0);
    expect(form(`#genre-${leaf}`).length).toBe(0);
    expect(listedIds((await request(portal.app).get(`/search/results?genre=${top}`)).text)).toEqual([id]);
    expect(portal.db.prepare('SELECT genre_id FROM entry_genres WHERE entry_id = ?').pluck().all(id)).toEqual([leaf]);
  });

  it('info types › add, rename and reorder, audited; bad input → 400 with a message', async () => {
    const portal = createTestPortal();
    const { post } = await adminAgent(portal);
    expect((await post('/admin/types', '/admin/types', { name: '補助金情報' })).status).toBe(303);
    const id = portal.db.prepare(`SELECT id FROM info_types WHERE name = '補助金情報'`).pluck().get() as number;
    expect((await post('/admin/types', `/admin/types/${id}`, { name: '補助金・制度情報', sort_order: '0' })).status).toBe(303);
    expect(portal.db.prepare('SELECT name, sort_order FROM info_types ORDER BY sort_order, id').raw().all()[0]).toEqual(['補助金・制度情報', 0]);
    expect((await request(portal.app).get('/search')).text).toContain('補助金・制度情報');
    const bad = await post('/admin/types', '/admin/types', { name: '' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('情報種別名を入力してください。');
    const refused = await post('/admin/types', `/admin/types/${id}`, { name: '補助金（改）', sort_order: 'abc' });
    expect(refused.status).toBe(400);
    // The refused row keeps what was typed, the summary links to that row's field, and the add form stays empty.
    const page = $(refused.text);
    expect(page(`#type-name-${id}`).val()).toBe('補助金（改）');
    expect(page(`#type-order-${id}`).attr('aria-invalid')).toBe('true');
    expect(page('.error-summary a').attr('href')).toBe(`#type-order-${id}`);
    expect(page('form[action="/admin/types"] input[name="name"]').val()).toBe('');
    expect(portal.db.prepare(`SELECT count(*) FROM audit_log WHERE action LIKE 'type.%'`).pluck().get()).toBe(2);
  });
});

describe('every action ends on a page that says what it did (issue 16.4)', () => {
  it('adding and saving a genre, an info type, an organisation and an account; saving the login policy', async () => {
    const portal = createTestPortal();
    const { agent, post } = await adminAgent(portal);
    const said = async (res: { status: number; headers: Record<string, string> }) => {
      expect(res.status).toBe(303);
      return $((await agent.get(res.headers.location!)).text)('[data-done]').text().trim();
    };
    expect(await said(await post('/admin/genres', '/admin/genres', { name: '防災', parent_id: '' }))).toBe('ジャンルを追加しました。');
    const genre = portal.db.prepare(`SELECT id FROM genres WHERE name = '防災'`).pluck().get() as number;
    expect(await said(await post(`/admin/genres/${genre}`, `/admin/genres/${genre}`, { name: '防災・減災', parent_id: '', sort_order: '1' }))).toBe('ジャンルを保存しました。');
    expect(await said(await post(`/admin/genres/${genre}`, `/admin/genres/${genre}/retire`, {}))).toContain('ジャンルを非表示にしました');
    expect(await said(await post('/admin/types', '/admin/types', { name: '調査研究' }))).toBe('情報種別を追加しました。');
    expect(await said(await post('/admin/orgs', '/admin/orgs', { name: '新しい市', kind: 'municipality', ip_ranges: '' }))).toBe('団体を追加しました。');
    const org = portal.db.prepare(`SELECT id FROM organisations WHERE name = '新しい市'`).pluck().get() as number;
    expect(await said(await post(`/admin/orgs/${org}`, `/admin/orgs/${org}`, { name: '新しい市', kind: 'municipality', ip_ranges: '' }))).toBe('団体を保存しました。');
    expect(await said(await post('/admin/users', '/admin/users', { login_id: 'new-user', password: 'a-long-password-1', org_id: String(org), active: '1' }))).toBe('アカウントを追加しました。');
    expect(await said(await post('/admin/security', '/admin/security/policy', { policy: 'deny' }))).toContain('方針を保存しました');
    // A made-up key says nothing.
    expect($((await agent.get('/admin/genres?done=%3Cscript%3E')).text)('[data-done]').length).toBe(0);
  });
});
