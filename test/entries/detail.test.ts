import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { DETAIL_FOR_MEMBERS_MESSAGE } from '../../src/features/entries/entries.access.js';
import { attachPdf, createEntry, createGenre, createUser, deleteEntry, PASSWORD, suspendEntry } from '../helpers/factories.js';
import { $, login, loggedInAgent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

function setup() {
  const portal = createTestPortal();
  const { db } = portal;
  const top = createGenre(db, '防災');
  const leaf = createGenre(db, '避難所運営', top);
  const vendor = createUser(db, 'vendor');
  const rival = createUser(db, 'vendor');
  const city = createUser(db, 'municipality');
  const secretariat = createUser(db, 'secretariat');
  const entry = createEntry(db, vendor, {
    title: '避難所受付クラウド', summary: '一行目です。\n二行目です。', genreIds: [leaf], url: 'https://example.com/hinan',
  });
  return { ...portal, vendor, rival, city, secretariat, entry, leaf };
}

describe('GET /entries/:id', () => {
  it('anonymous › 302 to the login page, and back to the entry after login', async () => {
    const { app, entry, city } = setup();
    const res = await request(app).get(`/entries/${entry}`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`/login?next=%2Fentries%2F${entry}`);
    const back = await login(request.agent(app), city.loginId, PASSWORD, `/entries/${entry}`);
    expect(back.headers.location).toBe(`/entries/${entry}`);
  });

  it('a municipality user › sees title, full summary with line breaks, links, contact, categories, date and likes', async () => {
    const { app, entry, city } = setup();
    const agent = await loggedInAgent(app, city.loginId, PASSWORD);
    const res = await agent.get(`/entries/${entry}`);
    expect(res.status).toBe(200);
    const doc = $(res.text);
    expect(doc('h1').text()).toBe('避難所受付クラウド');
    expect(doc('.entry-detail__summary').text()).toBe('一行目です。\n二行目です。');
    const external = doc('a[href="https://example.com/hinan"]');
    expect(external.attr('rel')).toBe('noopener noreferrer');
    expect(external.attr('target')).toBe('_blank');
    const contact = doc('.definition-list').text();
    for (const text of ['テスト株式会社', '営業部', '担当 太郎', '03-0000-0000', 'contact@example.jp']) expect(contact).toContain(text);
    expect(doc('.category-list').text()).toContain('防災 › 避難所運営');
    expect(doc('.entry-detail__meta time').text()).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/);
    expect(doc('[data-like-count]').attr('data-like-count')).toBe('0');
    expect(doc('nav[aria-label="パンくずリスト"]').text()).toMatch(/検索画面[\s\S]*検索結果一覧[\s\S]*詳細情報/);
  });

  it('breadcrumbs › lead back to the same conditions and results page', async () => {
    const { app, entry, city, leaf } = setup();
    const agent = await loggedInAgent(app, city.loginId, PASSWORD);
    const doc = $((await agent.get(`/entries/${entry}?genre=${leaf}&type=1&page=2`)).text);
    const links = doc('nav[aria-label="パンくずリスト"] a').map((_, a) => doc(a).attr('href')).get();
    expect(links).toEqual(['/', `/search?genre=${leaf}&type=1`, `/search/results?genre=${leaf}&type=1&page=2`]);
  });

  it('the secretariat › 200', async () => {
    const { app, entry, secretariat } = setup();
    const agent = await loggedInAgent(app, secretariat.loginId, PASSWORD);
    expect((await agent.get(`/entries/${entry}`)).status).toBe(200);
  });

  it('a vendor on its own entry › 200; on another organisation’s › 403 with the contract’s sentence', async () => {
    const { app, entry, vendor, rival } = setup();
    expect((await (await loggedInAgent(app, vendor.loginId, PASSWORD)).get(`/entries/${entry}`)).status).toBe(200);
    const res = await (await loggedInAgent(app, rival.loginId, PASSWORD)).get(`/entries/${entry}`);
    expect(res.status).toBe(403);
    expect(res.text).toContain(DETAIL_FOR_MEMBERS_MESSAGE);
  });

  it('a colleague of the registrant (same organisation, other user) › 200', async () => {
    const { app, db, entry, vendor } = setup();
    const colleague = createUser(db, 'vendor', { organisationId: vendor.organisationId });
    expect((await (await loggedInAgent(app, colleague.loginId, PASSWORD)).get(`/entries/${entry}`)).status).toBe(200);
  });

  it('another organisation’s entry, published or suspended › the same 403 page for a vendor, so a suspension is not revealed (issue 15.8)', async () => {
    const { app, db, entry, rival } = setup();
    const agent = await loggedInAgent(app, rival.loginId, PASSWORD);
    const published = await agent.get(`/entries/${entry}`);
    suspendEntry(db, entry);
    const suspended = await agent.get(`/entries/${entry}`);
    expect([published.status, suspended.status]).toEqual([403, 403]);
    const page = (html: string) => html.replace(/name="_csrf" value="[^"]*"/g, '');
    expect(page(suspended.text)).toBe(page(published.text));
    expect((await agent.get(`/entries/${entry}/attachment`)).status).toBe(403);
  });

  it('suspended › 404 for municipalities; visible, marked 公開停止中, to its organisation and the secretariat', async () => {
    const { app, db, entry, city, vendor, secretariat } = setup();
    suspendEntry(db, entry);
    expect((await (await loggedInAgent(app, city.loginId, PASSWORD)).get(`/entries/${entry}`)).status).toBe(404);
    for (const user of [vendor, secretariat]) {
      const res = await (await loggedInAgent(app, user.loginId, PASSWORD)).get(`/entries/${entry}`);
      expect(res.status).toBe(200);
      expect(res.text).toContain('公開停止中');
    }
  });

  it('deleted › 404 for everyone, its owner and the secretariat included', async () => {
    const { app, db, entry, city, vendor, secretariat } = setup();
    deleteEntry(db, entry);
    for (const user of [city, vendor, secretariat]) {
      expect((await (await loggedInAgent(app, user.loginId, PASSWORD)).get(`/entries/${entry}`)).status).toBe(404);
    }
  });

  it.each(['999999', 'abc', '0', '1e3', '-1'])('id %s › 404, never 500', async (id) => {
    const { app, city } = setup();
    const agent = await loggedInAgent(app, city.loginId, PASSWORD);
    expect((await agent.get(`/entries/${id}`)).status).toBe(404);
  });
});

describe('GET /entries/:id/attachment', () => {
  it('a municipality user › the PDF as an attachment under its original name', async () => {
    const { app, db, uploadDir, entry, city } = setup();
    const bytes = attachPdf(db, uploadDir, entry, '製品カタログ 2026.pdf');
    const agent = await loggedInAgent(app, city.loginId, PASSWORD);
    const doc = $((await agent.get(`/entries/${entry}`)).text);
    expect(doc(`a[href="/entries/${entry}/attachment"]`).text()).toBe('製品カタログ 2026.pdf');

    const res = await agent.get(`/entries/${entry}/attachment`).buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toMatch(/^attachment;/);
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('製品カタログ 2026.pdf')}`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(res.body as Buffer, bytes)).toBe(0);
  });

  it('follows the detail page’s rules › anonymous 302, other vendor 403, owner 200, suspended 404 for municipalities', async () => {
    const { app, db, uploadDir, entry, city, vendor, rival } = setup();
    attachPdf(db, uploadDir, entry);
    expect((await request(app).get(`/entries/${entry}/attachment`)).status).toBe(302);
    expect((await (await loggedInAgent(app, rival.loginId, PASSWORD)).get(`/entries/${entry}/attachment`)).status).toBe(403);
    expect((await (await loggedInAgent(app, vendor.loginId, PASSWORD)).get(`/entries/${entry}/attachment`)).status).toBe(200);
    suspendEntry(db, entry);
    expect((await (await loggedInAgent(app, city.loginId, PASSWORD)).get(`/entries/${entry}/attachment`)).status).toBe(404);
  });

  it('an entry without a PDF, or whose file is missing › 404', async () => {
    const { app, db, uploadDir, entry, city } = setup();
    const agent = await loggedInAgent(app, city.loginId, PASSWORD);
    expect((await agent.get(`/entries/${entry}/attachment`)).status).toBe(404);
    const other = createEntry(db, createUser(db, 'vendor'));
    attachPdf(db, uploadDir, other);
    db.prepare(`UPDATE attachments SET stored_name = 'gone' WHERE entry_id = ?`).run(other);
    expect((await agent.get(`/entries/${other}/attachment`)).status).toBe(404);
  });
});
