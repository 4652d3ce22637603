import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { createEntry, createGenre, createUser, PASSWORD } from '../helpers/factories.js';
import { hiddenFields, openForm, postEntryForm, type EntryFields } from '../helpers/entry-form.js';
import { $, loggedInAgent, type Agent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

const CONFLICT = 'ほかの方が先に更新しました。';

async function setup(colleagues: number) {
  const portal = createTestPortal();
  const genre = createGenre(portal.db, '防災');
  const owner = createUser(portal.db, 'vendor');
  const id = createEntry(portal.db, owner, { title: '元のタイトル', genreIds: [genre] });
  const agents = await Promise.all(Array.from({ length: colleagues }, async () =>
    loggedInAgent(portal.app, createUser(portal.db, 'vendor', { organisationId: owner.organisationId }).loginId, PASSWORD)));
  return { ...portal, genre, id, agents };
}

/** The edit form as a browser submits it: every field it holds, the changes on top. */
async function editForm(agent: Agent, id: number, changes: Record<string, string>): Promise<{ action: string; fields: EntryFields }> {
  const form = await openForm(agent, `/my/entries/${id}/edit`);
  const doc = cheerio.load(form.html);
  const fields: EntryFields = { ...hiddenFields(form.html, form.action), agree_terms: '1' };
  doc(`form[action="${form.action}"]`).find('input[type="text"], input[type="url"], input[type="email"], input[type="tel"], textarea').each((_, el) => {
    fields[doc(el).attr('name')!] = el.tagName === 'textarea' ? doc(el).text() : String(doc(el).val() ?? '');
  });
  fields.type = String(doc('input[name="type"]:checked').val());
  fields.genre = doc('input[name="genre"]:checked').map((_, el) => String(doc(el).val())).get();
  return { action: form.action, fields: { ...fields, ...changes } };
}

describe('two people editing one entry (issue 15.10, contract: Trust rules)', () => {
  it('eight parallel saves of the same version › one is saved, seven get 409 with their own values and the message; nothing is lost silently', async () => {
    const { db, id, agents } = await setup(8);
    const confirmed = await Promise.all(agents.map(async (agent, i) => {
      const { action, fields } = await editForm(agent, id, { title: `${i}番目の編集` });
      const page = await postEntryForm(agent, action, fields);
      expect(page.text).toContain('登録してよいですか？');
      return { agent, i, page };
    }));
    const saves = await Promise.all(confirmed.map(({ agent, page }) =>
      agent.post(`/my/entries/${id}`).type('form').send(hiddenFields(page.text, `/my/entries/${id}`))));

    const won = saves.filter((r) => r.text.includes('登録しました。'));
    const lost = saves.map((r, i) => ({ r, i })).filter(({ r }) => r.status === 409);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(7);
    const winner = saves.findIndex((r) => r.text.includes('登録しました。'));
    expect(db.prepare('SELECT title FROM entries WHERE id = ?').pluck().get(id)).toBe(`${winner}番目の編集`);
    expect(db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'entry.update' AND target_id = ?`).pluck().get(id)).toBe(1);
    for (const { r, i } of lost) {
      const doc = $(r.text);
      expect(doc('.error-summary').text()).toContain(CONFLICT);
      expect(doc('#title').val()).toBe(`${i}番目の編集`); // their own values, not the winner's
      expect(doc('[data-conflict]').text()).toContain(`${winner}番目の編集`); // and what is saved now
    }
  });

  it('the second of two sessions › 409 at its confirm step; confirming again saves, knowingly over the first', async () => {
    const { db, id, agents } = await setup(2);
    const [first, second] = agents as [Agent, Agent];
    const a = await editForm(first, id, { title: 'Aさんの編集' });
    const b = await editForm(second, id, { title: 'Bさんの編集', summary: 'Bさんの概要' });

    const aConfirm = await postEntryForm(first, a.action, a.fields);
    expect((await first.post(`/my/entries/${id}`).type('form').send(hiddenFields(aConfirm.text, `/my/entries/${id}`))).text).toContain('登録しました。');

    const bConfirm = await postEntryForm(second, b.action, b.fields);
    expect(bConfirm.status).toBe(409);
    const doc = $(bConfirm.text);
    expect(doc('.error-summary').text()).toContain(CONFLICT);
    expect(doc('#title').val()).toBe('Bさんの編集');
    expect(doc('#summary').text()).toBe('Bさんの概要');
    expect(db.prepare('SELECT title FROM entries WHERE id = ?').pluck().get(id)).toBe('Aさんの編集');

    // The form now carries the version saved by A: B's second try goes through.
    const again = await editForm(second, id, {});
    expect(again.fields.version).not.toBe(b.fields.version);
    const retry = await postEntryForm(second, b.action, { ...b.fields, version: String(again.fields.version), title: 'Bさんの編集' });
    expect(retry.text).toContain('登録してよいですか？');
    expect((await second.post(`/my/entries/${id}`).type('form').send(hiddenFields(retry.text, `/my/entries/${id}`))).text).toContain('登録しました。');
    expect(db.prepare('SELECT title FROM entries WHERE id = ?').pluck().get(id)).toBe('Bさんの編集');
  });

  it('an edit form without its version, or with a made-up one › 409, nothing saved', async () => {
    const { db, id, agents } = await setup(1);
    const { action, fields } = await editForm(agents[0]!, id, { title: '版のない編集' });
    for (const version of [undefined, '999', 'abc']) {
      const sent = { ...fields };
      if (version === undefined) delete sent.version;
      else sent.version = version;
      expect((await postEntryForm(agents[0]!, action, sent)).status).toBe(409);
    }
    expect(db.prepare('SELECT title FROM entries WHERE id = ?').pluck().get(id)).toBe('元のタイトル');
  });
});
