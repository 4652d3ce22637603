import { describe, expect, it } from 'vitest';
import { appOn, createTestPortal } from '../helpers/portal.js';
import { createEntry, createGenre, createUser, PASSWORD } from '../helpers/factories.js';
import { hiddenFields, openForm, postEntryForm } from '../helpers/entry-form.js';
import { $, csrfFrom, loggedInAgent } from '../helpers/http.js';
import { openDatabase } from '../../src/db/connection.js';
import request from 'supertest';

describe('concurrency', () => {
  it('20 registrations saved in parallel, by users of two processes on one database › all 20 saved, no 500', async () => {
    const portal = createTestPortal();
    const genre = createGenre(portal.db, '防災');
    // Two apps on one file, as two server processes would be (separate connections, SQLite locking).
    const apps = [portal.app, appOn(openDatabase(portal.dbPath), { uploadDir: portal.uploadDir })];
    const ready = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
      const user = createUser(portal.db, 'vendor');
      const agent = await loggedInAgent(apps[i % 2]!, user.loginId, PASSWORD);
      const form = await openForm(agent, '/my/entries/new');
      const confirm = await postEntryForm(agent, form.action, {
        _csrf: form.csrf, type: '1', title: `並行登録${i}`, summary: '同時に保存します。', genre: [String(genre)],
        contact_company: 'c', contact_name: 'n', contact_phone: '0', contact_email: 'a@example.jp', agree_terms: '1',
      });
      return { agent, fields: hiddenFields(confirm.text, '/my/entries') };
    }));
    const results = await Promise.all(ready.map(({ agent, fields }) => agent.post('/my/entries').type('form').send(fields)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(portal.db.prepare('SELECT count(*) FROM entries').pluck().get()).toBe(20);
    expect(portal.db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'entry.create'`).pluck().get()).toBe(20);
    const hits = $((await request(portal.app).get('/search/results')).text)('[data-hit-count]').attr('data-hit-count');
    expect(hits).toBe('20');
  }, 120_000);

  it('200 likes sent in parallel by 200 users of 40 municipalities, their logins at once from one address › every one accounted for', async () => {
    const portal = createTestPortal();
    const vendor = createUser(portal.db, 'vendor');
    const entries = Array.from({ length: 5 }, () => createEntry(portal.db, vendor));
    const cities = Array.from({ length: 40 }, () => createUser(portal.db, 'municipality').organisationId);
    // At the portal's bcrypt cost: the logins queue behind each other as they would at a city hall at nine.
    const users = Array.from({ length: 200 }, (_, i) => createUser(portal.db, 'municipality', { organisationId: cities[i % 40], portalCost: true }));
    const agents = await Promise.all(users.map(async (u) => {
      const agent = await loggedInAgent(portal.app, u.loginId, PASSWORD);
      return { agent, token: csrfFrom((await agent.get('/')).text, '/logout') };
    }));
    // Each user likes one entry with intent "like": per (entry, organisation) at most one like survives.
    const responses = await Promise.all(agents.map(({ agent, token }, i) =>
      agent.post(`/entries/${entries[i % 5]}/like`).type('form').send({ _csrf: token, intent: 'like' })));
    expect(responses.map((r) => r.status)).toEqual(Array(200).fill(302));
    const expected = new Set(users.map((u, i) => `${entries[i % 5]}:${u.organisationId}`)).size;
    expect(portal.db.prepare('SELECT count(*) FROM likes').pluck().get()).toBe(expected);
    expect(portal.db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'like.add'`).pluck().get()).toBe(200);
  }, 180_000);
});
