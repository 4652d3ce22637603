import request from 'supertest';
import { loadConfig } from '../../src/config.js';
import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo/seed.js';
import { seedsDir } from '../../src/paths.js';
import { PASSWORD, createUser } from '../helpers/factories.js';
import { $, loggedInAgent } from '../helpers/http.js';
import { appOn, createTestPortal, testClock } from '../helpers/portal.js';

describe('GET /', () => {
  it('is a Japanese page with the global navigation and the main menu of the matching service', async () => {
    const { app } = createTestPortal();
    const res = await request(app).get('/');
    expect(res.status).toBe(200);
    const doc = $(res.text);
    expect(doc('html').attr('lang')).toBe('ja');
    const nav = doc('nav[aria-label="グローバルナビゲーション"] a').map((_, a) => doc(a).text()).get();
    expect(nav).toEqual(['ホーム', 'マッチングサービス', 'ガイドブック']);
    expect(doc('a:contains("製品・サービス、事例、人材を探す")').attr('href')).toBe('/search');
    expect(doc('a:contains("同じ課題を持つ仲間を探す")').length).toBe(1);
    expect(doc('a[href="/guidebook"]').length).toBeGreaterThan(0);
    expect(doc('a[href="/login"]').text()).toBe('ログイン');
    // The home page is the top of the tree: no breadcrumbs there.
    expect(doc('nav[aria-label="パンくずリスト"]').length).toBe(0);
  });

  it('新着情報 › lists the newest published entries, newest first, with type, summary head and like count', async () => {
    const { app, db } = createTestPortal();
    await seedDemo(db, seedsDir, testClock());
    db.prepare(`UPDATE entries SET suspended_at = 'x', suspended_reason = '確認中' WHERE id = (SELECT id FROM entries ORDER BY updated_at DESC LIMIT 1)`).run();
    const expected = db.prepare(
      `SELECT id FROM entries WHERE deleted_at IS NULL AND suspended_at IS NULL ORDER BY updated_at DESC, id DESC LIMIT 8`,
    ).pluck().all();
    const doc = $((await request(app).get('/')).text);
    const rows = doc('[data-entry-id]');
    expect(rows.map((_, el) => Number(doc(el).attr('data-entry-id'))).get()).toEqual(expected);
    const first = rows.first();
    expect(first.find('.tag').text()).toMatch(/製品・サービス情報|事例情報|人材情報/);
    const summary = first.find('.entry-row__summary').text();
    expect([...summary.replace(/…$/, '')].length).toBeLessThanOrEqual(30);
    const likes = db.prepare('SELECT count(*) FROM likes WHERE entry_id = ?').pluck().get(expected[0]);
    expect(Number(first.find('[data-like-count]').attr('data-like-count'))).toBe(likes);
  });

  it('新着情報 › a vendor gets detail links for its own entries only', async () => {
    const { db } = createTestPortal();
    await seedDemo(db, seedsDir, testClock());
    const app = appOn(db);
    const vendor = db.prepare(`SELECT organisation_id FROM users WHERE login_id = 'vendor2'`).pluck().get() as number;
    const agent = await loggedInAgent(app, 'vendor2', 'Demo-Pass-2026');
    const doc = $((await agent.get('/')).text);
    const rows = doc('[data-entry-id]').get();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const id = Number(doc(row).attr('data-entry-id'));
      const own = db.prepare('SELECT organisation_id = ? FROM entries WHERE id = ?').pluck().get(vendor, id) === 1;
      expect(doc(row).find(`a[href="/entries/${id}"]`).length).toBe(own ? 1 : 0);
    }
  });

  it('shows each role its menu: peers for municipalities and the secretariat, registration for vendors and the secretariat, admin for the secretariat', async () => {
    const { app, db } = createTestPortal();
    const menus = async (kind: 'municipality' | 'vendor' | 'secretariat') => {
      const user = createUser(db, kind);
      const agent = await loggedInAgent(app, user.loginId, PASSWORD);
      const doc = $((await agent.get('/')).text);
      // The main menu offers nothing the role would get 403 for (issue 23.2): no 仲間を探す for a vendor.
      const cards = doc('.menu-card__link').map((_, a) => doc(a).attr('href')).get();
      for (const href of cards) expect((await agent.get(href)).status, `${kind} ${href}`).toBe(200);
      return doc('nav[aria-label="グローバルナビゲーション"] a').map((_, a) => doc(a).text()).get();
    };
    expect(await menus('municipality')).toEqual(['ホーム', 'マッチングサービス', 'ガイドブック', '仲間を探す']);
    expect(await menus('vendor')).toEqual(['ホーム', 'マッチングサービス', 'ガイドブック', '登録情報の管理']);
    expect(await menus('secretariat')).toEqual(['ホーム', 'マッチングサービス', 'ガイドブック', '仲間を探す', '登録情報の管理', '事務局管理']);
  });

  it('escapes what users wrote', async () => {
    const { app, db } = createTestPortal();
    await seedDemo(db, seedsDir, testClock());
    db.prepare(`UPDATE entries SET title = '<script>alert(1)</script>' WHERE id = (SELECT id FROM entries ORDER BY updated_at DESC LIMIT 1)`).run();
    const res = await request(app).get('/');
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('error pages', () => {
  it('404 › an unknown path gets a Japanese page with breadcrumbs', async () => {
    const { app } = createTestPortal();
    const res = await request(app).get('/no/such/page');
    expect(res.status).toBe(404);
    expect(res.text).toContain('ページが見つかりません');
    expect($(res.text)('nav[aria-label="パンくずリスト"]').length).toBe(1);
  });

  it('413 › an oversized form body gets a Japanese page, not a 500', async () => {
    const { app } = createTestPortal();
    const res = await request(app).post('/login').type('form').send({ login_id: 'x'.repeat(300_000) });
    expect(res.status).toBe(413);
    expect(res.text).toContain('送信された内容が大きすぎます');
  });

  it('500 › a failure inside the portal gets a Japanese page without the stack outside development', async () => {
    const { app, db } = createTestPortal();
    db.close();
    const res = await request(app).get('/');
    expect(res.status).toBe(500);
    expect(res.text).toContain('システムエラーが発生しました');
    expect(res.text).not.toMatch(/at .*\.ts:\d+/);
    expect(res.text).not.toContain('stack-trace');
  });

  it('500 › as `npm start` runs (NODE_ENV unset): no stack trace and no server path', async () => {
    const { db } = createTestPortal();
    const app = appOn(db, { config: { nodeEnv: loadConfig({}).nodeEnv } });
    db.close();
    const res = await request(app).get('/');
    expect(res.status).toBe(500);
    expect(res.text).not.toContain('stack-trace');
    expect(res.text).not.toMatch(/node_modules|\/src\/|\.ts:\d+|\.js:\d+/);
  });

  it('500 › in development the page shows the stack to the developer', async () => {
    const { db } = createTestPortal();
    const app = appOn(db, { config: { nodeEnv: 'development' } });
    db.close();
    const res = await request(app).get('/');
    expect(res.status).toBe(500);
    expect(res.text).toContain('stack-trace');
  });
});
