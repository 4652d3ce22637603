import { describe, expect, it } from 'vitest';
import { axeViolations, browserAvailable, journey, loginAs, useDemoBrowser } from '../helpers/browser.js';

const env = useDemoBrowser();

describe.skipIf(!browserAvailable)('counts, saved searches and the CSV in a real browser', () => {
  it('the refine panel shows counts; saving the conditions with an alert; the list, renamed with an error first; axe-core finds no violation anywhere', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(5000);
    await journey('saved-searches', page, async () => {
      await loginAs(page, env.base.url, 'kurashiki');
      await page.goto(`${env.base.url}/search`);
      expect(Number(await page.locator('label[data-count]', { hasText: '防災' }).first().getAttribute('data-count'))).toBeGreaterThan(0);
      expect(await axeViolations(page)).toEqual([]);
      await page.getByLabel('防災', { exact: true }).check();
      await page.getByRole('button', { name: 'この条件で検索する' }).click();
      await page.waitForURL(/\/search\/results\?/);
      expect(await page.locator('.refine label[data-count]').count()).toBeGreaterThan(10);
      expect(await page.locator('a[href^="/search/results.csv?"]').count()).toBe(1);
      await page.getByText('この検索条件を保存する').click();
      expect(await axeViolations(page)).toEqual([]);
      await page.getByLabel('名前').fill('防災の情報');
      await page.getByLabel('新しい情報をメールでお知らせする（1日1回まで）').check();
      await page.getByRole('button', { name: '保存する', exact: true }).click();
      await page.waitForURL(/\/my\/searches\?saved=/);
      expect(await page.locator('[data-saved-search-id] h2').textContent()).toContain('防災の情報');
      expect(await axeViolations(page)).toEqual([]);
      await page.getByText('名前・お知らせの変更、削除').click();
      await page.locator('[data-saved-search-id] input[name="name"]').fill('');
      await page.getByRole('button', { name: '変更を保存する' }).click();
      expect(await page.locator('.error-summary').textContent()).toContain('名前を入力してください。');
      expect(await axeViolations(page)).toEqual([]);
      await page.locator('[data-saved-search-id] a.button').click();
      await page.waitForURL(/\/search\/results\?genre=/);
      expect(await page.getByLabel('防災', { exact: true }).first().isChecked()).toBe(true);
    });
    await context.close();
  });
});
