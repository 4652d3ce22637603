import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, browserAvailable, journey, launchBrowser, tabTo } from '../helpers/browser.js';
import { createUser } from '../helpers/factories.js';
import { OIDC_CLIENT, startIssuer } from '../helpers/oidc-issuer.js';
import { createTestPortal, type TestPortal } from '../helpers/portal.js';

/**
 * Issue 24 in Chromium: the whole redirect journey between the portal and a real issuer, by keyboard.
 * The portal is served on the address its PUBLIC_URL names, as in production, since the issuer sends
 * the browser back there.
 */
describe.skipIf(!browserAvailable)('sign-in with the association\'s ID in a real browser', () => {
  let server: http.Server;
  let url: string;
  let portal: TestPortal;
  let issuer: Awaited<ReturnType<typeof startIssuer>>;
  let browser: Browser;

  beforeAll(async () => {
    server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    issuer = await startIssuer(url);
    portal = createTestPortal({ startsAt: new Date().toISOString(), config: { publicUrl: url, oidc: { issuer: issuer.url, ...OIDC_CLIENT } } });
    server.on('request', portal.app);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await issuer?.close();
  });

  it('by keyboard: the login page\'s button, the issuer\'s sign-in, back logged in where next says; logout through the issuer\'s end-session back to the top', async () => {
    const user = createUser(portal.db, 'municipality');
    portal.db.prepare(`INSERT INTO oidc_links (user_id, issuer, subject, linked_at) VALUES (?, ?, 'keyboard-member', '2026-11-01T00:00:00.000Z')`).run(user.id, issuer.url);
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await journey('oidc-keyboard', page, async () => {
      // A search page a logged-out officer was sent to the login from.
      await page.goto(`${url}/login?next=${encodeURIComponent('/my/searches')}`);
      expect(await axeViolations(page)).toEqual([]);
      await tabTo(page, /^ＡＰＰＬＩＣ会員IDでログイン$/);
      await page.keyboard.press('Enter');
      await page.waitForURL(new RegExp(`^${issuer.url}/interaction/`));

      // The issuer's own sign-in page (oidc-provider's): its first field, then Enter.
      await page.locator('input[name="login"]').focus();
      await page.keyboard.type('keyboard-member');
      await page.keyboard.press('Tab');
      await page.keyboard.type('any-password');
      await page.keyboard.press('Enter');

      await page.waitForURL(`${url}/my/searches`);
      expect(await page.locator('.account-state').textContent()).toContain(
        portal.db.prepare('SELECT name FROM organisations WHERE id = ?').pluck().get(user.organisationId) as string);
      expect(await axeViolations(page)).toEqual([]);

      await tabTo(page, /^ログアウト$/);
      await page.keyboard.press('Enter');
      // The issuer asks whether to end its session too; its default answer is yes.
      await page.waitForURL(new RegExp(`^${issuer.url}/`));
      await page.locator('button[autofocus], button[type="submit"]').first().focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(`${url}/`);
      expect(await page.locator('a[href="/login"]').count()).toBeGreaterThan(0);
      expect(portal.db.prepare(`SELECT reason, method FROM login_events`).all()).toEqual([{ reason: 'ok', method: 'oidc' }]);
    });
    await context.close();
  });
});
