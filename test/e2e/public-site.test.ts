import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TESTED_PAGE_KINDS, type TestedRole } from '../../src/features/site/accessibility-report.js';
import { axeViolations, browserAvailable, focusVisible, loginAs, tabTo, useDemoBrowser } from '../helpers/browser.js';

/**
 * Issue 23: what /accessibility claims is what this file tests. Every page kind it lists is opened as
 * its role, with and without JavaScript, checked by axe-core and at 320 px; the page's own table must
 * list exactly these kinds. The footer's pages and the skip link past the genre tree by keyboard.
 */
const LOGINS: Record<Exclude<TestedRole, 'guest'>, string> = { municipality: 'fujisawa', vendor: 'vendor1', secretariat: 'admin' };

let entryId = 0;
const env = useDemoBrowser((portal) => {
  entryId = portal.db.prepare(`SELECT id FROM entries WHERE deleted_at IS NULL AND suspended_at IS NULL ORDER BY id LIMIT 1`).pluck().get() as number;
});

const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe.skipIf(!browserAvailable)('the accessibility policy\'s tests, in a real browser', () => {
  for (const javaScriptEnabled of [true, false]) {
    it(`every page kind the policy lists: ${javaScriptEnabled ? 'axe-core clean and ' : ''}no wider than 320 px (${javaScriptEnabled ? 'with' : 'without'} JavaScript)`, async () => {
      const found: Record<string, string[]> = {};
      for (const role of ['guest', 'municipality', 'vendor', 'secretariat'] as const) {
        const context = await env.browser.newContext({ javaScriptEnabled, viewport: { width: 320, height: 800 } });
        const page = await context.newPage();
        if (role !== 'guest') await loginAs(page, env.base.url, LOGINS[role]);
        for (const kind of TESTED_PAGE_KINDS.filter((k) => k.role === role)) {
          const res = await page.goto(env.base.url + kind.path.replace(':entry', String(entryId)));
          expect(res?.status(), kind.kind).toBe(200);
          // axe-core needs timers, which do not run with JavaScript off; without it the page is the server's HTML as sent.
          const problems = javaScriptEnabled ? (await axeViolations(page)).map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`) : [];
          if (!(await fitsWidth(page))) problems.push('wider than 320 px');
          if (problems.length > 0) found[kind.kind] = problems;
        }
        await context.close();
      }
      expect(found).toEqual({});
    }, 180_000);
  }

  it('the policy\'s table lists exactly the page kinds tested here', async () => {
    const page = await env.browser.newPage();
    await page.goto(`${env.base.url}/accessibility`);
    const listed = await page.locator('[data-page-kind]').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-page-kind'), r.getAttribute('data-role')]));
    expect(listed).toEqual(TESTED_PAGE_KINDS.map((k) => [k.kind, k.role]));
    await page.close();
  });

  it('without JavaScript, by keyboard: each footer page is reached from the home page by Tab and Enter', async () => {
    const context = await env.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    for (const [path, name] of [['/accessibility', 'ウェブアクセシビリティ方針'], ['/terms', '利用規約'], ['/privacy', 'プライバシーポリシー'],
      ['/help', 'ヘルプ・よくある質問'], ['/contact', 'お問い合わせ'], ['/sitemap', 'サイトマップ']] as const) {
      await page.goto(`${env.base.url}/`);
      await tabTo(page, new RegExp(`^${name}$`));
      await page.keyboard.press('Enter');
      await page.waitForURL(env.base.url + path);
      expect(await page.locator('h1').textContent()).toBe(name);
    }
    await context.close();
  });

  it('without JavaScript, the whole tree is open: a link skips it, and links jump to each top-level genre', async () => {
    const context = await env.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${env.base.url}/search`);
    const genres = await page.locator('.genre-tree input').count();
    expect(genres).toBeGreaterThan(40);
    // From the skip link, the next Tab is the first info type: the genres are passed in one step.
    let presses = 0;
    for (; presses < 60; presses++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.textContent)) === 'ジャンルの一覧を読み飛ばす') break;
    }
    expect(presses).toBeLessThan(60);
    expect(await focusVisible(page)).toBe(true);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).name)).toBe('type');
    // A top-level genre's link: the next Tab is that genre's first sub-genre.
    await page.goto(`${env.base.url}/search`);
    const second = page.locator('.genre-jumps li a').nth(1);
    const name = (await second.textContent())!;
    await second.focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLInputElement;
      const top = el.closest('.genre-tree > li')!.querySelector('label')!.textContent;
      return { name: el.name, top };
    });
    expect(focused).toEqual({ name: 'genre', top: name });
    await context.close();
  });
});
