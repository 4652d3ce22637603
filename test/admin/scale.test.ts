import { beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../helpers/factories.js';
import { $, csrfFrom, loggedInAgent, type Agent } from '../helpers/http.js';
import { createTestPortal, type TestPortal } from '../helpers/portal.js';
import { fillToScale, SCALE, type ScaleData } from '../helpers/scale.js';

// One portal at the secretariat's real scale for the whole file (filling it takes about a second).
let portal: TestPortal;
let data: ScaleData;
let admin: Agent;
beforeAll(async () => {
  portal = createTestPortal();
  data = fillToScale(portal.db);
  admin = await loggedInAgent(portal.app, data.admin.loginId, PASSWORD);
});

const count = (sql: string, ...params: unknown[]) => portal.db.prepare(sql).pluck().get(...params) as number;
const page = async (path: string) => {
  const res = await admin.get(path);
  expect(res.status, path).toBe(200);
  return $(res.text);
};
const ids = (doc: ReturnType<typeof $>, attr: string) => doc(`[${attr}]`).map((_, el) => Number(doc(el).attr(attr))).get();

describe('the secretariat’s lists at 1,800 organisations and 5,000 accounts (issue 16.2)', () => {
  it('/admin/orgs › every organisation counted, 30 a page by name, rel=next to the last page', async () => {
    const total = count('SELECT count(*) FROM organisations');
    expect(total).toBeGreaterThanOrEqual(SCALE.organisations);
    const first = await page('/admin/orgs');
    expect(first('[data-hit-count]').attr('data-hit-count')).toBe(String(total));
    expect(ids(first, 'data-org-id')).toHaveLength(30);
    const names = first('[data-org-id] td:first-child').map((_, td) => first(td).text()).get();
    expect(names).toEqual(portal.db.prepare('SELECT name FROM organisations ORDER BY name, id LIMIT 30').pluck().all());
    expect(first('a[rel="next"]').attr('href')).toBe('/admin/orgs?page=2');
    const lastPage = Math.ceil(total / 30);
    const last = await page(`/admin/orgs?page=${lastPage}`);
    expect(ids(last, 'data-org-id')).toHaveLength(total - (lastPage - 1) * 30);
    expect(last('a[rel="next"]')).toHaveLength(0);
  });

  it('/admin/orgs?q=&kind= › by part of the name and by kind, sorted as asked, the conditions kept on every page link', async () => {
    const mitaka = await page(`/admin/orgs?q=${encodeURIComponent('三鷹')}`);
    expect(ids(mitaka, 'data-org-id')).toEqual([data.cityIds['三鷹市']]);
    const vendors = await page('/admin/orgs?kind=vendor&sort=newest');
    expect(vendors('[data-hit-count]').attr('data-hit-count')).toBe(String(count(`SELECT count(*) FROM organisations WHERE kind = 'vendor'`)));
    expect(ids(vendors, 'data-org-id')).toEqual(portal.db.prepare(`SELECT id FROM organisations WHERE kind = 'vendor' ORDER BY id DESC LIMIT 30`).pluck().all());
    expect(vendors('a[rel="next"]').attr('href')).toBe('/admin/orgs?kind=vendor&sort=newest&page=2');
    const hokkaido = await page(`/admin/orgs?q=${encodeURIComponent('北海道')}&kind=municipality`);
    expect(hokkaido('[data-hit-count]').attr('data-hit-count')).toBe(String(count(`SELECT count(*) FROM organisations WHERE name LIKE '北海道%'`)));
    // 全角 letters find what was typed in 半角 (NFKC), and a search with no match says so.
    const none = await page(`/admin/orgs?q=${encodeURIComponent('存在しない団体')}`);
    expect(none('[data-hit-count]').attr('data-hit-count')).toBe('0');
    expect(none('main').text()).toContain('条件に合う団体はありません。');
    expect((await admin.get('/admin/orgs?kind=other')).status).toBe(400);
    expect((await admin.get('/admin/orgs?page=0')).status).toBe(400);
  });

  it('/admin/users?q=&kind=&state= › by login ID, name or organisation; inactive ones counted; 30 a page', async () => {
    const all = await page('/admin/users');
    expect(all('[data-hit-count]').attr('data-hit-count')).toBe(String(count('SELECT count(*) FROM users')));
    expect(ids(all, 'data-user-id')).toHaveLength(30);
    expect(all('a[rel="next"]').attr('href')).toBe('/admin/users?page=2');
    const one = await page('/admin/users?q=SCALE-USER0042');
    expect(ids(one, 'data-user-id')).toEqual([count(`SELECT id FROM users WHERE login_id = 'scale-user0042'`)]);
    const byOrg = await page(`/admin/users?q=${encodeURIComponent('横浜市')}`);
    expect(ids(byOrg, 'data-user-id').sort((a, b) => a - b))
      .toEqual(portal.db.prepare('SELECT id FROM users WHERE organisation_id = ? ORDER BY id').pluck().all(data.cityIds['横浜市']));
    const inactive = await page('/admin/users?state=inactive');
    expect(inactive('[data-hit-count]').attr('data-hit-count')).toBe(String(data.inactive));
    expect(inactive('[data-user-id]').first().text()).toContain('無効');
    const vendors = await page('/admin/users?kind=vendor&sort=newest');
    expect(Number(vendors('[data-hit-count]').attr('data-hit-count')))
      .toBe(count(`SELECT count(*) FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE o.kind = 'vendor'`));
    expect(ids(vendors, 'data-user-id')[0]).toBe(data.vendor.id);
    expect(vendors('a[rel="next"]').attr('href')).toBe('/admin/users?kind=vendor&sort=newest&page=2');
  });

  it('an organisation’s page › lists its accounts and 「この団体にアカウントを追加」 opens the form with it chosen; the form works without JavaScript', async () => {
    const orgId = data.cityIds['三鷹市'];
    const org = await page(`/admin/orgs/${orgId}`);
    expect(ids(org, 'data-user-id').sort((a, b) => a - b))
      .toEqual(portal.db.prepare('SELECT id FROM users WHERE organisation_id = ? ORDER BY id').pluck().all(orgId));
    const add = org('a').filter((_, a) => org(a).text().trim() === 'この団体にアカウントを追加');
    expect(add.attr('href')).toBe(`/admin/users?org_id=${orgId}#add-user`);
    const formPage = await page(`/admin/users?org_id=${orgId}`);
    expect(formPage('#org_id option').length).toBe(count('SELECT count(*) FROM organisations') + 1);
    expect(formPage('#org_id option[selected]').text()).toBe('三鷹市');
    expect(formPage('main').text()).toContain('「三鷹市」のアカウントだけを表示しています。');
    const res = await admin.post('/admin/users').type('form').send({
      _csrf: csrfFrom(formPage.html(), '/admin/users'), login_id: 'mitaka-new', password: 'mitaka-password-2026', org_id: String(orgId),
      name: '三鷹 花子', department: '情報推進課', phone: '', email: 'hanako@city.mitaka.example.jp', active: '1',
    });
    expect(res.status).toBe(303);
    const created = count(`SELECT id FROM users WHERE login_id = 'mitaka-new'`);
    expect(res.headers.location).toBe(`/admin/users/${created}?done=user-created`);
    expect(count('SELECT organisation_id FROM users WHERE id = ?', created)).toBe(orgId);
    expect((await page(res.headers.location!))('[data-done]').text()).toContain('アカウントを追加しました。');
  });

  it('/admin/review › the 400 waiting, oldest first, 30 a page', async () => {
    const first = await page('/admin/review');
    expect(first('[data-hit-count]').attr('data-hit-count')).toBe(String(SCALE.waiting));
    expect(ids(first, 'data-entry-id')).toEqual(portal.db.prepare('SELECT id FROM entries ORDER BY updated_at, id LIMIT 30').pluck().all());
    expect(first('a[rel="next"]').attr('href')).toBe('/admin/review?page=2');
  });

  it('/admin/genres › 250 genres, each branch folded into a disclosure; ?open=all opens them all', async () => {
    expect(count('SELECT count(*) FROM genres')).toBe(SCALE.genres);
    const tree = await page('/admin/genres');
    expect(tree('.admin-tree [data-genre-id]')).toHaveLength(SCALE.genres);
    expect(tree('details.admin-tree__branch')).toHaveLength(60);
    expect(tree('details.admin-tree__branch[open]')).toHaveLength(0);
    expect(tree('details.admin-tree__branch > summary').first().text()).toBe('「分野1」の下位ジャンル（4件）');
    const open = await page('/admin/genres?open=all');
    expect(open('details.admin-tree__branch[open]')).toHaveLength(60);
  });
});
