import { describe, expect, it } from 'vitest';
import { axeViolations, browserAvailable, journey, loginAs, tabTo, useDemoBrowser } from '../helpers/browser.js';

// The demo data holds an entry of vendor2 last updated 420 days ago; here its link has also failed
// the last two checks.
let entryId = 0;
const env = useDemoBrowser(({ db }) => {
  entryId = db.prepare(`SELECT id FROM entries WHERE title = 'ふるさと納税・関係人口管理サービス'`).pluck().get() as number;
  db.prepare(`INSERT INTO link_checks (entry_id, url, checked_at, state, http_status, final_url, detail, failures)
              SELECT id, url, ?, 'broken', 404, url, 'HTTP 404', 2 FROM entries WHERE id = ?`).run(new Date().toISOString(), entryId);
});

describe.skipIf(!browserAvailable)('freshness in a real browser', () => {
  it('the owner sees the stale and broken-link marks and confirms by keyboard; readers see a quiet note; axe-core finds no violation', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(5000);
    await journey('freshness-owner', page, async () => {
      await loginAs(page, env.base.url, 'vendor2');
      await page.goto(`${env.base.url}/my/entries`);
      const row = page.locator(`[data-entry-id="${entryId}"]`);
      expect(await row.locator('[data-freshness="stale"]').count()).toBe(1);
      expect(await row.locator('[data-freshness="link-broken"]').count()).toBe(1);
      expect(await axeViolations(page)).toEqual([]);
      await tabTo(page, /内容に変更なし（ふるさと納税・関係人口管理サービス）/);
      await page.keyboard.press('Enter');
      await page.waitForURL(new RegExp(`/my/entries/${entryId}\\?reconfirmed=1$`));
      expect(await page.getByRole('status').textContent()).toContain('内容に変更がないことを記録しました');
      expect(await page.locator('[data-freshness]').getAttribute('data-freshness')).toBe('link-broken'); // no longer stale
      expect(await axeViolations(page)).toEqual([]);
    });
    await context.close();

    const reader = await env.browser.newContext();
    const readerPage = await reader.newPage();
    await journey('freshness-reader', readerPage, async () => {
      await loginAs(readerPage, env.base.url, 'kurashiki');
      await readerPage.goto(`${env.base.url}/entries/${entryId}`);
      expect(await readerPage.locator('[data-freshness="link-broken"]').textContent()).toContain('続けてつながりませんでした');
      expect(await readerPage.locator('.entry-detail').textContent()).toContain('内容確認日');
      expect(await axeViolations(readerPage)).toEqual([]);
    });
    await reader.close();

    const admin = await env.browser.newContext();
    const adminPage = await admin.newPage();
    await journey('freshness-admin', adminPage, async () => {
      await loginAs(adminPage, env.base.url, 'admin');
      await adminPage.goto(`${env.base.url}/admin/freshness`);
      expect(await adminPage.locator(`[data-broken-link="${entryId}"]`).count()).toBe(1);
      expect(await axeViolations(adminPage)).toEqual([]);
      await adminPage.getByLabel('更新のない情報として扱うまでの月数').fill('0');
      await adminPage.getByRole('button', { name: '設定を保存する' }).click();
      expect(await adminPage.locator('.error-summary').textContent()).toContain('月数は1から60まで');
      expect(await axeViolations(adminPage)).toEqual([]);
    });
    await admin.close();
  }, 60_000);
});
