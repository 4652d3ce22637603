import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { attachPdf, createEntry, createGenre, createUser, PASSWORD } from '../helpers/factories.js';
import { hiddenFields, openForm, PDF_BYTES, postEntryForm } from '../helpers/entry-form.js';
import { loggedInAgent } from '../helpers/http.js';
import { appOn, createTestPortal, myEntriesServiceOn, testClock } from '../helpers/portal.js';

const settle = () => new Promise((r) => setTimeout(r, 50)); // unused files are removed asynchronously

describe('editing the attachment', () => {
  it('a new file replaces the old one (and the old file leaves the disk once its draft is gone); remove_attachment=1 removes it', async () => {
    const { db, uploadDir } = createTestPortal();
    const clock = testClock();
    const app = appOn(db, { uploadDir, clock });
    const genre = createGenre(db, '防災');
    const vendor = createUser(db, 'vendor');
    const agent = await loggedInAgent(app, vendor.loginId, PASSWORD);
    const base = {
      type: '1', title: 't', summary: 's', genre: [String(genre)], contact_company: 'c', contact_name: 'n',
      contact_phone: '0', contact_email: 'a@example.jp', agree_terms: '1',
    };
    const submit = async (formPath: string, extra: Record<string, string>, file?: { bytes: Buffer; name: string }) => {
      const form = await openForm(agent, formPath);
      const confirm = await postEntryForm(agent, form.action, { ...base, ...extra, ...form.hidden }, file);
      const saveAction = form.action.replace(/\/confirm$/, '');
      const saved = await agent.post(saveAction).type('form').send(hiddenFields(confirm.text, saveAction));
      expect(saved.text).toContain('登録しました。');
    };

    await submit('/my/entries/new', {}, { bytes: PDF_BYTES, name: 'v1.pdf' });
    const id = db.prepare('SELECT id FROM entries').pluck().get() as number;
    const first = db.prepare('SELECT stored_name FROM attachments WHERE entry_id = ?').pluck().get(id) as string;

    const v2 = Buffer.concat([PDF_BYTES, Buffer.from('% second edition\n')]);
    await submit(`/my/entries/${id}/edit`, {}, { bytes: v2, name: 'v2.pdf' });
    const second = db.prepare('SELECT stored_name, original_name FROM attachments WHERE entry_id = ?').get(id) as { stored_name: string; original_name: string };
    expect(second.original_name).toBe('v2.pdf');
    expect(fs.readFileSync(path.join(uploadDir, second.stored_name)).equals(v2)).toBe(true);

    await submit(`/my/entries/${id}/edit`, { remove_attachment: '1' });
    expect(db.prepare('SELECT count(*) FROM attachments').pluck().get()).toBe(0);
    expect((await agent.get(`/entries/${id}/attachment`)).status).toBe(404);
    // The replaced files belonged to drafts too; they leave the disk with the drafts' cleanup.
    expect(fs.existsSync(path.join(uploadDir, first))).toBe(true);
    clock.advance(25 * 60 * 60_000);
    myEntriesServiceOn(db, uploadDir, clock).cleanupDrafts();
    await settle();
    expect(fs.readdirSync(uploadDir)).toEqual([]);
  });
});

describe('the name an attachment is downloaded under (issue 15.6)', () => {
  // A file that is a PDF to the %PDF- check and an HTML page to a browser that sniffs or trusts the name.
  const POLYGLOT = Buffer.from('%PDF-1.4\n<html><body><script>alert(document.domain)</script></body></html>\n%%EOF\n', 'latin1');

  it.each([
    ['report.html', 'report.html.pdf'],
    ['report\u202Efdp.html', 'reportfdp.html.pdf'],
    ['\u200Fsecret\u2066.exe\u2069', 'secret.exe.pdf'],
    ['catalogue.PDF', 'catalogue.pdf'],
    ['..\\..\\カタログ 2026.pdf', 'カタログ 2026.pdf'],
    ['.htaccess', 'htaccess.pdf'],
  ])('uploaded as %j › served as %j, with a PDF type and a sandbox', async (uploaded, served) => {
    const { db, uploadDir } = createTestPortal();
    const app = appOn(db, { uploadDir });
    const genre = createGenre(db, '防災');
    const vendor = createUser(db, 'vendor');
    const agent = await loggedInAgent(app, vendor.loginId, PASSWORD);
    const form = await openForm(agent, '/my/entries/new');
    const confirm = await postEntryForm(agent, form.action, {
      type: '1', title: 't', summary: 's', genre: [String(genre)], contact_company: 'c', contact_name: 'n',
      contact_phone: '0', contact_email: 'a@example.jp', agree_terms: '1', _csrf: form.csrf,
    }, { bytes: POLYGLOT, name: uploaded, type: 'text/html' });
    expect(confirm.status).toBe(200);
    await agent.post('/my/entries').type('form').send(hiddenFields(confirm.text, '/my/entries'));
    const id = db.prepare('SELECT id FROM entries').pluck().get() as number;

    const city = await loggedInAgent(app, createUser(db, 'municipality').loginId, PASSWORD);
    const res = await city.get(`/entries/${id}/attachment`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-security-policy']).toMatch(/^sandbox/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const disposition = res.headers['content-disposition'] as string;
    expect(disposition).toMatch(/^attachment;/);
    const name = decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1] ?? /filename="?([^";]+)"?/.exec(disposition)![1]!);
    expect(name).toBe(served);
    expect(disposition).not.toMatch(/%E2%80%AE|%E2%80%8F|%E2%81%A6/i);
  });

  it('a name stored before the rule › still served ending in .pdf, without bidirectional characters', async () => {
    const { db, uploadDir } = createTestPortal();
    const app = appOn(db, { uploadDir });
    const vendor = createUser(db, 'vendor');
    const id = createEntry(db, vendor);
    attachPdf(db, uploadDir, id, 'invoice\u202Efdp.html');
    const res = await (await loggedInAgent(app, vendor.loginId, PASSWORD)).get(`/entries/${id}/attachment`);
    expect(res.headers['content-disposition']).toBe('attachment; filename=invoicefdp.html.pdf');
  });
});
