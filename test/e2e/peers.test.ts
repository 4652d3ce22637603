import { describe, expect, it } from 'vitest';
import { axeViolations, browserAvailable, journey, loginAs, tabTo, useDemoBrowser } from '../helpers/browser.js';

const env = useDemoBrowser();

const orgId = (name: string) => env.base.db.prepare('SELECT id FROM organisations WHERE name = ?').pluck().get(name) as number;
const genreId = (name: string) => env.base.db.prepare('SELECT id FROM genres WHERE name = ?').pluck().get(name) as number;

describe.skipIf(!browserAvailable)('peers in a real browser', () => {
  it('axe-core finds no WCAG 2.0 A/AA violation › issue profile, peers, message form, recommendations, with and without errors', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await loginAs(page, env.base.url, 'fujisawa');
    expect(await page.locator('[data-recommended]').count()).toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
    for (const path of ['/my/issues', '/peers', `/peers?genre=${genreId('防災')}&prefecture=13&near=1`, `/peers/${orgId('三鷹市')}/message`]) {
      expect((await page.goto(env.base.url + path))?.status(), path).toBe(200);
      expect(await axeViolations(page), path).toEqual([]);
    }
    await page.getByRole('button', { name: '送信する' }).click();
    expect(await page.locator('.error-summary').isVisible()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await page.goto(`${env.base.url}/my/issues`);
    await page.locator('#prefecture').selectOption('');
    await page.locator(`#note_${genreId('避難者名簿管理')}`).fill('変更したメモ');
    await page.getByRole('button', { name: '保存する' }).click();
    expect(await page.locator('.error-summary').textContent()).toContain('都道府県を選択してください。');
    expect(await page.locator(`#note_${genreId('避難者名簿管理')}`).inputValue()).toBe('変更したメモ');
    expect(await axeViolations(page)).toEqual([]);
    await context.close();

    const admin = await env.browser.newContext();
    const adminPage = await admin.newPage();
    await loginAs(adminPage, env.base.url, 'admin');
    await adminPage.goto(`${env.base.url}/peers?for=${orgId('倉敷市')}`);
    expect(await adminPage.locator('[data-org-id]').count()).toBe(3);
    expect(await axeViolations(adminPage)).toEqual([]);
    await admin.close();
  });

  it('/my/issues reflows at 375 and 320 px: nothing wider than the screen, every memo field whole on it (issue 23.2)', async () => {
    for (const width of [375, 320]) {
      const context = await env.browser.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();
      await loginAs(page, env.base.url, 'fujisawa');
      await page.goto(`${env.base.url}/my/issues`);
      const layout = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        memos: [...document.querySelectorAll<HTMLInputElement>('input[id^="note_"]')].filter((i) => i.offsetParent !== null)
          .map((i) => ({ left: i.getBoundingClientRect().left, right: i.getBoundingClientRect().right })),
      }));
      expect(layout.scrollWidth, `${width} px`).toBe(width);
      expect(layout.memos.length, `${width} px: the demo profile's ticked issues show their memo fields`).toBeGreaterThan(0);
      for (const memo of layout.memos) expect(memo.left >= 0 && memo.right <= width, `${width} px: ${JSON.stringify(memo)}`).toBe(true);
      await context.close();
    }
  });

  it('a municipality officer without JavaScript, by keyboard › ticks an issue (its fields appear), notes it, finds the peers sharing it, writes to one', async () => {
    const context = await env.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const meibo = genreId('避難者名簿管理');
    await journey('peers-keyboard', page, async () => {
      await loginAs(page, env.base.url, 'aizu');
      await page.goto(`${env.base.url}/my/issues`);
      expect(await page.locator(`#note_${meibo}`).isVisible()).toBe(false);
      await tabTo(page, /^避難者名簿管理/);
      await page.keyboard.press('Space');
      // Ticking shows the status and note fields (CSS only), next in the tab order.
      expect(await page.locator(`#note_${meibo}`).isVisible()).toBe(true);
      await tabTo(page, /^状況/);
      await page.keyboard.press('ArrowDown');
      await tabTo(page, /^メモ/);
      await page.keyboard.type('紙の避難者名簿をやめたい');
      await tabTo(page, /^保存する$/);
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/my\/issues\?saved=1$/);
      expect(await page.locator('[role="status"]').textContent()).toContain('保存しました');
      expect(await page.locator(`#status_${meibo}`).inputValue()).toBe('working');

      await page.goto(`${env.base.url}/peers`);
      const ranked = await page.locator('[data-org-id]').evaluateAll((els) => els.map((el) => el.getAttribute('data-org-id')));
      expect(ranked.slice(0, 2).sort()).toEqual([String(orgId('三鷹市')), String(orgId('藤沢市'))].sort());
      const mitaka = page.locator(`[data-org-id="${orgId('三鷹市')}"]`);
      expect(await mitaka.locator(`[data-genre-id="${meibo}"]`).textContent()).toContain('紙の名簿からの移行方法を調査中');
      await tabTo(page, /^三鷹市にメッセージを送る$/);
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/message$/);
      await tabTo(page, /^件名/);
      await page.keyboard.type('避難者名簿の電子化について');
      await tabTo(page, /^本文/);
      await page.keyboard.type('移行の進め方について情報交換させてください。');
      await tabTo(page, /^送信する$/);
      await page.keyboard.press('Enter');
      await page.waitForURL(/sent=1$/);
      expect(await page.locator('[role="status"]').textContent()).toContain('三鷹市へメッセージを送りました');
    });
    const queued = env.base.db.prepare(`SELECT recipients, body FROM mail_outbox WHERE kind = 'peer.message'`).get() as { recipients: string; body: string };
    expect(JSON.parse(queued.recipients)).toEqual(['takahashi@city.mitaka.example.jp']);
    expect(queued.body).toContain('会津若松市');
    expect(queued.body).not.toMatch(/@city\.aizuwakamatsu/);
    await context.close();
  });
});
