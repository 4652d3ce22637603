import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createEntry, createUser, PASSWORD } from '../helpers/factories.js';
import { $, loggedInAgent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

// 40 characters as a reader counts them: kanji, kana, a surrogate-pair emoji, a letter with a
// combining mark (か + ゛), half-width digits.
const GRAPHEMES = ['防', '災', 'の', 'た', 'め', '😀', 'か\u3099', 'ア', 'プ', 'リ', ...'1234567890', ...'あいうえおかきくけこさしすせそたちつてと'];

describe('list rows', () => {
  it('a 40-character summary › shows exactly its first 30 characters and 「…」', async () => {
    expect(GRAPHEMES.length).toBe(40);
    const { app, db } = createTestPortal();
    createEntry(db, createUser(db, 'vendor'), { summary: GRAPHEMES.join('') });
    const row = $((await request(app).get('/search/results')).text)('.entry-row__summary').text();
    expect(row).toBe(`${GRAPHEMES.slice(0, 30).join('')}…`);
  });

  it('a 30-character summary › shows it whole, without 「…」', async () => {
    const { app, db } = createTestPortal();
    const summary = GRAPHEMES.slice(0, 30).join('');
    createEntry(db, createUser(db, 'vendor'), { summary });
    expect($((await request(app).get('/search/results')).text)('.entry-row__summary').text()).toBe(summary);
  });

  it('a row › shows the info type, title, updated date and like count', async () => {
    const { app, db } = createTestPortal();
    const id = createEntry(db, createUser(db, 'vendor'), { title: '避難所受付システム', updatedAt: '2026-11-26T04:11:00.000Z', typeId: 2 });
    for (let i = 0; i < 2; i++) {
      const m = createUser(db, 'municipality');
      db.prepare(`INSERT INTO likes (entry_id, organisation_id, user_id, created_at) VALUES (?, ?, ?, 'now')`).run(id, m.organisationId, m.id);
    }
    const row = $((await request(app).get('/search/results')).text)(`[data-entry-id="${id}"]`);
    expect(row.find('.tag').text()).toBe('事例情報');
    expect(row.find('.entry-row__title').text().trim()).toBe('避難所受付システム');
    expect(row.find('time').text()).toBe('2026年11月26日');
    expect(row.find('[data-like-count]').attr('data-like-count')).toBe('2');
  });

  it('detail links › shown to anonymous visitors, municipalities and the secretariat for every row; to a vendor for its own only', async () => {
    const { app, db } = createTestPortal();
    const vendor = createUser(db, 'vendor');
    const rival = createUser(db, 'vendor');
    const own = createEntry(db, vendor);
    const others = createEntry(db, rival);
    const links = (html: string) => $(html)('.entry-row a[href^="/entries/"]').map((_, a) => $(html)(a).attr('href')).get();

    expect(links((await request(app).get('/search/results')).text)).toEqual([`/entries/${others}`, `/entries/${own}`]);
    for (const kind of ['municipality', 'secretariat'] as const) {
      const user = createUser(db, kind);
      const agent = await loggedInAgent(app, user.loginId, PASSWORD);
      expect(links((await agent.get('/search/results')).text)).toHaveLength(2);
    }
    const agent = await loggedInAgent(app, vendor.loginId, PASSWORD);
    const page = $((await agent.get('/search/results')).text);
    expect(links(page.html())).toEqual([`/entries/${own}`]);
    // The other vendor's row is still listed, without a link.
    expect(page(`[data-entry-id="${others}"] .entry-row__title`).text().trim()).not.toBe('');
  });

  it('a detail link › carries the search conditions for the breadcrumbs', async () => {
    const { app, db } = createTestPortal();
    const id = createEntry(db, createUser(db, 'vendor'));
    const href = $((await request(app).get('/search/results?type=1&q=%E8%A3%BD%E5%93%81')).text)('.entry-row a').attr('href');
    expect(href).toBe(`/entries/${id}?type=1&q=%E8%A3%BD%E5%93%81`);
  });
});
