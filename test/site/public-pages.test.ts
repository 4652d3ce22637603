import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ACCESSIBILITY_POLICY, TESTED_PAGE_KINDS } from '../../src/features/site/accessibility-report.js';
import { createUser, PASSWORD } from '../helpers/factories.js';
import { $, loggedInAgent } from '../helpers/http.js';
import { appOn, createTestPortal } from '../helpers/portal.js';

/**
 * Issue 23.1: the pages of a public site (みんなの公共サイト運用ガイドライン), each linked from the
 * footer of every page; terms with one source for the entry form's 登録の規約; a privacy policy that
 * states the retention the portal runs with.
 */
const FOOTER = {
  '/help': 'ヘルプ・よくある質問', '/contact': 'お問い合わせ', '/sitemap': 'サイトマップ',
  '/accessibility': 'ウェブアクセシビリティ方針', '/terms': '利用規約', '/privacy': 'プライバシーポリシー',
};

describe('the public-site pages', () => {
  const { app, db } = createTestPortal();

  it('answer 200 without a login, each with its title as the heading', async () => {
    for (const [path, title] of Object.entries(FOOTER)) {
      const res = await request(app).get(path);
      expect(res.status, path).toBe(200);
      expect($(res.text)('h1').text(), path).toBe(title);
    }
  });

  it('are linked from the footer of every page: public, member, secretariat, error', async () => {
    const vendor = createUser(db, 'vendor');
    const admin = createUser(db, 'secretariat');
    type Getter = { get(path: string): request.Test };
    const guest: Getter = { get: (path) => request(app).get(path) };
    const pages: [Getter, string, number][] = [
      [guest, '/', 200], [guest, '/login', 200], [guest, '/search', 200], [guest, '/guidebook/items/3', 200], [guest, '/no-such-page', 404],
      [await loggedInAgent(app, vendor.loginId, PASSWORD), '/my/entries/new', 200],
      [await loggedInAgent(app, admin.loginId, PASSWORD), '/admin', 200],
    ];
    for (const [agent, path, status] of pages) {
      const res = await agent.get(path);
      expect(res.status, path).toBe(status);
      const html = $(res.text);
      const links: Record<string, string> = {};
      html('footer nav.footer-nav a').each((_i, a) => void (links[html(a).attr('href') ?? ''] = html(a).text()));
      expect(links, path).toEqual(FOOTER);
    }
  });

  it('利用規約 carries the very terms the entry form asks vendors to accept', async () => {
    const vendor = await loggedInAgent(app, createUser(db, 'vendor').loginId, PASSWORD);
    const formTerms = $((await vendor.get('/my/entries/terms')).text)('#terms-text ol.terms-list');
    const siteTerms = $((await request(app).get('/terms')).text)('#registration ~ ol.terms-list').first();
    expect(formTerms.find('li').length).toBeGreaterThan(5);
    expect(siteTerms.html()).toBe(formTerms.html());
  });

  it('プライバシーポリシー states the usage retention and session timeout the portal is configured with', async () => {
    const configured = appOn(createTestPortal().db, { config: { usageRetentionDays: 400, sessionIdleMinutes: 45 } });
    const page = $((await request(configured).get('/privacy')).text);
    expect(page('[data-retention-days]').attr('data-retention-days')).toBe('400');
    expect(page('[data-retention-days]').text()).toContain('400日');
    expect(page('[data-session-idle-minutes]').text()).toContain('45分');
    expect(page('[data-record]').toArray().map((r) => page(r).attr('data-record'))).toEqual(
      ['account', 'logins', 'operations', 'usage', 'likes', 'messages', 'issues', 'session']);
  });

  it('ウェブアクセシビリティ方針 states level, date and 対応度, and lists every page kind the browser test covers', async () => {
    const page = $((await request(app).get('/accessibility')).text);
    const text = page('main').text();
    expect(text).toContain(`${ACCESSIBILITY_POLICY.standard} の適合レベル${ACCESSIBILITY_POLICY.targetLevel}に配慮`);
    expect(text).toContain('2026年12月2日');
    expect(text).toContain('自動の試験では確かめられないこと');
    expect(page('[data-page-kind]').toArray().map((r) => page(r).attr('data-page-kind'))).toEqual(TESTED_PAGE_KINDS.map((k) => k.kind));
  });

  it('サイトマップ shows each kind of member only what it may use', async () => {
    const vendor = await loggedInAgent(app, createUser(db, 'vendor').loginId, PASSWORD);
    const city = await loggedInAgent(app, createUser(db, 'municipality').loginId, PASSWORD);
    const hrefs = async (agent: ReturnType<typeof request.agent>) => {
      const page = $((await agent.get('/sitemap')).text);
      return page('main a').toArray().map((a) => page(a).attr('href'));
    };
    const forVendor = await hrefs(vendor);
    expect(forVendor).toContain('/my/entries/new');
    expect(forVendor).not.toContain('/peers');
    const forCity = await hrefs(city);
    expect(forCity).toContain('/peers');
    expect(forCity).not.toContain('/my/entries');
    expect(forCity).not.toContain('/admin');
    const guest = $((await request(app).get('/sitemap')).text);
    expect(guest('main a[href="/guidebook/items/10"]').length).toBe(1);
  });
});
