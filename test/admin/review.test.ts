import { describe, expect, it } from 'vitest';
import { auditRepository } from '../../src/features/audit/audit.repository.js';
import { createEntry, createGenre, createUser, PASSWORD } from '../helpers/factories.js';
import { $, listedIds, loggedInAgent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';
import { adminAgent } from './helpers.js';

/** 95 entries waiting for review (oldest first by update), one of them edited twice since it was reviewed. */
function queue() {
  const portal = createTestPortal();
  const genre = createGenre(portal.db, '防災');
  const other = createGenre(portal.db, '教育');
  const vendor = createUser(portal.db, 'vendor');
  const ids = Array.from({ length: 95 }, (_, i) => createEntry(portal.db, vendor, { title: `確認待ち${i}`, genreIds: [genre] }));
  const audit = auditRepository(portal.db);
  const actor = { userId: vendor.id, organisationId: vendor.organisationId, ip: '127.0.0.1', sessionId: null };
  ids.forEach((id, i) => audit.record(actor, new Date(Date.parse('2026-01-01T00:00:00Z') + i * 60_000).toISOString(), 'entry.create', { type: 'entry', id }, { title: [null, `確認待ち${i}`] }));
  // The first entry was reviewed, then edited twice: its diff folds both edits.
  const edited = ids[0]!;
  portal.db.prepare(`UPDATE entries SET reviewed_at = '2026-06-01T00:00:00.000Z', updated_at = '2026-06-03T00:00:00.000Z', title = '二度目の題' WHERE id = ?`).run(edited);
  audit.record(actor, '2026-06-02T00:00:00.000Z', 'entry.update', { type: 'entry', id: edited }, { title: ['確認待ち0', '一度目の題'], genre: [[genre], [genre, other]] });
  audit.record(actor, '2026-06-03T00:00:00.000Z', 'entry.update', { type: 'entry', id: edited }, { title: ['一度目の題', '二度目の題'], url: [null, null] });
  return { ...portal, ids, edited };
}

const waiting = (db: ReturnType<typeof queue>['db']) =>
  db.prepare('SELECT count(*) FROM entries WHERE deleted_at IS NULL AND (reviewed_at IS NULL OR reviewed_at < updated_at)').pluck().get();

describe('/admin/review (issue 16.1)', () => {
  it('every waiting entry, oldest first, 30 a page with rel="next"; the count on every page', async () => {
    const portal = queue();
    const { agent } = await adminAgent(portal);
    const seen: number[] = [];
    let path: string | undefined = '/admin/review';
    for (let page = 1; path; page++) {
      const doc = $((await agent.get(path)).text);
      expect(doc('[data-hit-count]').attr('data-hit-count')).toBe('95');
      seen.push(...listedIds(doc.html()));
      path = doc('a[rel="next"]').attr('href');
      expect(page).toBeLessThanOrEqual(4);
    }
    expect(seen).toHaveLength(95);
    // Oldest change first: the entry edited in June comes last.
    expect(seen.at(-1)).toBe(portal.edited);
    expect(seen.slice(0, -1)).toEqual(portal.ids.slice(1));
  });

  it('each row says what changed since the last review, in words: 変更前 / 変更後 with field labels, both edits folded', async () => {
    const portal = queue();
    const { agent } = await adminAgent(portal);
    const doc = $((await agent.get('/admin/review?page=4')).text);
    const row = doc(`[data-entry-id="${portal.edited}"]`);
    expect(row.find('thead').text()).toContain('変更前');
    const cells = row.find('tbody tr').get().map((tr) => doc(tr).find('th, td').get().map((c) => doc(c).text()));
    expect(cells).toEqual([['タイトル', '確認待ち0', '二度目の題'], ['行政課題のジャンル', '防災', '教育、防災']]);
    expect(row.text()).toContain('変更、変更');
    expect(row.text()).not.toMatch(/entry\.|title|null/);
  });

  it('a selection, or the whole page, is marked reviewed in one step; they leave the queue; audited; the page says how many', async () => {
    const portal = queue();
    const { agent, post } = await adminAgent(portal);
    const pick = portal.ids.slice(1, 4).map(String);
    const res = await post('/admin/review', '/admin/review', { entry: pick, scope: 'selected' });
    expect(res.status).toBe(303);
    const after = $((await agent.get(res.headers.location!)).text);
    expect(after('[role="status"]').text()).toContain('3件を確認済みにしました。');
    expect(after('[data-hit-count]').attr('data-hit-count')).toBe('92');
    expect(listedIds(after.html())).not.toContain(portal.ids[1]);
    expect(portal.db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'entry.review'`).pluck().get()).toBe(3);

    // The page's own form, as a browser sends it: every page_entry of the page, and the button's scope.
    const page = $((await agent.get('/admin/review')).text);
    const form = page('form[action="/admin/review"]');
    const body = new URLSearchParams({ _csrf: String(form.find('input[name="_csrf"]').val()), page: '1', scope: 'page' });
    form.find('input[name="page_entry"]').each((_, el) => body.append('page_entry', String(page(el).val())));
    const whole = await agent.post('/admin/review').type('form').send(body.toString());
    expect(whole.status).toBe(303);
    expect(whole.headers.location).toBe('/admin/review?reviewed=30');
    expect(waiting(portal.db)).toBe(62);
    // Marked entries come back to the queue when they change again.
    portal.db.prepare(`UPDATE entries SET updated_at = '2030-01-01T00:00:00.000Z' WHERE id = ?`).run(portal.ids[1]);
    expect(waiting(portal.db)).toBe(63);
  });

  it('nothing chosen, or ids that are not waiting › a message (400) and nothing changes; not the secretariat › 403', async () => {
    const portal = queue();
    const { post } = await adminAgent(portal);
    const none = await post('/admin/review', '/admin/review', { scope: 'selected' });
    expect(none.status).toBe(400);
    expect($(none.text)('.error-summary').text()).toContain('確認済みにする情報を選んでください。');
    expect((await post('/admin/review', '/admin/review', { entry: 'abc', scope: 'selected' })).status).toBe(400);
    const gone = await post('/admin/review', '/admin/review', { entry: '999999', scope: 'selected' });
    expect(gone.status).toBe(303);
    expect(gone.headers.location).toBe('/admin/review?reviewed=0');
    expect(waiting(portal.db)).toBe(95);
    const vendor = await loggedInAgent(portal.app, createUser(portal.db, 'vendor').loginId, PASSWORD);
    expect((await vendor.get('/admin/review')).status).toBe(403);
  });

  it('/admin/entries?status=waiting › the same entries, and the dashboard links to the queue', async () => {
    const portal = queue();
    const { agent } = await adminAgent(portal);
    const list = $((await agent.get('/admin/entries?status=waiting')).text);
    expect(list('[data-hit-count]').attr('data-hit-count')).toBe('95');
    expect(list('#status-waiting').attr('checked')).toBeDefined();
    expect($((await agent.get('/admin')).text)('a[href="/admin/review"]').length).toBe(1);
  });
});
