import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createGenre, createUser, PASSWORD } from '../helpers/factories.js';
import { hiddenFields, openForm, PDF_BYTES, postEntryForm } from '../helpers/entry-form.js';
import { loggedInAgent } from '../helpers/http.js';
import { appOn, createTestPortal, myEntriesServiceOn, testClock } from '../helpers/portal.js';

describe('drafts never saved', () => {
  it('are removed after a day with their files; a saved entry keeps its file', async () => {
    const { db, uploadDir } = createTestPortal();
    const clock = testClock();
    const app = appOn(db, { uploadDir, clock });
    const genre = createGenre(db, '防災');
    const vendor = createUser(db, 'vendor');
    const agent = await loggedInAgent(app, vendor.loginId, PASSWORD);
    const confirmWithFile = async (name: string) => {
      const form = await openForm(agent, '/my/entries/new');
      return postEntryForm(agent, form.action, {
        _csrf: form.csrf, type: '1', title: name, summary: 's', genre: [String(genre)], contact_company: 'c',
        contact_name: 'n', contact_phone: '0', contact_email: 'a@example.jp', agree_terms: '1',
      }, { bytes: PDF_BYTES, name: `${name}.pdf` });
    };
    await confirmWithFile('abandoned');
    const kept = await confirmWithFile('saved');
    await agent.post('/my/entries').type('form').send(hiddenFields(kept.text, '/my/entries'));
    expect(fs.readdirSync(uploadDir)).toHaveLength(2);

    const service = myEntriesServiceOn(db, uploadDir, clock);
    expect(service.cleanupDrafts()).toBe(0);
    clock.advance(25 * 60 * 60_000);
    expect(service.cleanupDrafts()).toBe(2);
    await new Promise((r) => setTimeout(r, 50)); // file removal is asynchronous
    const attachment = db.prepare('SELECT stored_name FROM attachments').pluck().get() as string;
    expect(fs.readdirSync(uploadDir)).toEqual([attachment]);
    expect(db.prepare('SELECT count(*) FROM entry_drafts').pluck().get()).toBe(0);
  });
});
