import { describe, expect, it } from 'vitest';
import { createEntry, createGenre, createUser, PASSWORD } from '../helpers/factories.js';
import { openForm, postEntryForm } from '../helpers/entry-form.js';
import { $, csrfFrom, loggedInAgent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

describe('another organisation’s entry under /my/entries/:id', () => {
  it('every route, GET and POST › 404, and the database unchanged', async () => {
    const { app, db } = createTestPortal();
    const genre = createGenre(db, '防災');
    const owner = createUser(db, 'vendor');
    const id = createEntry(db, owner, { title: '他社の製品', genreIds: [genre] });
    const rival = createUser(db, 'vendor');
    const agent = await loggedInAgent(app, rival.loginId, PASSWORD);
    const snapshot = () => JSON.stringify([
      db.prepare('SELECT * FROM entries').all(), db.prepare('SELECT * FROM entry_genres').all(),
      db.prepare('SELECT count(*) FROM entry_drafts').pluck().get(), db.prepare('SELECT count(*) FROM audit_log').pluck().get(),
    ]);
    const before = snapshot();

    for (const path of [`/my/entries/${id}`, `/my/entries/${id}/edit`, `/my/entries/${id}/delete`, `/my/entries/${id}/likes`]) {
      expect((await agent.get(path)).status, path).toBe(404);
    }
    // A form of the rival's own gives a valid token for the POSTs.
    const form = await openForm(agent, '/my/entries/new');
    const fields = {
      _csrf: form.csrf, type: '1', title: '乗っ取り', summary: 'x', genre: [String(genre)], contact_company: 'c',
      contact_name: 'n', contact_phone: '03-0000-0000', contact_email: 'a@example.jp', agree_terms: '1',
    };
    expect((await postEntryForm(agent, `/my/entries/${id}/confirm`, fields)).status).toBe(404);
    // A draft the rival made for a new entry cannot be saved onto the other entry.
    const confirm = await postEntryForm(agent, '/my/entries/confirm', fields);
    const draftKey = $(confirm.text)('input[name="draft_key"]').val() as string;
    const drafts = db.prepare('SELECT count(*) FROM entry_drafts').pluck().get();
    expect((await agent.post(`/my/entries/${id}`).type('form').send({ _csrf: form.csrf, draft_key: draftKey })).status).toBe(404);
    expect((await agent.post(`/my/entries/${id}/delete`).type('form').send({ _csrf: form.csrf })).status).toBe(404);
    expect(db.prepare('SELECT count(*) FROM entry_drafts').pluck().get()).toBe(drafts);
    db.prepare('DELETE FROM entry_drafts').run();
    expect(snapshot()).toBe(before);
  });

  it('a colleague’s draft key › does not save (drafts are personal)', async () => {
    const { app, db } = createTestPortal();
    const genre = createGenre(db, '防災');
    const a = createUser(db, 'vendor');
    const b = createUser(db, 'vendor', { organisationId: a.organisationId });
    const agentA = await loggedInAgent(app, a.loginId, PASSWORD);
    const form = await openForm(agentA, '/my/entries/new');
    const confirm = await postEntryForm(agentA, form.action, {
      _csrf: form.csrf, type: '1', title: 't', summary: 's', genre: [String(genre)], contact_company: 'c',
      contact_name: 'n', contact_phone: '0', contact_email: 'a@example.jp', agree_terms: '1',
    });
    const draftKey = $(confirm.text)('input[name="draft_key"]').val() as string;
    const agentB = await loggedInAgent(app, b.loginId, PASSWORD);
    const token = csrfFrom((await agentB.get('/my/entries/new')).text, '/my/entries/confirm');
    expect((await agentB.post('/my/entries').type('form').send({ _csrf: token, draft_key: draftKey })).status).toBe(400);
    expect(db.prepare('SELECT count(*) FROM entries').pluck().get()).toBe(0);
  });

  it('a municipality user › 403 on the registrant side', async () => {
    const { app, db } = createTestPortal();
    const city = createUser(db, 'municipality');
    const agent = await loggedInAgent(app, city.loginId, PASSWORD);
    for (const path of ['/my/entries', '/my/entries/new', '/my/entries/1']) expect((await agent.get(path)).status).toBe(403);
  });

  it('the secretariat › uses the same screens for its own entries', async () => {
    const { app, db } = createTestPortal();
    const admin = createUser(db, 'secretariat');
    const id = createEntry(db, admin, { typeId: 2, title: '藤沢市の事例' });
    const agent = await loggedInAgent(app, admin.loginId, PASSWORD);
    expect((await agent.get('/my/entries')).text).toContain('藤沢市の事例');
    expect((await agent.get(`/my/entries/${id}/edit`)).status).toBe(200);
  });
});
