import { describe, expect, it } from 'vitest';
import { axeViolations, browserAvailable, loginAs, useDemoBrowser } from '../helpers/browser.js';

const env = useDemoBrowser();

/** vendor1 on the new-entry form, the page's clock the test's to move (installed before its script runs). */
async function formWithTestClock() {
  const context = await env.browser.newContext();
  context.setDefaultTimeout(5000);
  const page = await context.newPage();
  await loginAs(page, env.base.url, 'vendor1');
  await page.clock.install();
  await page.goto(`${env.base.url}/my/entries/new`);
  return { context, page };
}

describe.skipIf(!browserAvailable)('the session time limit in a real browser (issue 15.11, WCAG 2.2.1)', () => {
  it('two minutes before the end › a modal dialog announces it and takes the focus; Enter extends the session and the header says the new time', async () => {
    const { context, page } = await formWithTestClock();
    const dialog = page.getByRole('alertdialog', { name: 'まもなく自動的にログアウトします' });
    expect(await dialog.isVisible()).toBe(false);

    await page.clock.fastForward('27:00');
    expect(await dialog.isVisible()).toBe(false);
    await page.clock.fastForward('01:30');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('自動的にログアウトします');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('ログインを延長する');
    expect(await axeViolations(page)).toEqual([]);

    const extended = page.waitForResponse((r) => r.url().endsWith('/session/extend'));
    await page.keyboard.press('Enter');
    expect((await extended).status()).toBe(200);
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.locator('[data-session-ends-at]').getAttribute('data-session-ends-at')).toBeTruthy();
    // Counted again from the extension: 27 minutes on, no warning yet; two more, and it comes back.
    await page.clock.fastForward('27:00');
    expect(await dialog.isVisible()).toBe(false);
    await page.clock.fastForward('01:30');
    await dialog.waitFor();
    // The form is still there with its fields: nothing was reloaded.
    expect(await page.getByLabel(/^タイトル/).isVisible()).toBe(true);
    await context.close();
  });

  it('left alone past the end › the dialog says the user was logged out and what happens to a sent form; Close returns to the page', async () => {
    const { context, page } = await formWithTestClock();
    await page.clock.fastForward('28:30');
    await page.getByRole('alertdialog').waitFor();
    await page.clock.fastForward('02:00');
    const ended = page.getByRole('alertdialog', { name: '自動的にログアウトしました' });
    await ended.waitFor();
    expect(await ended.textContent()).toContain('もう一度ログインすると入力画面に戻ります');
    expect(await ended.getByRole('button', { name: 'ログインを延長する' }).count()).toBe(0);
    await page.keyboard.press('Enter');
    await ended.waitFor({ state: 'hidden' });
    await context.close();
  });
});
