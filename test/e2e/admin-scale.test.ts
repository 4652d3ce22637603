import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, browserAvailable, journey, launchBrowser, listen, loginAs, tabTo } from '../helpers/browser.js';
import { PASSWORD } from '../helpers/factories.js';
import { createTestPortal, type TestPortal } from '../helpers/portal.js';
import { fillToScale, type ScaleData } from '../helpers/scale.js';

// The secretariat's screens with 1,800 organisations, 5,000 accounts and 250 genres, in Chromium.
let portal: TestPortal;
let data: ScaleData;
let served: Awaited<ReturnType<typeof listen>>;
let browser: Browser;
beforeAll(async () => {
  if (!browserAvailable) return;
  portal = createTestPortal();
  data = fillToScale(portal.db);
  served = await listen(portal.app);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await served?.close();
});

describe.skipIf(!browserAvailable)('the secretariat’s workspace at real scale, in a real browser (issue 16)', () => {
  it('axe-core finds nothing on the review queue, the lists, their searches, an organisation and the account form', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await loginAs(page, served.url, data.admin.loginId, PASSWORD);
    const paths = [
      '/admin/review', '/admin/review?page=2', '/admin/orgs', `/admin/orgs?q=${encodeURIComponent('北海道')}&kind=municipality&sort=newest`,
      '/admin/orgs?q=none-such', `/admin/orgs/${data.cityIds['三鷹市']}`, '/admin/users', '/admin/users?state=inactive&sort=last_login',
      `/admin/users?org_id=${data.cityIds['横浜市']}`, `/admin/users/${data.vendor.id}`, '/admin/genres', '/admin/genres?open=all',
      '/admin/entries?status=waiting', '/admin/security/shared-ranges', '/admin/import',
    ];
    const found: Record<string, string[]> = {};
    for (const path of paths) {
      const res = await page.goto(served.url + path);
      expect(res?.status(), path).toBe(200);
      const violations = await axeViolations(page);
      if (violations.length > 0) found[path] = violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
    }
    expect(found).toEqual({});
    await context.close();
  });

  it('the account form with JavaScript › typing part of a name narrows 1,800 organisations; one match is chosen and the account is created there', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await journey('admin-scale-account-form-js', page, async () => {
      await loginAs(page, served.url, data.admin.loginId, PASSWORD);
      await page.goto(`${served.url}/admin/users#add-user`);
      expect(await page.locator('#org_id option').count()).toBeGreaterThan(1_800);
      await page.getByLabel('団体名で絞り込む（入力すると下の一覧が絞り込まれます）').fill('北海道');
      await expect.poll(() => page.locator('#org_id-search-status').textContent()).toMatch(/^\d+件に絞り込みました/);
      const hokkaido = await page.locator('#org_id option').count();
      expect(hokkaido).toBeLessThan(60);
      await page.getByLabel('団体名で絞り込む（入力すると下の一覧が絞り込まれます）').fill('三鷹');
      await expect.poll(() => page.locator('#org_id-search-status').textContent()).toBe('1件：「三鷹市」を選びました。');
      // Enter in the search box moves to the list; it does not send the half-filled form.
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('org_id');
      expect(page.url()).toContain('/admin/users');
      await page.locator('#login_id').fill('mitaka-js');
      await page.locator('#password').fill('mitaka-password-2026');
      await page.locator('#name').fill('三鷹 次郎');
      await page.getByRole('button', { name: '追加する', exact: true }).click();
      await page.waitForURL(/\/admin\/users\/\d+\?done=user-created$/);
      expect(await page.locator('[data-done]').textContent()).toContain('アカウントを追加しました。');
    });
    const orgOf = portal.db.prepare(`SELECT organisation_id FROM users WHERE login_id = 'mitaka-js'`).pluck().get();
    expect(orgOf).toBe(data.cityIds['三鷹市']);
    await context.close();
  });

  it('the account form without JavaScript › the native select, set by 「この団体にアカウントを追加」 and moved through by the arrow keys', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await journey('admin-scale-account-form-nojs', page, async () => {
      await loginAs(page, served.url, data.admin.loginId, PASSWORD);
      await page.goto(`${served.url}/admin/orgs/${data.cityIds['那覇市']}`);
      await page.getByRole('link', { name: 'この団体にアカウントを追加' }).click();
      expect(await page.locator('#org_id-search').count()).toBe(0);
      expect(await page.locator('#org_id').inputValue()).toBe(String(data.cityIds['那覇市']));
      // The select's own keyboard: focused, the arrow keys move through the organisations by name.
      const next = await page.locator('#org_id option[selected] + option').getAttribute('value');
      await page.locator('#org_id').focus();
      await page.keyboard.press('ArrowDown');
      expect(await page.locator('#org_id').inputValue()).toBe(next);
      await page.keyboard.press('ArrowUp');
      expect(await page.locator('#org_id').inputValue()).toBe(String(data.cityIds['那覇市']));
      await page.locator('#login_id').fill('naha-nojs');
      await page.locator('#password').fill('naha-password-2026');
      await page.getByRole('button', { name: '追加する', exact: true }).click();
      await page.waitForURL(/\/admin\/users\/\d+\?done=user-created$/);
    });
    expect(portal.db.prepare(`SELECT organisation_id FROM users WHERE login_id = 'naha-nojs'`).pluck().get()).toBe(data.cityIds['那覇市']);
    await context.close();
  });

  it('the genre tree › folded at 250 genres, opened from the keyboard (Tab to a branch, Enter) to reach a genre below', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await loginAs(page, served.url, data.admin.loginId, PASSWORD);
    await page.goto(`${served.url}/admin/genres`);
    const height = await page.evaluate(() => document.querySelector('.admin-tree')!.getBoundingClientRect().height);
    expect(height).toBeLessThan(1_000);
    await page.locator('a[href="/admin/genres?open=all#genre-tree"]').focus();
    await tabTo(page, /「分野1」の下位ジャンル（4件）/);
    await page.keyboard.press('Enter');
    await tabTo(page, /^分野1-1$/);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/admin\/genres\/\d+$/);
    expect(await page.locator('h1').textContent()).toBe('ジャンル「分野1-1」');
    await context.close();
  });

  it('at 320 px the lists reflow: no horizontal scroll on the page itself', async () => {
    const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    await loginAs(page, served.url, data.admin.loginId, PASSWORD);
    for (const path of ['/admin/orgs', '/admin/users', `/admin/orgs/${data.cityIds['三鷹市']}`]) {
      await page.goto(served.url + path);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await context.close();
  });
});
