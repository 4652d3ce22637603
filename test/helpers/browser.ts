import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type { Express } from 'express';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { DEMO_PASSWORD, seedDemo } from '../../src/demo/seed.js';
import { projectRoot, seedsDir } from '../../src/paths.js';
import { createTestPortal, testClock, type TestPortal } from './portal.js';

/** Debian's Chromium (installed by .ci/run), never a browser downloaded by a test tool. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether the browser tests can run here. Without Chromium a local `npm test` says so and leaves the
 * browser suites out; under CI=true they run anyway and fail, so CI can never pass without them.
 */
export const browserAvailable = fs.existsSync(CHROMIUM) || process.env.CI === 'true';
if (!browserAvailable) {
  console.warn(`\n⚠ ブラウザテストを実行しませんでした：${CHROMIUM} がありません（Debian: apt-get install -y chromium、または CHROMIUM_PATH を指定）。\n`);
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** Serves the app on a free loopback port for the browser; returns its base URL and a closer. */
export async function listen(app: Express): Promise<{ url: string; close(): Promise<void> }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };

/**
 * Runs axe-core in the page against WCAG 2.0 A and AA, the level JIS X 8341-3:2016 AA equals.
 * The script is evaluated through the DevTools protocol, which the page's CSP does not govern, so the
 * portal's CSP stays exactly as users get it.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    const found = result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
    // The portal's own page rules beyond axe's WCAG set: Japanese, one h1 (a dialog's aside), a skip link.
    const own = (id: string, ok: boolean) => (ok ? [] : [{ id, impact: 'serious', help: id, nodes: [] }]);
    const h1s = [...document.querySelectorAll('h1')].filter((h) => !h.closest('dialog')).length;
    const hasFrame = document.querySelector('header.site-header') !== null;
    return [
      ...found,
      ...own('portal-lang-ja', document.documentElement.lang === 'ja'),
      ...(hasFrame ? [...own('portal-one-h1', h1s === 1), ...own('portal-skip-link', document.querySelector('a.skip-link[href="#main"]') !== null)] : []),
    ];
  });
}

/** The portal with the demo data (brochures included), served for the browser. */
export async function servedDemoPortal(): Promise<TestPortal & { url: string; close(): Promise<void> }> {
  const portal = createTestPortal();
  await seedDemo(portal.db, seedsDir, testClock(), portal.uploadDir);
  return { ...portal, ...(await listen(portal.app)) };
}

export type ServedPortal = Awaited<ReturnType<typeof servedDemoPortal>>;

/**
 * For a browser test file: the demo portal served and Chromium launched once for the file (after an
 * optional `prepare` of the data), both closed at the end. Read them as env.base and env.browser.
 */
export function useDemoBrowser(prepare?: (portal: ServedPortal) => void | Promise<void>): { base: ServedPortal; browser: Browser } {
  const env = {} as { base: ServedPortal; browser: Browser };
  beforeAll(async () => {
    if (!browserAvailable) return;
    env.base = await servedDemoPortal();
    await prepare?.(env.base);
    env.browser = await launchBrowser();
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.base?.close();
  });
  return env;
}

/** Logs in through the login form with a demo account, as a person would (Enter in the password field). */
export async function loginAs(page: Page, baseUrl: string, loginId: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('ログインID').fill(loginId);
  await page.getByLabel('パスワード').fill(password);
  await page.getByLabel('パスワード').press('Enter');
  await page.waitForURL(`${baseUrl}/`);
}

/**
 * Runs one step-by-step journey; if it fails, the page's screenshot and HTML go to test-results/
 * (git-ignored) under the journey's name before the error is passed on.
 */
export async function journey(name: string, page: Page, steps: () => Promise<void>): Promise<void> {
  try {
    await steps();
  } catch (error) {
    const dir = path.join(projectRoot, 'test-results');
    fs.mkdirSync(dir, { recursive: true });
    const file = name.replace(/[^\w-]+/g, '-');
    await page.screenshot({ path: path.join(dir, `${file}.png`), fullPage: true }).catch(() => undefined);
    fs.writeFileSync(path.join(dir, `${file}.html`), await page.content().catch(() => ''));
    throw error;
  }
}

/** Whether the focused element shows a focus indicator (an outline or a box shadow). */
export async function focusVisible(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return false;
    const style = getComputedStyle(el);
    return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
  });
}

/**
 * Presses Tab until the focused element's label, text or value matches, and asserts that a focus
 * indicator shows there: a keyboard user's way to a control.
 */
export async function tabTo(page: Page, accessibleName: RegExp, max = 250): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const name = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return '';
      const label = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent ?? '' : '';
      return `${label} ${el.textContent ?? ''} ${(el as HTMLInputElement).value ?? ''}`.replace(/\s+/g, ' ').trim();
    });
    if (accessibleName.test(name)) {
      expect(await focusVisible(page), `focus indicator on ${name}`).toBe(true);
      return;
    }
  }
  throw new Error(`Tab never reached ${accessibleName}`);
}
