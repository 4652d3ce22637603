import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.js';
import { createEntry, createGenre, createUser, deleteEntry, PASSWORD, suspendEntry, TYPE } from '../helpers/factories.js';
import { hiddenFields, openForm, PDF_BYTES, postEntryForm, type EntryFields } from '../helpers/entry-form.js';
import { $, csrfFrom, loggedInAgent, type Agent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

/**
 * Issue 21.1: a case points at the product it used and the people involved; both detail pages show
 * the link by info type, the results row counts them, the other side may hide a link made by another
 * organisation, and a deleted or suspended entry drops out of view until it is back.
 */
function setup() {
  const portal = createTestPortal();
  const { db } = portal;
  const genre = createGenre(db, '防災');
  const maker = createUser(db, 'vendor');
  const integrator = createUser(db, 'vendor');
  const city = createUser(db, 'municipality');
  const secretariat = createUser(db, 'secretariat');
  const product = createEntry(db, maker, { title: '避難所受付クラウド', typeId: TYPE.product, genreIds: [genre] });
  const person = createEntry(db, integrator, { title: '防災アドバイザー 山田', typeId: TYPE.person, genreIds: [genre] });
  const caseEntry = createEntry(db, integrator, { title: '〇〇市の避難所受付の事例', typeId: TYPE.case, genreIds: [genre] });
  return { ...portal, genre, maker, integrator, city, secretariat, product, person, caseEntry };
}

/** The entry form's fields as its edit page holds them, with the tick and any overrides. */
async function editFields(agent: Agent, entryId: number, overrides: EntryFields = {}): Promise<{ action: string; fields: EntryFields }> {
  const form = await openForm(agent, `/my/entries/${entryId}/edit`);
  const doc = $(form.html);
  const fields: EntryFields = { ...form.hidden, agree_terms: '1' };
  doc('form[enctype] input[type="text"], form[enctype] input[type="tel"], form[enctype] input[type="email"], form[enctype] input[type="url"]').each((_, el) => {
    fields[doc(el).attr('name')!] = String(doc(el).val() ?? '');
  });
  fields.summary = doc('#summary').text();
  fields.type = String(doc('input[name="type"]:checked').val());
  fields.genre = doc('input[name="genre"]:checked').map((_, el) => String(doc(el).val())).get();
  fields.related = doc('input[name="related"]:checked').map((_, el) => String(doc(el).val())).get();
  return { action: form.action, fields: { ...fields, ...overrides } };
}

/** Saves an edit through confirm → save, as the owner's browser does. */
async function saveEdit(agent: Agent, entryId: number, overrides: EntryFields) {
  const { action, fields } = await editFields(agent, entryId, overrides);
  const confirm = await postEntryForm(agent, action, { ...fields, to_confirm: '1' });
  expect(confirm.status, confirm.text.slice(0, 2000)).toBe(200);
  const saved = await agent.post(`/my/entries/${entryId}`).type('form').send(hiddenFields(confirm.text, `/my/entries/${entryId}`));
  expect(saved.text).toContain('登録しました。');
  return confirm;
}

const relatedOn = (html: string) => { const doc = $(html); return doc('[data-related-entry-id]').map((_, el) => Number(doc(el).attr('data-related-entry-id'))).get(); };
const relatedHeadings = (html: string) => { const doc = $(html); return doc('.related-entries h3').map((_, el) => doc(el).text()).get(); };
/** The related entries a search on the form offers (unticked boxes). */
const offeredOn = (html: string) => { const doc = $(html); return doc('input[name="related"]:not(:checked)').map((_, el) => Number(doc(el).val())).get(); };
const linksOf = (db: Db) => db.prepare('SELECT from_entry_id AS "from", to_entry_id AS "to", hidden_at IS NOT NULL AS hidden FROM entry_links ORDER BY 1, 2').all();

describe('related entries › picked on the entry form, without JavaScript', () => {
  it('a keyword search offers published entries (not the entry itself), keeps what was typed, and the pick is saved with the form', async () => {
    const { app, db, integrator, product, person, caseEntry } = setup();
    const agent = await loggedInAgent(app, integrator.loginId, PASSWORD);
    const { action, fields } = await editFields(agent, caseEntry, { title: '〇〇市の避難所受付の事例（改訂）' });

    // 「探す」: the form comes back as typed, with candidates to tick; nothing is saved or drafted.
    const found = await postEntryForm(agent, action, { ...fields, related_q: '避難所', related_search: '1' });
    expect(found.status).toBe(200);
    const doc = $(found.text);
    expect(doc('#title').val()).toBe('〇〇市の避難所受付の事例（改訂）');
    expect(doc('[data-related-candidates]').text()).toContain('「避難所」で見つかった情報');
    expect(offeredOn(found.text)).toEqual([product]);
    expect(db.prepare('SELECT count(*) FROM entry_drafts').pluck().get()).toBe(0);
    expect(db.prepare('SELECT title FROM entries WHERE id = ?').pluck().get(caseEntry)).toBe('〇〇市の避難所受付の事例');

    // Enter in the search box (an implicit submission: no 「確認画面へ進む」) searches too.
    const entered = await postEntryForm(agent, action, { ...fields, related_q: '山田' });
    expect(offeredOn(entered.text)).toEqual([person]);

    // Ticked, confirmed, saved: the confirmation page lists them, then the links are stored and audited.
    const confirm = await postEntryForm(agent, action, { ...fields, related: [String(product), String(person)], to_confirm: '1', related_q: '山田' });
    expect(confirm.status).toBe(200);
    expect(relatedOn(confirm.text)).toEqual([product, person]);
    const saved = await agent.post(`/my/entries/${caseEntry}`).type('form').send(hiddenFields(confirm.text, `/my/entries/${caseEntry}`));
    expect(saved.text).toContain('登録しました。');
    expect(linksOf(db)).toEqual([{ from: caseEntry, to: product, hidden: 0 }, { from: caseEntry, to: person, hidden: 0 }]);
    const audit = db.prepare(`SELECT diff FROM audit_log WHERE action = 'entry.update' AND target_id = ?`).pluck().get(caseEntry) as string;
    expect((JSON.parse(audit) as { related: unknown }).related).toEqual([[], [product, person]]);

    // The edit form shows them ticked; unticking one removes that link only.
    const again = await editFields(agent, caseEntry);
    expect(again.fields.related).toEqual([String(product), String(person)]);
    await saveEdit(agent, caseEntry, { related: [String(person)] });
    expect(linksOf(db)).toEqual([{ from: caseEntry, to: person, hidden: 0 }]);
  });

  it('a file chosen before a search is not lost: a PDF is kept for the send that follows, anything else is named as not kept', async () => {
    const { app, db, integrator, caseEntry } = setup();
    const agent = await loggedInAgent(app, integrator.loginId, PASSWORD);
    const { action, fields } = await editFields(agent, caseEntry);
    const res = await postEntryForm(agent, action, { ...fields, related_q: '避難所', related_search: '1' }, { bytes: PDF_BYTES, name: 'カタログ.pdf' });
    expect(res.status).toBe(200);
    const doc = $(res.text);
    expect(doc('[data-file-kept]').text()).toContain('カタログ.pdf');
    expect(doc('[data-file-dropped]').length).toBe(0);
    // Sent on without choosing it again: the confirmation and the save have it.
    const confirm = await postEntryForm(agent, action, { ...fields, to_confirm: '1', draft_key: String(doc('input[name="draft_key"]').val()) });
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('カタログ.pdf');
    expect((await agent.post(`/my/entries/${caseEntry}`).type('form').send(hiddenFields(confirm.text, `/my/entries/${caseEntry}`))).status).toBe(200);
    expect(db.prepare('SELECT original_name FROM attachments WHERE entry_id = ?').pluck().get(caseEntry)).toBe('カタログ.pdf');

    const notPdf = await postEntryForm(agent, action, { ...fields, related_q: '避難所', related_search: '1' }, { bytes: Buffer.from('text'), name: 'memo.pdf' });
    expect($(notPdf.text)('[data-file-dropped]').text()).toContain('もう一度選択してください');
  });

  it('the entry itself, an unpublished entry or one that does not exist › 400 with the message at the field, nothing saved', async () => {
    const { app, db, maker, integrator, caseEntry, product } = setup();
    const hidden = createEntry(db, maker, { title: '公開停止中の製品' });
    suspendEntry(db, hidden);
    const agent = await loggedInAgent(app, integrator.loginId, PASSWORD);
    for (const bad of [String(caseEntry), String(hidden), '999999', 'abc']) {
      const { action, fields } = await editFields(agent, caseEntry);
      const res = await postEntryForm(agent, action, { ...fields, related: [String(product), bad], to_confirm: '1' });
      expect(res.status, bad).toBe(400);
      expect($(res.text)('#related-error').text()).toContain('関連する情報の指定が正しくありません');
    }
    const { action, fields } = await editFields(agent, caseEntry);
    const tooMany = await postEntryForm(agent, action, { ...fields, related: Array.from({ length: 31 }, (_, i) => String(i + 1)), to_confirm: '1' });
    expect(tooMany.status).toBe(400);
    expect($(tooMany.text)('#related-error').text()).toContain('30件まで');
    const longSearch = await postEntryForm(agent, action, { ...fields, related_q: 'あ'.repeat(101), related_search: '1' });
    expect(longSearch.status).toBe(400);
    expect($(longSearch.text)('#related-error').text()).toBe('キーワードは100文字以内で入力してください。');
    expect(linksOf(db)).toEqual([]);
  });

  it('a new entry can be registered with its related entries', async () => {
    const { app, db, integrator, product } = setup();
    const agent = await loggedInAgent(app, integrator.loginId, PASSWORD);
    const form = await openForm(agent, '/my/entries/new');
    const genre = $(form.html)('input[name="genre"]').first().val() as string;
    const confirm = await postEntryForm(agent, form.action, {
      ...form.hidden, type: String(TYPE.case), title: '新しい事例', summary: '導入の経緯です。', genre: [genre], related: [String(product)],
      contact_company: '株式会社インテグレータ', contact_name: '担当', contact_phone: '03-0000-0000', contact_email: 'a@example.jp', agree_terms: '1', to_confirm: '1',
    });
    expect(confirm.status).toBe(200);
    await agent.post('/my/entries').type('form').send(hiddenFields(confirm.text, '/my/entries'));
    const id = db.prepare(`SELECT id FROM entries WHERE title = '新しい事例'`).pluck().get() as number;
    expect(linksOf(db)).toEqual([{ from: id, to: product, hidden: 0 }]);
  });
});

describe('related entries › both detail pages, the results row, and the access rules', () => {
  async function linked() {
    const s = setup();
    const agent = await loggedInAgent(s.app, s.integrator.loginId, PASSWORD);
    await saveEdit(agent, s.caseEntry, { related: [String(s.product), String(s.person)] });
    return { ...s, integratorAgent: agent };
  }

  it('a municipality sees the link on both pages, grouped by type with counts, each opening the other', async () => {
    const { app, city, product, person, caseEntry } = await linked();
    const agent = await loggedInAgent(app, city.loginId, PASSWORD);
    const ofCase = await agent.get(`/entries/${caseEntry}`);
    expect(relatedHeadings(ofCase.text)).toEqual(['関連する製品・サービス情報（1件）', '関連する人材情報（1件）']);
    expect($(ofCase.text)(`[data-related-entry-id="${product}"] a`).attr('href')).toBe(`/entries/${product}`);
    const ofProduct = await agent.get(`/entries/${product}`);
    expect(relatedHeadings(ofProduct.text)).toEqual(['関連する事例情報（1件）']);
    expect(relatedOn(ofProduct.text)).toEqual([caseEntry]);
    expect(relatedOn((await agent.get(`/entries/${person}`)).text)).toEqual([caseEntry]);

    // The results row counts the linked entries by type.
    const results = await agent.get(`/search/results?q=${encodeURIComponent('避難所受付クラウド')}`);
    expect($(results.text)(`[data-entry-id="${product}"] .entry-row__related`).text()).toBe('関連する情報：事例情報 1件');
    const caseRow = $((await agent.get(`/search/results?q=${encodeURIComponent('事例')}`)).text)(`[data-entry-id="${caseEntry}"] .entry-row__related`).text();
    expect(caseRow).toBe('関連する情報：製品・サービス情報 1件・人材情報 1件');
  });

  it('never leads a vendor to a competitor’s detail page: the linked title is shown, not linked', async () => {
    const { app, maker, integratorAgent, product, caseEntry } = await linked();
    const makerAgent = await loggedInAgent(app, maker.loginId, PASSWORD);
    const own = $((await makerAgent.get(`/entries/${product}`)).text);
    expect(own(`[data-related-entry-id="${caseEntry}"]`).text()).toContain('〇〇市の避難所受付の事例');
    expect(own(`[data-related-entry-id="${caseEntry}"] a`)).toHaveLength(0);
    const theirs = $((await integratorAgent.get(`/my/entries/${caseEntry}`)).text);
    expect(theirs(`[data-related-entry-id="${product}"] a`)).toHaveLength(0);
    expect((await makerAgent.get(`/entries/${caseEntry}`)).status).toBe(403);
  });

  it('the linked organisation hides another’s link from its own entry (not from the other’s), and shows it again; audited', async () => {
    const { app, db, city, maker, integratorAgent, product, caseEntry } = await linked();
    const makerAgent = await loggedInAgent(app, maker.loginId, PASSWORD);
    const page = await makerAgent.get(`/my/entries/${product}`);
    const action = `/my/entries/${product}/related/${caseEntry}/hide`;
    expect($(page.text)(`form[action="${action}"]`)).toHaveLength(1);
    const hide = await makerAgent.post(action).type('form').send({ _csrf: csrfFrom(page.text, action) });
    expect(hide.status).toBe(303);
    // Twice is the same as once.
    expect((await makerAgent.post(action).type('form').send({ _csrf: csrfFrom(page.text, action) })).status).toBe(303);

    const cityAgent = await loggedInAgent(app, city.loginId, PASSWORD);
    expect(relatedOn((await cityAgent.get(`/entries/${product}`)).text)).toEqual([]);
    expect(relatedOn((await cityAgent.get(`/entries/${caseEntry}`)).text)).toContain(product);
    const row = $((await cityAgent.get(`/search/results?q=${encodeURIComponent('避難所受付クラウド')}`)).text)(`[data-entry-id="${product}"]`);
    expect(row).toHaveLength(1);
    expect(row.find('.entry-row__related')).toHaveLength(0);
    // The owner still sees it, marked, with the way back.
    const owner = $((await makerAgent.get(`/my/entries/${product}`)).text);
    expect(owner(`[data-related-entry-id="${caseEntry}"]`).attr('data-related-hidden')).toBe('');
    const show = `/my/entries/${product}/related/${caseEntry}/show`;
    expect((await makerAgent.post(show).type('form').send({ _csrf: csrfFrom(owner.html(), show) })).status).toBe(303);
    expect(relatedOn((await cityAgent.get(`/entries/${product}`)).text)).toEqual([caseEntry]);
    expect(db.prepare(`SELECT action FROM audit_log WHERE action LIKE 'entry_link.%' ORDER BY id`).pluck().all()).toEqual(['entry_link.hide', 'entry_link.show']);

    // The linking side cannot hide its own link (it edits its form), nor anyone hide a link on an
    // entry that is not theirs; a municipality has no such page. All with one answer.
    const mine = await integratorAgent.get(`/my/entries/${caseEntry}`);
    expect((await integratorAgent.post(`/my/entries/${product}/related/${caseEntry}/hide`).type('form').send({ _csrf: csrfFrom(mine.text) })).status).toBe(404);
    expect((await integratorAgent.post(`/my/entries/${caseEntry}/related/${product}/hide`).type('form').send({ _csrf: csrfFrom(mine.text) })).status).toBe(404);
    const cityPage = await cityAgent.get('/');
    expect((await cityAgent.post(action).type('form').send({ _csrf: csrfFrom(cityPage.text) })).status).toBe(403);
    expect(linksOf(db)).toContainEqual({ from: caseEntry, to: product, hidden: 0 });
  });

  it('a deleted or suspended entry drops out of every view and comes back with the entry; an edit meanwhile keeps the link', async () => {
    const { app, db, city, secretariat, integratorAgent, product, person, caseEntry } = await linked();
    const cityAgent = await loggedInAgent(app, city.loginId, PASSWORD);
    suspendEntry(db, product);
    expect(relatedOn((await cityAgent.get(`/entries/${caseEntry}`)).text)).toEqual([person]);
    // The owner of the case edits it meanwhile: the form cannot show the suspended product, and the save keeps its link.
    const form = await editFields(integratorAgent, caseEntry);
    expect(form.fields.related).toEqual([String(person)]);
    await saveEdit(integratorAgent, caseEntry, { title: '〇〇市の事例（更新）' });
    const admin = await loggedInAgent(app, secretariat.loginId, PASSWORD);
    const adminPage = await admin.get(`/admin/entries/${product}`);
    expect((await admin.post(`/admin/entries/${product}/unsuspend`).type('form').send({ _csrf: csrfFrom(adminPage.text, `/admin/entries/${product}/unsuspend`) })).status).toBeLessThan(400);
    expect(relatedOn((await cityAgent.get(`/entries/${caseEntry}`)).text)).toEqual([product, person]);

    deleteEntry(db, caseEntry);
    expect(relatedOn((await cityAgent.get(`/entries/${product}`)).text)).toEqual([]);
    db.prepare('UPDATE entries SET deleted_at = NULL WHERE id = ?').run(caseEntry);
    expect(relatedOn((await cityAgent.get(`/entries/${product}`)).text)).toEqual([caseEntry]);
  });
});
