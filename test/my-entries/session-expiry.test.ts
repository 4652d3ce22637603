import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createEntry, createGenre, createUser, PASSWORD } from '../helpers/factories.js';
import { hiddenFields, openForm, PDF_BYTES, postEntryForm, type EntryFields } from '../helpers/entry-form.js';
import { $, login, loggedInAgent } from '../helpers/http.js';
import { createTestPortal, portalOn } from '../helpers/portal.js';

async function setup() {
  const portal = createTestPortal();
  const genre = createGenre(portal.db, '防災');
  const vendor = createUser(portal.db, 'vendor');
  const agent = await loggedInAgent(portal.app, vendor.loginId, PASSWORD);
  const fields: EntryFields = {
    type: '1', title: '時間切れのあとも残る製品', summary: '入力に時間がかかりました。', url: 'https://example.com/', genre: [String(genre)],
    contact_company: '株式会社テスト', contact_department: '営業部', contact_name: '山田', contact_phone: '03-1234-5678',
    contact_email: 'yamada@example.jp', agree_terms: '1',
  };
  /** What the server does when the idle time has passed: the session row is gone. */
  const expire = () => portal.db.prepare('DELETE FROM sessions').run();
  return { ...portal, genre, vendor, agent, fields, expire };
}

const BROCHURE = Buffer.concat([PDF_BYTES, Buffer.from('% 時間切れの資料\n')]);

describe('a session that times out while an entry form is open (issue 15.11, WCAG 2.2.1)', () => {
  it('the page says when the session ends, without JavaScript', async () => {
    const { agent, clock } = await setup();
    const doc = $((await agent.get('/my/entries/new')).text);
    const note = doc('[data-session-ends-at]');
    expect(note.attr('data-session-ends-at')).toBe(new Date(clock.now().getTime() + 30 * 60_000).toISOString());
    expect(note.text()).toContain('自動的にログアウトします');
    expect(doc('[data-session-end-time]').text()).toMatch(/^\d{2}:\d{2}$/);
  });

  it('POST /session/extend › renews the session and says for how long; needs the token and a login', async () => {
    const { app, agent } = await setup();
    const token = $((await agent.get('/')).text)('form[action="/logout"] input[name="_csrf"]').val() as string;
    const extended = await agent.post('/session/extend').set('Accept', 'application/json').type('form').send({ _csrf: token });
    expect(extended.status).toBe(200);
    expect(extended.body).toMatchObject({ loggedIn: true, remainingSeconds: 1800 });
    expect((await agent.post('/session/extend').set('Accept', 'application/json').type('form').send({})).status).toBe(403);
    const anonymous = request.agent(app);
    await anonymous.get('/login');
    expect((await anonymous.post('/session/extend').set('Accept', 'application/json').type('form').send({})).status).toBe(403);
  });

  it('sent after the timeout › kept with its file; after logging in again the user lands on the form with both, and saves', async () => {
    const { db, uploadDir, agent, vendor, fields, expire } = await setup();
    const form = await openForm(agent, '/my/entries/new');
    expire();

    const sent = await postEntryForm(agent, form.action, { ...fields, ...form.hidden }, { bytes: BROCHURE, name: '時間切れ資料.pdf' });
    expect(sent.status).toBe(303);
    const next = new URL(sent.headers.location!, 'http://portal.invalid');
    expect(next.pathname).toBe('/login');
    expect(next.searchParams.get('next')).toMatch(/^\/my\/entries\/resume\/[\w-]{32}$/);
    expect(db.prepare('SELECT count(*) FROM entries').pluck().get()).toBe(0);

    const loginPage = await agent.get(sent.headers.location!);
    expect($(loginPage.text)('[data-session-expired]').text()).toContain('入力内容（添付ファイルを含む）は保存してあります');
    const back = await login(agent, vendor.loginId, PASSWORD, next.searchParams.get('next')!);
    expect(back.headers.location).toBe(next.searchParams.get('next'));

    const resumed = await agent.get(back.headers.location!);
    expect(resumed.status).toBe(200);
    const doc = $(resumed.text);
    expect(doc('[data-resumed]').text()).toContain('保存しておきました');
    expect(doc('#title').val()).toBe('時間切れのあとも残る製品');
    expect(doc('#summary').text()).toBe('入力に時間がかかりました。');
    expect(doc('.kept-file').text()).toContain('時間切れ資料.pdf');
    // Handed back once: the parked copy is gone.
    expect(db.prepare('SELECT count(*) FROM parked_entry_forms').pluck().get()).toBe(0);
    expect((await agent.get(back.headers.location!)).status).toBe(404);

    // On as usual: confirm (no file chosen again: the kept one goes on), save.
    const action = '/my/entries/confirm';
    const confirm = await postEntryForm(agent, action, { ...fields, ...hiddenFields(resumed.text, action) });
    expect(confirm.text).toContain('登録してよいですか？');
    expect(confirm.text).toContain('時間切れ資料.pdf');
    const saved = await agent.post('/my/entries').type('form').send(hiddenFields(confirm.text, '/my/entries'));
    expect(saved.text).toContain('登録しました。');
    const stored = db.prepare('SELECT stored_name FROM attachments').pluck().get() as string;
    expect(fs.readFileSync(path.join(uploadDir, stored)).equals(BROCHURE)).toBe(true);
    expect(db.prepare('SELECT title FROM entries').pluck().get()).toBe('時間切れのあとも残る製品');
  });

  it('an edit sent after the timeout › comes back to the edit form with its version, so a save in between is still caught', async () => {
    const { db, agent, vendor, fields, expire, genre } = await setup();
    const id = createEntry(db, vendor, { title: '元のタイトル', genreIds: [genre] });
    const form = await openForm(agent, `/my/entries/${id}/edit`);
    expire();
    const sent = await postEntryForm(agent, form.action, { ...fields, ...form.hidden, title: '編集中のタイトル' });
    const next = new URL(sent.headers.location!, 'http://portal.invalid').searchParams.get('next')!;
    // Meanwhile a colleague saves the entry.
    db.prepare('UPDATE entries SET title = ? WHERE id = ?').run('同僚のタイトル', id);
    await login(agent, vendor.loginId, PASSWORD, next);
    const resumed = await agent.get(next);
    expect(resumed.status).toBe(409);
    expect($(resumed.text)('.error-summary').text()).toContain('ほかの方が先に更新しました。');
    expect($(resumed.text)('#title').val()).toBe('編集中のタイトル');
  });

  it('the kept form is handed to its own user only › a colleague who opens the link gets 404', async () => {
    const { app, db, agent, vendor, fields, expire } = await setup();
    const colleague = createUser(db, 'vendor', { organisationId: vendor.organisationId });
    const form = await openForm(agent, '/my/entries/new');
    expire();
    const sent = await postEntryForm(agent, form.action, { ...fields, ...form.hidden });
    const next = new URL(sent.headers.location!, 'http://portal.invalid').searchParams.get('next')!;
    const other = request.agent(app);
    expect((await login(other, colleague.loginId, PASSWORD, next)).headers.location).toBe(next);
    expect((await other.get(next)).status).toBe(404);
    expect(db.prepare('SELECT count(*) FROM parked_entry_forms').pluck().get()).toBe(1);
  });

  it.each([['forged', '1.1.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'], ['missing', undefined], ['older than a day', 'old']])(
    'a form with a %s resume token › nothing is kept; the sender is sent to log in and then to the empty form',
    async (_label, token) => {
      const { db, uploadDir, agent, fields, expire, clock } = await setup();
      const form = await openForm(agent, '/my/entries/new');
      const hidden: Record<string, string> = { ...form.hidden };
      if (token === undefined) delete hidden.resume;
      else if (token !== 'old') hidden.resume = token;
      else clock.advance(25 * 60 * 60_000);
      expire();
      const sent = await postEntryForm(agent, form.action, { ...fields, ...hidden }, { bytes: BROCHURE, name: 'x.pdf' });
      expect(sent.status).toBe(303);
      expect(sent.headers.location).toBe('/login?next=%2Fmy%2Fentries%2Fnew');
      expect(db.prepare('SELECT count(*) FROM parked_entry_forms').pluck().get()).toBe(0);
      expect(fs.readdirSync(uploadDir)).toEqual([]);
    },
  );

  it('a kept form no one comes back for › removed with its file by the sweep after a day', async () => {
    const { db, uploadDir, agent, fields, expire, clock } = await setup();
    const form = await openForm(agent, '/my/entries/new');
    expire();
    await postEntryForm(agent, form.action, { ...fields, ...form.hidden }, { bytes: BROCHURE, name: 'x.pdf' });
    expect(fs.readdirSync(uploadDir)).toHaveLength(1);
    clock.advance(25 * 60 * 60_000);
    expect(portalOn(db, { clock, uploadDir }).jobs.sweep.run().drafts).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(db.prepare('SELECT count(*) FROM parked_entry_forms').pluck().get()).toBe(0);
    expect(fs.readdirSync(uploadDir)).toEqual([]);
  });
});
