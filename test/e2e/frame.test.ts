import { describe, expect, it } from 'vitest';
import { axeViolations, browserAvailable, loginAs, useDemoBrowser } from '../helpers/browser.js';

const env = useDemoBrowser();


describe.skipIf(!browserAvailable)('the page frame in a real browser', () => {
  it('the axe-core check itself reports a violation where there is one', async () => {
    const page = await env.browser.newPage();
    await page.setContent('<html lang="ja"><title>t</title><body><main><img src="x.png"></main></body></html>');
    expect((await axeViolations(page)).map((v) => v.id)).toContain('image-alt');
    await page.close();
  });

  it.each([
    ['home page, anonymous', '/'],
    ['login page', '/login'],
    ['404 page', '/no/such/page'],
    ['guidebook', '/guidebook'],
    ['guidebook item 1', '/guidebook/items/1'],
    ['guidebook item 10', '/guidebook/items/10'],
    ['guidebook, My Number version', '/guidebook/mynumber'],
    ['guidebook, My Number item 8', '/guidebook/mynumber/items/8'],
  ])('axe-core finds no WCAG 2.0 A/AA violation › %s', async (_name, path) => {
    const page = await env.browser.newPage();
    await page.goto(env.base.url + path);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('axe-core finds no violation › login form shown again with errors', async () => {
    const page = await env.browser.newPage();
    await page.goto(`${env.base.url}/login`);
    await page.getByRole('button', { name: 'ログイン', exact: true }).click();
    await page.waitForLoadState();
    expect(await page.locator('.error-summary').isVisible()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('axe-core finds no violation › 403 page and the logged-in home page of a vendor', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await loginAs(page, env.base.url, 'vendor1');
    expect(await axeViolations(page)).toEqual([]);
    const res = await page.goto(`${env.base.url}/admin`);
    expect(res?.status()).toBe(403);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });

  it('axe-core finds no violation › the guidebook with the self-check form of a municipality', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await loginAs(page, env.base.url, 'mitaka');
    await page.goto(`${env.base.url}/guidebook`);
    expect(await page.locator('form[action="/guidebook/self-check"]').count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });

  it('the self-check › prints on one or two A4 pages', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await loginAs(page, env.base.url, 'kurashiki');
    await page.goto(`${env.base.url}/guidebook`);
    for (let n = 1; n <= 10; n++) {
      await page.locator(`#status_${n}_considering`).check();
      await page.locator(`#note_${n}`).fill('庁内の関係課と検討を始めたところ。次年度の予算要求に向けて整理する。'.repeat(2));
    }
    await page.getByRole('button', { name: 'セルフチェックを保存する' }).click();
    await page.goto(`${env.base.url}/guidebook/self-check`);
    expect(await axeViolations(page)).toEqual([]);
    const pdf = await page.pdf({ format: 'A4' });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(2);
    await context.close();
  });

  it('keyboard › the first Tab reaches the skip link, which moves focus to the main content', async () => {
    const page = await env.browser.newPage();
    await page.goto(env.base.url + '/');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('本文へ移動');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await page.close();
  });

  it('without JavaScript › logging in and out works', async () => {
    const context = await env.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await loginAs(page, env.base.url, 'fujisawa');
    expect(await page.locator('.account-state').textContent()).toContain('藤沢市');
    await page.getByRole('button', { name: 'ログアウト' }).click();
    await page.waitForURL(`${env.base.url}/`);
    expect(await page.getByRole('link', { name: 'ログイン', exact: true }).count()).toBe(1);
    await context.close();
  });

  it('the stylesheet and the design tokens load from the portal itself under its CSP', async () => {
    const page = await env.browser.newPage();
    const external: string[] = [];
    const cspErrors: string[] = [];
    page.on('request', (r) => { if (!r.url().startsWith(env.base.url)) external.push(r.url()); });
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text()); });
    await page.goto(env.base.url + '/');
    const key = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--color-primitive-blue-900').trim());
    expect(key).toBe('#0017c1');
    const navBackground = await page.locator('.global-nav').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(navBackground).toBe('rgb(0, 23, 193)');
    expect(external).toEqual([]);
    expect(cspErrors).toEqual([]);
    await page.screenshot({ path: '/tmp/portal-home.png', fullPage: true });
    await page.close();
  });
});
