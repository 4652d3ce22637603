import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createEntry, createUser, PASSWORD, suspendEntry } from '../helpers/factories.js';
import { $, loggedInAgent, type Agent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

function setup() {
  const portal = createTestPortal();
  const vendor = createUser(portal.db, 'vendor');
  const entry = createEntry(portal.db, vendor);
  const city = createUser(portal.db, 'municipality');
  return { ...portal, vendor, entry, city };
}

/** Opens the detail page and returns its like form as the user's browser holds it. */
async function likeForm(agent: Agent, entry: number) {
  const doc = $((await agent.get(`/entries/${entry}`)).text);
  const form = doc('#like form');
  const fields: Record<string, string> = {};
  form.find('input').each((_, el) => void (fields[doc(el).attr('name')!] = String(doc(el).val())));
  return { action: form.attr('action')!, fields, button: form.find('button').text().trim() };
}

const submit = (agent: Agent, form: Awaited<ReturnType<typeof likeForm>>) => agent.post(form.action).type('form').send(form.fields);

const likeCount = async (agent: Agent, entry: number) =>
  Number($((await agent.get(`/entries/${entry}`)).text)('[data-like-count]').attr('data-like-count'));

describe('POST /entries/:id/like', () => {
  it('a municipality user › likes; 302 back to the detail page; the count shows there and in the results list', async () => {
    const { app, entry, city } = setup();
    const agent = await loggedInAgent(app, city.loginId, PASSWORD);
    const form = await likeForm(agent, entry);
    expect(form.button).toBe('いいね！');
    const res = await submit(agent, form);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`/entries/${entry}#like`);
    expect(await likeCount(agent, entry)).toBe(1);
    const row = $((await request(app).get('/search/results')).text)(`[data-entry-id="${entry}"] [data-like-count]`);
    expect(row.attr('data-like-count')).toBe('1');
  });

  it('two users of one municipality like the same entry › count 1', async () => {
    const { app, db, entry, city } = setup();
    const colleague = createUser(db, 'municipality', { organisationId: city.organisationId });
    const a = await loggedInAgent(app, city.loginId, PASSWORD);
    const b = await loggedInAgent(app, colleague.loginId, PASSWORD);
    const formA = await likeForm(a, entry);
    const formB = await likeForm(b, entry);
    await submit(a, formA);
    await submit(b, formB);
    expect(await likeCount(a, entry)).toBe(1);
    expect(db.prepare('SELECT count(*) FROM likes WHERE entry_id = ?').pluck().get(entry)).toBe(1);
  });

  it('a like again › removes it (the button then offers to take it back)', async () => {
    const { app, entry, city } = setup();
    const agent = await loggedInAgent(app, city.loginId, PASSWORD);
    await submit(agent, await likeForm(agent, entry));
    const again = await likeForm(agent, entry);
    expect(again.button).toBe('「いいね！」を取り消す');
    await submit(agent, again);
    expect(await likeCount(agent, entry)).toBe(0);
  });

  it('a POST without intent › toggles, as the contract says', async () => {
    const { app, entry, city } = setup();
    const agent = await loggedInAgent(app, city.loginId, PASSWORD);
    const { fields, action } = await likeForm(agent, entry);
    const bare = { _csrf: fields._csrf! };
    await agent.post(action).type('form').send(bare);
    expect(await likeCount(agent, entry)).toBe(1);
    await agent.post(action).type('form').send(bare);
    expect(await likeCount(agent, entry)).toBe(0);
  });

  it('two municipalities › count 2, and who liked is not shown on the page', async () => {
    const { app, db, entry, city } = setup();
    const other = createUser(db, 'municipality');
    for (const user of [city, other]) {
      const agent = await loggedInAgent(app, user.loginId, PASSWORD);
      await submit(agent, await likeForm(agent, entry));
    }
    const agent = await loggedInAgent(app, city.loginId, PASSWORD);
    const page = (await agent.get(`/entries/${entry}`)).text;
    expect(Number($(page)('[data-like-count]').attr('data-like-count'))).toBe(2);
    const otherName = db.prepare('SELECT name FROM organisations WHERE id = ?').pluck().get(other.organisationId) as string;
    expect(page).not.toContain(otherName);
  });

  it('a vendor or the secretariat › 403, no button on the page, nothing saved', async () => {
    const { app, db, entry, vendor } = setup();
    const secretariat = createUser(db, 'secretariat');
    for (const user of [vendor, secretariat]) {
      const agent = await loggedInAgent(app, user.loginId, PASSWORD);
      const page = $((await agent.get(`/entries/${entry}`)).text);
      expect(page('#like form').length).toBe(0);
      const token = page('form[action="/logout"] input[name="_csrf"]').val() as string;
      expect((await agent.post(`/entries/${entry}/like`).type('form').send({ _csrf: token })).status).toBe(403);
    }
    expect(db.prepare('SELECT count(*) FROM likes').pluck().get()).toBe(0);
  });

  it('without _csrf › 403 and nothing saved', async () => {
    const { app, db, entry, city } = setup();
    const agent = await loggedInAgent(app, city.loginId, PASSWORD);
    expect((await agent.post(`/entries/${entry}/like`).type('form').send({ intent: 'like' })).status).toBe(403);
    expect(db.prepare('SELECT count(*) FROM likes').pluck().get()).toBe(0);
  });

  it('anonymous › sent to the login page; a suspended entry › 404; a bad intent › 400', async () => {
    const { app, db, entry, city } = setup();
    const anonymous = request.agent(app);
    const login = await anonymous.get('/login');
    const token = $(login.text)('input[name="_csrf"]').val() as string;
    const toLogin = await anonymous.post(`/entries/${entry}/like`).type('form').send({ _csrf: token });
    expect(toLogin.headers.location).toBe(`/login?next=${encodeURIComponent(`/entries/${entry}/like`)}`);
    // After logging in there, the way back leads to the detail page and its like button.
    const back = await (await loggedInAgent(app, city.loginId, PASSWORD)).get(`/entries/${entry}/like`);
    expect([back.status, back.headers.location]).toEqual([302, `/entries/${entry}#like`]);

    const agent = await loggedInAgent(app, city.loginId, PASSWORD);
    const form = await likeForm(agent, entry);
    expect((await agent.post(form.action).type('form').send({ ...form.fields, intent: 'love' })).status).toBe(400);
    suspendEntry(db, entry);
    expect((await submit(agent, form)).status).toBe(404);
    expect(db.prepare('SELECT count(*) FROM likes').pluck().get()).toBe(0);
  });

  it('is recorded in the audit log with the user, organisation and session', async () => {
    const { app, db, entry, city } = setup();
    const agent = await loggedInAgent(app, city.loginId, PASSWORD);
    await submit(agent, await likeForm(agent, entry));
    const row = db.prepare('SELECT user_id, organisation_id, action, target_type, target_id, session_id FROM audit_log').get() as Record<string, unknown>;
    expect(row).toMatchObject({ user_id: city.id, organisation_id: city.organisationId, action: 'like.add', target_type: 'entry', target_id: entry });
    expect(row.session_id).toBeTruthy();
  });
});
