import { describe, expect, it } from 'vitest';
import { axeViolations, browserAvailable, journey, loginAs, tabTo, useDemoBrowser } from '../helpers/browser.js';

/** Issue 23.3 in Chromium: the self-check by keyboard without JavaScript, and its new screens axe-clean. */
const env = useDemoBrowser();

describe.skipIf(!browserAvailable)('the guidebook self-check in a real browser', () => {
  it('without JavaScript, by keyboard: an item answered on its commentary page, then kept as the year\'s record and compared', async () => {
    const context = await env.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await journey('self-check-keyboard', page, async () => {
      await loginAs(page, env.base.url, 'fujisawa');
      await page.goto(`${env.base.url}/guidebook/items/3`);
      // The radio group is one Tab stop; the arrow keys choose within it (未記入 → 取り組んでいる → 検討中).
      await tabTo(page, /^未記入$/);
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Tab');
      await page.keyboard.type('庁内の勉強会を企画中');
      await tabTo(page, /^この項目を保存する$/);
      await page.keyboard.press('Enter');
      await page.waitForURL(/done=self-check-saved/);
      expect(await page.locator('[data-done]').textContent()).toContain('保存しました');
      expect(await page.locator('#status_3_considering').isChecked()).toBe(true);
      expect(await page.locator('[data-answered="3"]').textContent()).toMatch(/\d{4}年\d{1,2}月\d{1,2}日/);

      await tabTo(page, /^これまでの記録と年度ごとの比較$/);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${env.base.url}/guidebook/self-check/history`);
      expect(await page.locator('[data-save]').count()).toBe(1);
      await tabTo(page, /^いまの内容をこの年度の記録として残す$/);
      await page.keyboard.press('Enter');
      await page.waitForURL(/done=self-check-year-kept/);
      expect(await page.locator('tr[data-item="3"]').textContent()).toContain('検討中');
    });
    await context.close();
  }, 60_000);

  it('axe-core finds no violation on the history with a comparison, an item page with its form, and a 409 after a colleague\'s save', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await journey('self-check-axe', page, async () => {
      await loginAs(page, env.base.url, 'mitaka');
      await page.goto(`${env.base.url}/guidebook/items/5`);
      expect(await axeViolations(page)).toEqual([]);
      await page.locator('#status_5_doing').check();
      await page.getByRole('button', { name: 'この項目を保存する' }).click();
      await page.goto(`${env.base.url}/guidebook/self-check/history`);
      await page.getByRole('button', { name: 'いまの内容をこの年度の記録として残す' }).click();
      await page.waitForURL(/done=self-check-year-kept/);
      expect(await page.locator('table[data-compare]').count()).toBe(1);
      expect(await axeViolations(page)).toEqual([]);

      // The sheet open here; a colleague's save of item 2 in between (another session of the same city).
      await page.goto(`${env.base.url}/guidebook`);
      const colleague = await env.browser.newContext();
      const other = await colleague.newPage();
      await loginAs(other, env.base.url, 'mitaka');
      await other.goto(`${env.base.url}/guidebook/items/2`);
      await other.locator('#status_2_not_started').check();
      await other.getByRole('button', { name: 'この項目を保存する' }).click();
      await other.waitForURL(/done=self-check-saved/);
      await colleague.close();

      await page.locator('#status_2_doing').check();
      await page.getByRole('button', { name: 'セルフチェックを保存する' }).click();
      expect(await page.locator('[data-conflict="2"]').textContent()).toContain('未着手');
      expect(await page.locator('#status_2_doing').isChecked()).toBe(true);
      expect(await axeViolations(page)).toEqual([]);
    });
    await context.close();
  }, 60_000);

  it('printed, an item page leaves out the navigation and carries the source line (issue 23.4)', async () => {
    const page = await env.browser.newPage();
    await page.goto(`${env.base.url}/guidebook/items/3`);
    await page.emulateMedia({ media: 'print' });
    const shown = (selector: string) => page.locator(selector).first().isVisible();
    for (const navigation of ['.global-nav', 'nav[aria-label="パンくずリスト"]', '.guidebook__pager', '.site-footer', '.skip-link']) {
      expect(await shown(navigation), navigation).toBe(false);
    }
    expect(await shown('[data-guidebook-source]')).toBe(true);
    expect(await page.locator('[data-guidebook-source]').textContent()).toContain('『ＩＣＴ地域イノベーション・ガイドブック Ver.2.0（案）』（平成28年3月15日）');
    expect(await shown('#background-title')).toBe(true);
    await page.close();
  });
});

