import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { tokenHash } from '../../src/features/account-links/account-links.service.js';
import { totpCode } from '../accounts/helpers.js';
import { axeViolations, browserAvailable, journey, loginAs, tabTo, useDemoBrowser } from '../helpers/browser.js';

const env = useDemoBrowser();

/** The page is no wider than the window (WCAG 1.4.10 at 320 CSS pixels). */
const fitsWidth = (page: import('playwright-core').Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe.skipIf(!browserAvailable)('マイページ in a real browser', () => {
  it('by keyboard alone: header link, profile saved, two-factor set up with the code of the shown secret, the password form; axe-core clean on each', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(5000);
    await journey('my-account-keyboard', page, async () => {
      await loginAs(page, env.base.url, 'vendor1');
      await tabTo(page, /^マイページ$/);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${env.base.url}/account`);
      expect(await axeViolations(page)).toEqual([]);

      await tabTo(page, /^部署名/);
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type('デジタル推進部');
      await tabTo(page, /プロフィールを保存する/);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${env.base.url}/account`);
      expect(await page.locator('[data-done]').textContent()).toContain('プロフィールを保存しました');
      expect(await page.getByLabel(/^部署名/).inputValue()).toBe('デジタル推進部');

      await tabTo(page, /二要素認証を設定する/);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${env.base.url}/account/two-factor`);
      expect(await axeViolations(page)).toEqual([]);
      const secret = (await page.locator('[data-totp-secret]').getAttribute('data-totp-secret'))!;
      await tabTo(page, /^確認コード/);
      await page.keyboard.type(totpCode(secret, env.base.clock.now()));
      await page.keyboard.press('Enter');
      await page.locator('[data-recovery-codes]').waitFor();
      expect(await page.locator('[data-recovery-codes] code').count()).toBe(10);
      expect(await axeViolations(page)).toEqual([]);

      await page.goto(`${env.base.url}/account/password`);
      await tabTo(page, /^現在のパスワード/);
      await page.keyboard.type('wrong-password-here');
      await tabTo(page, /^新しいパスワード（確認/);
      await tabTo(page, /パスワードを変更する/);
      await page.keyboard.press('Enter');
      await page.locator('.error-summary').waitFor();
      expect(await page.locator('.error-summary').textContent()).toContain('新しいパスワードを入力してください。');
      expect(await axeViolations(page)).toEqual([]);

      // The next login asks for the code after the password.
      await page.getByRole('button', { name: 'ログアウト' }).click();
      await page.goto(`${env.base.url}/login`);
      await page.getByLabel('ログインID').fill('vendor1');
      await page.getByLabel('パスワード').fill(DEMO_PASSWORD);
      await page.getByLabel('パスワード').press('Enter');
      await page.getByRole('heading', { name: '確認コードの入力' }).waitFor();
      expect(await axeViolations(page)).toEqual([]);
      env.base.clock.advance(30_000); // a code is accepted once: the next step's
      await page.getByLabel(/^確認コード/).fill(totpCode(secret, env.base.clock.now()));
      await page.getByLabel(/^確認コード/).press('Enter');
      await page.waitForURL(`${env.base.url}/`);
      expect(await page.locator('.account-state').count()).toBe(1);
    });
    await context.close();
  });

  it('a municipality\'s マイページ (its likes and saved searches) and the reset pages: axe-core clean', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(5000);
    await journey('my-account-municipality', page, async () => {
      await loginAs(page, env.base.url, 'mitaka');
      await page.goto(`${env.base.url}/account`);
      expect(await page.locator('#liked').count()).toBe(1);
      expect(await axeViolations(page)).toEqual([]);
      await page.goto(`${env.base.url}/password-reset`);
      expect(await axeViolations(page)).toEqual([]);
      // The page a mailed link opens, and the one a used or expired link gets.
      const token = 'e2e-reset-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaa'.slice(0, 43);
      const userId = env.base.db.prepare<[], number>(`SELECT id FROM users WHERE login_id = 'mitaka'`).pluck().get()!;
      const now = env.base.clock.now();
      env.base.db.prepare(`INSERT INTO account_tokens (user_id, purpose, token_hash, created_at, expires_at) VALUES (?, 'reset', ?, ?, ?)`)
        .run(userId, tokenHash(token), now.toISOString(), new Date(now.getTime() + 30 * 60_000).toISOString());
      await page.goto(`${env.base.url}/password-reset/${token}`);
      expect(await page.locator('[data-login-id]').textContent()).toBe('mitaka');
      expect(await axeViolations(page)).toEqual([]);
      await page.goto(`${env.base.url}/invite/${'x'.repeat(43)}`);
      expect(await page.locator('[data-link-failed]').count()).toBe(1);
      expect(await axeViolations(page)).toEqual([]);
    });
    await context.close();
  });

  // axe-core needs scripts in the page; the pages above are checked with them, here the journey is what counts.
  it('without JavaScript, at 320 px: a municipality\'s マイページ with its likes, a password change, and the logout notice', async () => {
    const context = await env.browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(5000);
    await journey('my-account-no-js', page, async () => {
      await loginAs(page, env.base.url, 'kurashiki');
      await page.getByRole('link', { name: 'マイページ', exact: true }).click();
      await page.waitForURL(`${env.base.url}/account`);
      expect(await page.locator('#liked').textContent()).toMatch(/いいね！した情報（\d+件）/);
      expect(await fitsWidth(page)).toBe(true);

      await page.getByRole('link', { name: 'パスワードを変更する' }).click();
      await page.locator('#current_password').fill(DEMO_PASSWORD);
      await page.locator('#new_password').fill('seto-inland-sea-walk-2026');
      await page.locator('#new_password_confirm').fill('seto-inland-sea-walk-2026');
      expect(await fitsWidth(page)).toBe(true);
      await page.getByRole('button', { name: 'パスワードを変更する' }).click();
      await page.waitForURL(`${env.base.url}/account`);
      expect(await page.locator('[data-done]').textContent()).toContain('パスワードを変更しました');

      await page.goto(`${env.base.url}/account/two-factor`);
      expect(await fitsWidth(page)).toBe(true);

      await page.getByRole('button', { name: 'ログアウト' }).click();
      await page.waitForURL(`${env.base.url}/`);
      expect(await page.locator('[data-done]').textContent()).toBe('ログアウトしました。');
      await loginAs(page, env.base.url, 'kurashiki', 'seto-inland-sea-walk-2026');
    });
    await context.close();
  });
});
