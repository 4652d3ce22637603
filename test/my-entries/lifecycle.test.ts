import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxRepository } from '../../src/mail/outbox.repository.js';
import { mailSender } from '../../src/mail/sender.js';
import { createGenre, createUser, PASSWORD } from '../helpers/factories.js';
import { hiddenFields, openForm, PDF_BYTES, postEntryForm } from '../helpers/entry-form.js';
import { $, hitCount, listedIds, loggedInAgent } from '../helpers/http.js';
import { appOn, createTestPortal, PUBLIC_URL, testClock } from '../helpers/portal.js';
import { startSmtpServer } from '../helpers/smtp.js';
import { until } from '../helpers/wait.js';

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp?.close();
});


describe('registrant side › the whole path', () => {
  it('new → confirm → save → list → detail → edit → confirm → save → delete', async () => {
    const portal = createTestPortal();
    const { db, uploadDir } = portal;
    const clock = testClock();
    const mailer = mailSender({ smtpUrl: smtp.url, from: 'noreply@applic.example.jp', outbox: outboxRepository(db), clock, logger: pino({ level: 'silent' }) });
    const app = appOn(db, { uploadDir, mailer, clock });
    const bousai = createGenre(db, '防災');
    const hinanjo = createGenre(db, '避難所運営', bousai);
    const kyoiku = createGenre(db, '教育');
    const vendor = createUser(db, 'vendor', { name: '佐藤 健' });
    db.prepare(`UPDATE users SET department = '公共営業部', phone = '03-1111-2222', email = 'sato@vendor.example.jp' WHERE id = ?`).run(vendor.id);
    const agent = await loggedInAgent(app, vendor.loginId, PASSWORD);

    // New: the form, with the registrant shown read-only.
    const form = await openForm(agent, '/my/entries/new');
    expect(form.action).toBe('/my/entries/confirm');
    expect($(form.html)('#registrant-title').parent().text()).toContain('佐藤 健');

    const fields = {
      _csrf: form.csrf, type: '1', title: '避難所受付クラウド', summary: '受付を数秒で。\n二行目。', url: 'https://example.com/hinan',
      genre: [String(hinanjo)], contact_company: 'みらい防災', contact_department: '営業部', contact_name: '受付 太郎',
      contact_phone: '03-0000-1111', contact_email: 'uketsuke@vendor.example.jp', agree_terms: '1',
      // Forged: ownership and the registrant come from the session, never from the form.
      organisation_id: '999', org_id: '999', registrant_name: '偽物',
    };
    const confirm = await postEntryForm(agent, form.action, fields, { bytes: PDF_BYTES, name: '製品カタログ.pdf' });
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('登録してよいですか？');
    expect(confirm.text).toContain('製品カタログ.pdf');
    expect(db.prepare('SELECT count(*) FROM entries').pluck().get()).toBe(0);

    const saveFields = hiddenFields(confirm.text, '/my/entries');
    const saved = await agent.post('/my/entries').type('form').send(saveFields);
    expect(saved.status).toBe(200);
    expect(saved.text).toContain('登録しました。');
    // The same draft again: still one entry.
    expect((await agent.post('/my/entries').type('form').send(saveFields)).text).toContain('登録しました。');
    const rows = db.prepare('SELECT * FROM entries').all() as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    const entry = rows[0]!;
    expect(entry).toMatchObject({
      organisation_id: vendor.organisationId, user_id: vendor.id, title: '避難所受付クラウド', summary: '受付を数秒で。\n二行目。',
      url: 'https://example.com/hinan', contact_name: '受付 太郎', registrant_name: '佐藤 健', registrant_department: '公共営業部',
      registrant_email: 'sato@vendor.example.jp', deleted_at: null,
    });
    expect(String(entry.operator_ip)).toMatch(/127\.0\.0\.1|::1/);
    const id = Number(entry.id);
    expect(db.prepare('SELECT genre_id FROM entry_genres WHERE entry_id = ?').pluck().all(id)).toEqual([hinanjo]);

    // The PDF round-trips byte for byte, and the stored file sits in the upload folder under a random name.
    const attachment = db.prepare('SELECT * FROM attachments WHERE entry_id = ?').get(id) as { stored_name: string; original_name: string; size: number; sha256: string };
    expect(attachment).toMatchObject({ original_name: '製品カタログ.pdf', size: PDF_BYTES.length });
    expect(attachment.stored_name).toMatch(/^[0-9a-f]{32}$/);
    expect(fs.readFileSync(path.join(uploadDir, attachment.stored_name)).equals(PDF_BYTES)).toBe(true);
    const download = await agent.get(`/entries/${id}/attachment`).buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect((download.body as Buffer).equals(PDF_BYTES)).toBe(true);

    // Audit: the create with its values.
    const created = db.prepare(`SELECT * FROM audit_log WHERE action = 'entry.create'`).get() as { diff: string; user_id: number; target_id: number };
    expect(created).toMatchObject({ user_id: vendor.id, target_id: id });
    expect((JSON.parse(created.diff) as Record<string, unknown>).title).toEqual([null, '避難所受付クラウド']);

    // Mail: 登録処理済メール to the registrant and a notice to the secretariat, through a real SMTP server.
    await until(() => smtp.messages.length >= 2);
    const toRegistrant = smtp.messages.find((m) => m.subject?.includes('受け付けました'));
    expect(toRegistrant?.to && 'text' in toRegistrant.to ? toRegistrant.to.text : '').toContain('sato@vendor.example.jp');
    expect(toRegistrant?.text).toContain('避難所受付クラウド');
    expect(toRegistrant?.text).toContain(`自団体の登録情報: ${PUBLIC_URL}/my/entries/${id}`);
    const toSecretariat = smtp.messages.find((m) => m.subject?.includes('【要確認】'));
    expect(toSecretariat?.to && 'text' in toSecretariat.to ? toSecretariat.to.text : '').toContain('secretariat@applic.example.jp');
    expect(toSecretariat?.text).toContain(`管理画面: ${PUBLIC_URL}/admin/entries/${id}`);
    expect(db.prepare(`SELECT count(*) FROM mail_outbox WHERE status = 'sent'`).pluck().get()).toBe(2);

    // List and detail.
    const list = await agent.get('/my/entries');
    expect(listedIds(list.text)).toEqual([id]);
    expect(hitCount(list.text)).toBe(1);
    const detail = await agent.get(`/my/entries/${id}`);
    expect(detail.status).toBe(200);
    const doc = $(detail.text);
    expect(doc(`a[href="/my/entries/${id}/edit"]`).length).toBe(1);
    expect(doc(`a[href="/my/entries/${id}/delete"]`).length).toBe(1);
    expect(doc('.like-box button').attr('disabled')).toBeDefined();

    // Edit: the form filled in; no new file keeps the current one.
    const edit = await openForm(agent, `/my/entries/${id}/edit`);
    expect(edit.action).toBe(`/my/entries/${id}/confirm`);
    const editDoc = $(edit.html);
    expect(editDoc('#title').val()).toBe('避難所受付クラウド');
    expect(editDoc(`#genre-${hinanjo}`).attr('checked')).toBeDefined();
    expect(editDoc('.kept-file').text()).toContain('製品カタログ.pdf');
    clock.advance(60_000);
    const editConfirm = await postEntryForm(agent, edit.action, {
      ...fields, ...edit.hidden, title: '避難所受付クラウド 第2版', genre: [String(hinanjo), String(kyoiku)],
    });
    expect(editConfirm.text).toContain('登録してよいですか？');
    expect(editConfirm.text).toContain('製品カタログ.pdf');
    const editSaved = await agent.post(`/my/entries/${id}`).type('form').send(hiddenFields(editConfirm.text, `/my/entries/${id}`));
    expect(editSaved.text).toContain('登録しました。');
    expect(db.prepare('SELECT title FROM entries WHERE id = ?').pluck().get(id)).toBe('避難所受付クラウド 第2版');
    expect(db.prepare('SELECT genre_id FROM entry_genres WHERE entry_id = ? ORDER BY genre_id').pluck().all(id)).toEqual([hinanjo, kyoiku].sort((a, b) => a - b));
    expect(db.prepare('SELECT stored_name FROM attachments WHERE entry_id = ?').pluck().get(id)).toBe(attachment.stored_name);
    const updated = db.prepare(`SELECT diff FROM audit_log WHERE action = 'entry.update'`).pluck().get() as string;
    expect(JSON.parse(updated)).toEqual({
      title: ['避難所受付クラウド', '避難所受付クラウド 第2版'],
      genre: [[hinanjo], [hinanjo, kyoiku].sort((a, b) => a - b)],
    });
    // The search finds it under its new genre.
    expect(listedIds((await request(app).get(`/search/results?genre=${kyoiku}`)).text)).toEqual([id]);

    // Delete.
    const confirmDelete = await agent.get(`/my/entries/${id}/delete`);
    expect(confirmDelete.text).toContain('本当に削除してよいですか？');
    const token = $(confirmDelete.text)(`form[action="/my/entries/${id}/delete"] input[name="_csrf"]`).val() as string;
    const deleted = await agent.post(`/my/entries/${id}/delete`).type('form').send({ _csrf: token });
    expect(deleted.text).toContain('削除しました。');
    expect(db.prepare('SELECT deleted_at IS NOT NULL FROM entries WHERE id = ?').pluck().get(id)).toBe(1);
    expect(JSON.parse(db.prepare(`SELECT diff FROM audit_log WHERE action = 'entry.delete'`).pluck().get() as string)).toHaveProperty('deleted_at');
    // Gone everywhere.
    expect(listedIds((await agent.get('/my/entries')).text)).toEqual([]);
    expect((await agent.get(`/my/entries/${id}`)).status).toBe(404);
    expect((await agent.get(`/entries/${id}`)).status).toBe(404);
    expect((await agent.get(`/entries/${id}/attachment`)).status).toBe(404);
    expect(listedIds((await request(app).get('/search/results')).text)).toEqual([]);
    mailer.close();
  });

  it('編集に戻る › returns to the form with every value and the chosen file kept', async () => {
    const { app, db } = createTestPortal();
    const genre = createGenre(db, '観光');
    const vendor = createUser(db, 'vendor');
    const agent = await loggedInAgent(app, vendor.loginId, PASSWORD);
    const form = await openForm(agent, '/my/entries/new');
    const confirm = await postEntryForm(agent, form.action, {
      _csrf: form.csrf, type: '2', title: '観光アプリ', summary: '多言語で案内します。', url: '', genre: [String(genre)],
      contact_company: '地域ICT', contact_department: '', contact_name: '伊藤', contact_phone: '06-0000-0000',
      contact_email: 'ito@example.jp', agree_terms: '1',
    }, { bytes: PDF_BYTES, name: 'kanko.pdf' });
    const back = $(confirm.text)('a:contains("編集に戻る")').attr('href')!;
    const again = await openForm(agent, back);
    const doc = $(again.html);
    expect(doc('#title').val()).toBe('観光アプリ');
    expect(doc('#type-2').attr('checked')).toBeDefined();
    expect(doc(`#genre-${genre}`).attr('checked')).toBeDefined();
    expect(doc('.kept-file').text()).toContain('kanko.pdf');
    // Confirm again without choosing the file anew: the kept file goes with the new draft.
    const fields: Record<string, string | string[]> = {};
    doc('form[enctype] input, form[enctype] textarea').each((_, el) => {
      const input = doc(el);
      const name = input.attr('name');
      const type = input.attr('type');
      if (!name || type === 'file' || ((type === 'checkbox' || type === 'radio') && input.attr('checked') === undefined)) return;
      const value = el.tagName === 'textarea' ? input.text() : String(input.val());
      fields[name] = name in fields ? [...[fields[name]!].flat(), value] : value;
    });
    const second = await postEntryForm(agent, again.action, fields);
    expect(second.text).toContain('kanko.pdf');
    await agent.post('/my/entries').type('form').send(hiddenFields(second.text, '/my/entries'));
    expect(db.prepare('SELECT original_name FROM attachments').pluck().all()).toEqual(['kanko.pdf']);
  });
});
