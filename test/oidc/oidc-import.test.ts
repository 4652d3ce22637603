import { describe, expect, it } from 'vitest';
import { adminAgent } from '../admin/helpers.js';
import { createOrganisation, createUser } from '../helpers/factories.js';
import { $, type Agent } from '../helpers/http.js';
import { OIDC_CLIENT } from '../helpers/oidc-issuer.js';
import { createTestPortal } from '../helpers/portal.js';

// The bulk link never talks to the issuer: its address need not answer here.
const ISSUER = 'http://127.0.0.1:9';
const portal = () => createTestPortal({ config: { oidc: { issuer: ISSUER, ...OIDC_CLIENT } } });

async function upload(agent: Agent, csv: string) {
  const token = $((await agent.get('/admin/import/oidc-links')).text)('form[action="/admin/import/oidc-links"] input[name="_csrf"]').val() as string;
  return agent.post('/admin/import/oidc-links').field('_csrf', token).attach('file', Buffer.from(csv, 'utf8'), { filename: 'links.csv', contentType: 'text/csv' });
}

async function commit(agent: Agent, preview: { text: string }) {
  const form = $(preview.text)('form[action="/admin/import/oidc-links/commit"]');
  return agent.post('/admin/import/oidc-links/commit').type('form')
    .send({ _csrf: form.find('input[name="_csrf"]').val() as string, key: form.find('input[name="key"]').val() as string });
}

async function download(agent: Agent): Promise<string> {
  const res = await agent.get('/admin/import/oidc-links.csv').buffer(true).parse((r, done) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => done(null, Buffer.concat(chunks)));
  });
  expect(res.status).toBe(200);
  return (res.body as Buffer).toString('utf8');
}

type Db = ReturnType<typeof portal>['db'];
const links = (db: Db) => db.prepare('SELECT u.login_id AS loginId, l.subject FROM oidc_links l JOIN users u ON u.id = l.user_id ORDER BY u.login_id').all();
const link = (db: Db, userId: number, subject: string) =>
  db.prepare(`INSERT INTO oidc_links (user_id, issuer, subject, linked_at) VALUES (?, ?, ?, '2026-11-01T00:00:00.000Z')`).run(userId, ISSUER, subject);

describe('linking accounts to the association\'s IDs in bulk (issue 24.4)', () => {
  it('a file with any problem is refused whole: each problem at its row and cell, nothing changed', async () => {
    const p = portal();
    const { agent } = await adminAgent(p);
    const a = createUser(p.db, 'municipality', { loginId: 'city-a' });
    const b = createUser(p.db, 'vendor', { loginId: 'vendor-b' });
    createUser(p.db, 'vendor', { loginId: 'vendor-c' });
    createUser(p.db, 'vendor', { loginId: 'vendor-e' });
    link(p.db, a.id, 'member-a');
    link(p.db, b.id, 'member-b');
    link(p.db, createUser(p.db, 'municipality', { loginId: 'city-d' }).id, 'member-d');
    const before = links(p.db);
    const res = await upload(agent, [
      'login_id,subject',
      'no-such-login,member-x', // 2: unknown account
      'vendor-c,member-d', // 3: member-d stays on city-d (not in the file)
      'vendor-c,member-y', // 4: vendor-c named twice
      'vendor-b,has space', // 5: not a subject
      'city-a,member-z', // moves city-a off member-a: fine
      ',member-q', // 7: no login ID
      'vendor-e,member-z', // 8: member-z named twice
    ].join('\r\n'));
    expect(res.status).toBe(400);
    const page = $(res.text);
    expect(page('.error-summary__title').text()).toContain('何も変更していません');
    expect(page('[data-problem-row]').map((_, row) => `${page(row).attr('data-problem-row')}:${page(row).find('td').eq(1).text()}`).get()).toEqual([
      '2:A2', '3:B3', '4:A4', '5:B5', '7:A7', '8:B8',
    ]);
    expect(page('.error-summary').text()).toContain('すでにアカウント「city-d」に結び付いています');
    expect(page('.error-summary').text()).toContain('「vendor-c」は3行目にもあります');
    expect(page('.error-summary').text()).toContain('この識別子は6行目にもあります');
    expect(links(p.db)).toEqual(before);

    expect((await upload(agent, 'login,sub\r\ncity-a,x')).status).toBe(400);
    expect((await upload(agent, 'login_id,subject\r\n')).status).toBe(400);
  });

  it('the exported file, filled in, previews the changes and commits them once, audited; subjects may move between accounts in one file', async () => {
    const p = portal();
    const { agent } = await adminAgent(p);
    const a = createUser(p.db, 'municipality', { loginId: 'city-a', name: '=HYPERLINK("x")' });
    const b = createUser(p.db, 'vendor', { loginId: 'vendor-b' });
    createUser(p.db, 'vendor', { loginId: 'vendor-c' });
    link(p.db, a.id, 'member-1');
    link(p.db, b.id, 'member-2');

    const exported = await download(agent);
    expect(exported.startsWith('\ufefflogin_id,subject,organisation,name\r\n')).toBe(true);
    expect(exported).toContain(`city-a,member-1,`);
    // Formula-safe: a name Excel would run is written as text.
    expect(exported).toContain(`'=HYPERLINK(""x"")`);

    // Swap the two subjects, link vendor-c, keep the reference columns as exported.
    const edited = exported.replace('city-a,member-1,', 'city-a,member-2,').replace('vendor-b,member-2,', 'vendor-b,member-1,').replace('vendor-c,,', 'vendor-c,member-3,');
    const preview = await upload(agent, edited);
    expect(preview.status).toBe(200);
    expect($(preview.text)('[data-preview-change-count]').attr('data-preview-change-count')).toBe('3');
    expect($(preview.text)('[data-change-login-id]').map((_, r) => $(preview.text)(r).attr('data-change-login-id')).get().sort()).toEqual(['city-a', 'vendor-b', 'vendor-c']);
    expect(links(p.db)).toEqual([{ loginId: 'city-a', subject: 'member-1' }, { loginId: 'vendor-b', subject: 'member-2' }]);

    const done = await commit(agent, preview);
    expect(done.status).toBe(200);
    expect($(done.text)('[data-oidc-linked-count]').attr('data-oidc-linked-count')).toBe('3');
    expect(links(p.db)).toEqual([{ loginId: 'city-a', subject: 'member-2' }, { loginId: 'vendor-b', subject: 'member-1' }, { loginId: 'vendor-c', subject: 'member-3' }]);
    expect(p.db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'user.oidc_link'`).pluck().get()).toBe(3);
    expect((await commit(agent, preview)).status).toBe(400);

    // An empty subject removes the link; rows not in the file are left alone.
    const unlink = await upload(agent, 'login_id,subject\r\nvendor-c,\r\n');
    expect($((await commit(agent, unlink)).text)('[data-oidc-unlinked-count]').attr('data-oidc-unlinked-count')).toBe('1');
    expect(links(p.db)).toEqual([{ loginId: 'city-a', subject: 'member-2' }, { loginId: 'vendor-b', subject: 'member-1' }]);
  });

  it('a preview is checked again at the commit: a subject taken meanwhile refuses the whole file', async () => {
    const p = portal();
    const { agent } = await adminAgent(p);
    createUser(p.db, 'municipality', { loginId: 'city-a' });
    const other = createUser(p.db, 'vendor', { loginId: 'vendor-b' });
    const preview = await upload(agent, 'login_id,subject\r\ncity-a,member-9\r\n');
    expect(preview.status).toBe(200);
    link(p.db, other.id, 'member-9');
    const res = await commit(agent, preview);
    expect(res.status).toBe(400);
    expect($(res.text)('.error-summary').text()).toContain('確認のあとに');
    expect(links(p.db)).toEqual([{ loginId: 'vendor-b', subject: 'member-9' }]);
  });

  it('at scale: 2,000 accounts of 400 organisations linked from one file', async () => {
    const p = portal();
    const { agent } = await adminAgent(p);
    const organisations = Array.from({ length: 400 }, () => createOrganisation(p.db, 'municipality'));
    const insert = p.db.prepare(`INSERT INTO users (login_id, password_hash, organisation_id, name, created_at, updated_at)
      VALUES (?, '$2b$04$notarealhashnotarealhashnotarealhashnotarealhash..', ?, '職員', '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z')`);
    p.db.transaction(() => { for (let i = 0; i < 2000; i++) insert.run(`staff-${i}`, organisations[i % 400]); })();
    const csv = ['login_id,subject', ...Array.from({ length: 2000 }, (_, i) => `staff-${i},applic-${String(i).padStart(5, '0')}`)].join('\r\n');
    const preview = await upload(agent, csv);
    expect($(preview.text)('[data-preview-change-count]').attr('data-preview-change-count')).toBe('2000');
    // The preview lists the first 500, not all.
    expect($(preview.text)('[data-change-login-id]').length).toBe(500);
    expect((await commit(agent, preview)).status).toBe(200);
    expect(p.db.prepare('SELECT count(*) FROM oidc_links').pluck().get()).toBe(2000);
    const exported = await download(agent);
    expect(exported).toContain('staff-1999,applic-01999,');
  });

  it('the page is linked from the import page and the account page only while the issuer is configured', async () => {
    const p = portal();
    const { agent } = await adminAgent(p);
    const city = createUser(p.db, 'municipality');
    expect($((await agent.get('/admin/import')).text)('[data-oidc-import] a').attr('href')).toBe('/admin/import/oidc-links');
    expect($((await agent.get(`/admin/users/${city.id}`)).text)('a[href="/admin/import/oidc-links"]').length).toBe(1);

    const plain = createTestPortal();
    const { agent: plainAgent } = await adminAgent(plain);
    expect($((await plainAgent.get('/admin/import')).text)('[data-oidc-import]').length).toBe(0);
    expect((await plainAgent.get('/admin/import/oidc-links')).status).toBe(404);
  });
});
