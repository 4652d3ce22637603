import { describe, expect, it } from 'vitest';
import { axeViolations, browserAvailable, journey, loginAs, tabTo, useDemoBrowser } from '../helpers/browser.js';

const env = useDemoBrowser();

/**
 * Issue 21 in Chromium: a municipality officer marks 導入しています, asks a vendor through the portal
 * and the secretariat through /contact, by keyboard and without JavaScript; axe-core checks each
 * screen (in a context with JavaScript, where it runs).
 */
describe.skipIf(!browserAvailable)('connections in a real browser', () => {
  it('without JavaScript, by keyboard › 導入しています with the year and the name shown to municipalities, an inquiry, a question to the secretariat', async () => {
    const context = await env.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await journey('connections-keyboard', page, async () => {
      await loginAs(page, env.base.url, 'mitaka');
      await page.goto(`${env.base.url}/entries/1`);
      await tabTo(page, /^導入した年/);
      await page.keyboard.press('ArrowDown');
      await tabTo(page, /^団体名を表示しない/);
      await page.keyboard.press('ArrowDown');
      await tabTo(page, /^「導入しています」と登録する$/);
      await page.keyboard.press('Enter');
      await page.waitForURL(/adoption=saved/);
      // The first year offered is this year (in Japan).
      expect((await page.locator('[data-adopter]').allTextContents()).join()).toMatch(/三鷹市（20\d\d年から）/);

      await tabTo(page, /^この情報について問い合わせる$/);
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/entries\/1\/inquiry$/);
      await tabTo(page, /^件名/);
      await page.keyboard.type('導入費用について');
      await tabTo(page, /^お問い合わせの内容/);
      await page.keyboard.type('概算を教えてください。');
      await tabTo(page, /^送信する$/);
      await page.keyboard.press('Enter');
      await page.waitForURL(/inquiry\?sent=1$/);
      await page.goto(`${env.base.url}/my/inquiries`);
      expect(await page.locator('[data-inquiry-id]').textContent()).toContain('導入費用について');

      await page.goto(`${env.base.url}/contact`);
      // A radio group is one Tab stop; the arrows move through it (and choose).
      await tabTo(page, /^掲載されている製品/);
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await tabTo(page, /^件名/);
      await page.keyboard.type('並び替えの要望');
      await tabTo(page, /^お問い合わせの内容/);
      await page.keyboard.type('人気順がほしいです。');
      await tabTo(page, /^送信する$/);
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/contact\?sent=1$/);
      await page.goto(`${env.base.url}/account`);
      expect(await page.locator('[data-question-id]').textContent()).toContain('並び替えの要望');
      expect(env.base.db.prepare(`SELECT category FROM qa_records WHERE subject = '並び替えの要望'`).pluck().get()).toBe('function');
      expect(env.base.db.prepare(`SELECT visibility FROM adoptions WHERE entry_id = 1`).pluck().get()).toBe('municipalities');
    });
    await context.close();
  });

  it('axe-core finds no violation on the detail page with its forms, the inquiry form with errors, the lists and /contact', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await loginAs(page, env.base.url, 'fujisawa');
    for (const path of ['/entries/1', '/entries/55', '/entries/1/inquiry', '/my/inquiries', '/contact', '/account']) {
      expect((await page.goto(env.base.url + path))?.status(), path).toBe(200);
      expect(await axeViolations(page), path).toEqual([]);
    }
    await page.goto(`${env.base.url}/entries/1/inquiry`);
    await page.getByRole('button', { name: '送信する' }).click();
    expect(await page.locator('.error-summary').isVisible()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
    const anonymous = await env.browser.newPage();
    await anonymous.goto(`${env.base.url}/contact`);
    expect(await axeViolations(anonymous)).toEqual([]);
    await anonymous.close();
  });
});
