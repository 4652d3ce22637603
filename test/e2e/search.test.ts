import { describe, expect, it } from 'vitest';
import { axeViolations, browserAvailable, loginAs, useDemoBrowser } from '../helpers/browser.js';
import { portalOn } from '../helpers/portal.js';

const env = useDemoBrowser();


describe.skipIf(!browserAvailable)('searching in a real browser', () => {
  it('axe-core finds no violation on the search form, the results and the detail page', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await loginAs(page, env.base.url, 'fujisawa');
    await page.goto(`${env.base.url}/search`);
    expect(await axeViolations(page)).toEqual([]);
    await page.goto(`${env.base.url}/search/results?page=2`);
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('.entry-row a').first().click();
    await page.waitForURL(/\/entries\/\d+/);
    expect(await axeViolations(page)).toEqual([]);
    await page.goto(`${env.base.url}/search/results?page=abc`);
    expect(await axeViolations(page)).toEqual([]);
    // A keyword the thesaurus widens: the note, its link and the marked words.
    await page.goto(`${env.base.url}/search/results?q=${encodeURIComponent('災害対策')}`);
    expect(await page.locator('.synonym-note').count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('.result-order a').click();
    await page.waitForURL(/sort=relevance/);
    expect(await axeViolations(page)).toEqual([]);
    // Words only the demo brochures' PDFs hold, once read: the rows say so and quote the PDF.
    expect(await portalOn(env.base.db, { uploadDir: env.base.uploadDir }).jobs.attachmentTexts.run()).toBeGreaterThan(0);
    await page.goto(`${env.base.url}/search/results?q=brochure`);
    expect(await page.locator('[data-match="attachment"] .entry-row__passage mark').count()).toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
    // Nothing found, and what would find something.
    await page.goto(`${env.base.url}/search/results?q=${encodeURIComponent('防災 存在しない言葉')}`);
    expect(await page.locator('[data-alternative]').count()).toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });

  it('with JavaScript › the tree starts folded, a button opens a branch, and ticking a parent finds its subtree', async () => {
    const page = await env.browser.newPage();
    await page.goto(`${env.base.url}/search`);
    const child = page.getByLabel('避難所運営', { exact: true });
    expect(await child.isVisible()).toBe(false);
    await page.getByRole('button', { name: '防災の下位ジャンルを開く' }).click();
    expect(await child.isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: '防災の下位ジャンルを閉じる' }).getAttribute('aria-expanded')).toBe('true');

    await page.getByLabel('防災', { exact: true }).check();
    await page.getByRole('button', { name: 'この条件で検索する' }).click();
    await page.waitForURL(/\/search\/results\?genre=\d+/);
    const hits = Number(await page.locator('[data-hit-count]').getAttribute('data-hit-count'));
    expect(hits).toBeGreaterThan(5);
    await page.close();
  });

  it('without JavaScript, by keyboard only › tick genres of two levels and a type, then search', async () => {
    const context = await env.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${env.base.url}/search`);
    // Everything is open without JavaScript: a third-level genre can be ticked directly.
    await page.getByLabel('避難者名簿管理').focus();
    await page.keyboard.press('Space');
    await page.getByLabel('防災', { exact: true }).focus();
    await page.keyboard.press('Space');
    await page.getByLabel('製品・サービス情報').focus();
    await page.keyboard.press('Space');
    await page.getByLabel(/キーワード/).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/search\/results/);
    expect(await page.locator('.conditions').textContent()).toContain('防災');
    expect(await page.locator('.conditions').textContent()).toContain('製品・サービス情報');
    expect(Number(await page.locator('[data-hit-count]').getAttribute('data-hit-count'))).toBeGreaterThan(0);
    await context.close();
  });
});
