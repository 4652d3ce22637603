import crypto from 'node:crypto';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createGenre, createUser, PASSWORD } from '../helpers/factories.js';
import { hiddenFields, openForm, PDF_BYTES, postEntryForm, type EntryFields } from '../helpers/entry-form.js';
import { $, loggedInAgent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

async function setup() {
  const portal = createTestPortal();
  const genre = createGenre(portal.db, '防災');
  const vendor = createUser(portal.db, 'vendor');
  const agent = await loggedInAgent(portal.app, vendor.loginId, PASSWORD);
  const form = await openForm(agent, '/my/entries/new');
  const valid: EntryFields = {
    _csrf: form.csrf, type: '1', title: '防災アプリ', summary: '避難情報を届けます。', url: 'https://example.com/',
    genre: [String(genre)], contact_company: '株式会社テスト', contact_department: '営業部', contact_name: '山田',
    contact_phone: '03-1234-5678', contact_email: 'yamada@example.jp', agree_terms: '1',
  };
  const nothingSaved = () => {
    for (const table of ['entries', 'entry_drafts', 'attachments', 'audit_log', 'mail_outbox']) {
      expect(portal.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(0);
    }
    expect(fs.readdirSync(portal.uploadDir)).toEqual([]);
  };
  return { ...portal, agent, form, valid, nothingSaved, genre };
}

describe('POST /my/entries/confirm › field rules', () => {
  it.each([
    ['title', { title: '' }, 'タイトルを入力してください。'],
    ['title', { title: 'あ'.repeat(101) }, 'タイトルは100文字以内で入力してください。'],
    ['summary', { summary: '   ' }, '概要を入力してください。'],
    ['summary', { summary: 'あ'.repeat(4001) }, '概要は4000文字以内で入力してください。'],
    ['url', { url: 'javascript:alert(1)' }, 'URLは http:// または https:// で始まる形式で入力してください。'],
    ['url', { url: 'ftp://example.com/' }, 'URLは http:// または https:// で始まる形式で入力してください。'],
    ['contact_email', { contact_email: 'not-an-address' }, 'メールアドレスの形式が正しくありません。'],
    ['contact_name', { contact_name: '' }, '担当者名を入力してください。'],
    ['contact_phone', { contact_phone: 'abc' }, '電話番号は数字とハイフンで入力してください。'],
    ['genre', { genre: [] }, '行政課題のジャンルを1つ以上選択してください。'],
    ['genre', { genre: ['99999'] }, '行政課題のジャンルの指定が正しくありません。'],
    ['type', { type: '' }, '情報種別を選択してください。'],
    ['type', { type: '42' }, '情報種別を選択してください。'],
    ['agree_terms', { agree_terms: '' }, '登録の規約を確認し、同意してください。'],
  ])('%s %j › 400 with the message at the field, the values kept, nothing saved', async (field, change, message) => {
    const { agent, form, valid, nothingSaved } = await setup();
    const fields: EntryFields = { ...valid, ...change };
    if (Array.isArray(fields.genre) && fields.genre.length === 0) delete fields.genre;
    const res = await postEntryForm(agent, form.action, fields);
    expect(res.status).toBe(400);
    const doc = $(res.text);
    expect(doc(`#${field}-error`).text()).toBe(message);
    expect(doc('.error-summary').text()).toContain(message);
    if (field !== 'title') expect(doc('#title').val()).toBe('防災アプリ');
    if (field !== 'summary') expect(doc('#summary').text()).toBe('避難情報を届けます。');
    nothingSaved();
  });

  it('a retired genre, or one under a retired genre › refused like an unknown one, nothing saved (issue 15.8)', async () => {
    const { db, agent, form, valid, nothingSaved, genre } = await setup();
    const child = createGenre(db, '避難所運営', genre);
    db.prepare('UPDATE genres SET retired_at = ? WHERE id = ?').run('2026-11-01T00:00:00.000Z', genre);
    for (const id of [genre, child]) {
      const res = await postEntryForm(agent, form.action, { ...valid, genre: [String(id)] });
      expect(res.status).toBe(400);
      expect($(res.text)('#genre-error').text()).toBe('行政課題のジャンルの指定が正しくありません。');
    }
    nothingSaved();
  });

  it('a text file named .pdf › refused by its content, nothing saved', async () => {
    const { agent, form, valid, nothingSaved } = await setup();
    const res = await postEntryForm(agent, form.action, valid, { bytes: Buffer.from('just text, not a PDF'), name: 'catalog.pdf' });
    expect(res.status).toBe(400);
    expect($(res.text)('#attachment-error').text()).toBe('PDFファイルを選択してください（ファイルの中身がPDFではありません）。');
    nothingSaved();
  });

  it('an 11 MB PDF › 413 with the form and a message; no row, draft or file left behind', async () => {
    const { agent, form, valid, nothingSaved } = await setup();
    const big = Buffer.concat([PDF_BYTES, Buffer.alloc(11 * 1024 * 1024, 0x20)]);
    const res = await postEntryForm(agent, form.action, valid, { bytes: big, name: 'big.pdf' });
    expect(res.status).toBe(413);
    expect($(res.text)('#attachment-error').text()).toContain('10MB以内');
    expect($(res.text)('#title').val()).toBe('防災アプリ');
    nothingSaved();
  });

  it('without _csrf › 403 and nothing saved, file included', async () => {
    const { agent, form, valid, nothingSaved } = await setup();
    const { _csrf: _, ...withoutToken } = valid;
    const res = await postEntryForm(agent, form.action, withoutToken, { bytes: PDF_BYTES, name: 'a.pdf' });
    expect(res.status).toBe(403);
    nothingSaved();
  });

  it('saving without a confirmed draft › 400, nothing saved', async () => {
    const { agent, form, nothingSaved } = await setup();
    const res = await agent.post('/my/entries').type('form').send({ _csrf: form.csrf, draft_key: 'x'.repeat(32) });
    expect(res.status).toBe(400);
    nothingSaved();
  });
});

describe('a chosen PDF and a form with mistakes (issue 23.2)', () => {
  it('the PDF is kept across the re-render, and says so; the next send uses it without choosing it again', async () => {
    const { db, agent, form, valid } = await setup();
    const first = await postEntryForm(agent, form.action, { ...valid, title: '' }, { bytes: PDF_BYTES, name: '防災カタログ.pdf' });
    expect(first.status).toBe(400);
    let doc = $(first.text);
    expect(doc('#title-error').text()).toBe('タイトルを入力してください。');
    expect(doc('#attachment-error').length).toBe(0);
    expect(doc('[data-file-kept]').text()).toContain('防災カタログ.pdf');
    expect(doc('[data-file-kept]').text()).toContain('もう一度選ぶ必要はありません');
    expect(db.prepare('SELECT count(*) FROM entries').pluck().get()).toBe(0);

    // A second mistake, sent without a file: still kept.
    const second = await postEntryForm(agent, form.action, { ...valid, title: '', draft_key: String(doc('input[name="draft_key"]').val()) });
    expect(second.status).toBe(400);
    doc = $(second.text);
    expect(doc('[data-file-kept], .kept-file').text()).toContain('防災カタログ.pdf');

    // Corrected: the confirmation names the file, and the save attaches exactly those bytes.
    const confirm = await postEntryForm(agent, form.action, { ...valid, draft_key: String(doc('input[name="draft_key"]').val()) });
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('防災カタログ.pdf');
    const saved = await agent.post('/my/entries').type('form').send(hiddenFields(confirm.text, '/my/entries'));
    expect(saved.status).toBe(200);
    const attachment = db.prepare('SELECT a.original_name AS name, a.sha256 FROM attachments a JOIN entries e ON e.id = a.entry_id WHERE e.title = ?').get('防災アプリ');
    expect(attachment).toEqual({ name: '防災カタログ.pdf', sha256: crypto.createHash('sha256').update(PDF_BYTES).digest('hex') });
  });

  it('the draft that only holds the file cannot be saved: its values were never checked', async () => {
    const { db, agent, form, valid } = await setup();
    const res = await postEntryForm(agent, form.action, { ...valid, title: '', summary: 'あ'.repeat(4001) }, { bytes: PDF_BYTES, name: 'a.pdf' });
    expect(res.status).toBe(400);
    const draftKey = String($(res.text)('input[name="draft_key"]').val());
    const save = await agent.post('/my/entries').type('form').send({ _csrf: form.csrf, draft_key: draftKey });
    expect(save.status).toBe(400);
    expect($(save.text)('main').text()).toContain('もう一度入力してください');
    expect(db.prepare('SELECT count(*) FROM entries').pluck().get()).toBe(0);
  });

  it('a file that is not a PDF is not kept, and the field says so', async () => {
    const { agent, form, valid, nothingSaved } = await setup();
    const res = await postEntryForm(agent, form.action, { ...valid, title: '' }, { bytes: Buffer.from('plain text'), name: 'memo.pdf' });
    expect(res.status).toBe(400);
    const doc = $(res.text);
    expect(doc('#attachment-error').text()).toBe('PDFファイルを選択してください（ファイルの中身がPDFではありません）。');
    expect(doc('.kept-file').length).toBe(0);
    nothingSaved();
  });
});
