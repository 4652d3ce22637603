import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { axeViolations, browserAvailable, loginAs, useDemoBrowser } from '../helpers/browser.js';
import { PDF_BYTES } from '../helpers/entry-form.js';
import { tempDir } from '../helpers/portal.js';

const env = useDemoBrowser();
const pdfPath = path.join(tempDir(), 'カタログ.pdf');
fs.writeFileSync(pdfPath, PDF_BYTES);

describe.skipIf(!browserAvailable)('registering in a real browser', () => {
  it.each([true, false])('JavaScript %s › register with a PDF, confirm and save (axe-core checks each screen of the run with JavaScript)', async (javaScriptEnabled) => {
    const context = await env.browser.newContext({ javaScriptEnabled });
    context.setDefaultTimeout(5000);
    const page = await context.newPage();
    // axe-core runs as script in the page, so it checks the run with JavaScript; the run without
    // proves the same screens work without it.
    const axe = async () => (javaScriptEnabled ? axeViolations(page) : []);
    await loginAs(page, env.base.url, 'vendor1');
    await page.goto(`${env.base.url}/my/entries`);
    expect(await axe()).toEqual([]);
    await page.getByRole('link', { name: '新規情報を登録する' }).click();
    expect(await axe()).toEqual([]);
    // Contact fields start from the organisation's last entry.
    expect(await page.getByLabel('会社・団体名＊').inputValue()).toBe('株式会社みらい防災システムズ');

    await page.getByRole('button', { name: '確認画面へ進む' }).click();
    expect(await page.locator('.error-summary').isVisible()).toBe(true);
    expect(await axe()).toEqual([]);

    await page.getByLabel('製品・サービス情報').check();
    await page.getByLabel(/^タイトル/).fill(`ブラウザからの登録 ${javaScriptEnabled}`);
    await page.getByLabel(/^概要/).fill('ブラウザで登録した製品です。');
    if (javaScriptEnabled) await page.getByRole('button', { name: '防災の下位ジャンルを開く' }).click();
    await page.getByLabel('避難所運営', { exact: true }).check();
    await page.getByLabel(/^資料（PDF）/).setInputFiles(pdfPath);
    await page.getByLabel(/を確認し、同意します/).check();
    await page.getByRole('button', { name: '確認画面へ進む' }).click();
    await page.getByText('登録してよいですか？').waitFor();
    expect(await page.getByText('カタログ.pdf').count()).toBeGreaterThan(0);
    expect(await axe()).toEqual([]);
    await page.getByRole('button', { name: '登録', exact: true }).click();
    await page.getByText('登録しました。').waitFor();
    expect(await axe()).toEqual([]);
    await page.getByRole('link', { name: 'OK' }).click();
    expect(await page.locator('.entry-row').first().textContent()).toContain(`ブラウザからの登録 ${javaScriptEnabled}`);
    await context.close();
  });

  it('who liked › opens in a dialog with JavaScript, and as a page without', async () => {
    for (const javaScriptEnabled of [true, false]) {
      const context = await env.browser.newContext({ javaScriptEnabled });
      context.setDefaultTimeout(5000);
      const page = await context.newPage();
      await loginAs(page, env.base.url, 'vendor1');
      await page.goto(`${env.base.url}/my/entries`);
      await page.locator('[data-likes-dialog]').first().click();
      if (javaScriptEnabled) {
        const dialog = page.locator('#likes-dialog');
        await dialog.locator('table').waitFor();
        expect(await dialog.isVisible()).toBe(true);
        expect(page.url()).toBe(`${env.base.url}/my/entries`);
        expect(await axeViolations(page)).toEqual([]);
        await page.keyboard.press('Escape');
        expect(await dialog.isVisible()).toBe(false);
      } else {
        await page.waitForURL(/\/likes$/);
        expect(await page.locator('#likes-list table').count()).toBe(1);
      }
      await context.close();
    }
  });

  it('axe-core finds no violation on the pages behind the pop-ups and on the edit form', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await loginAs(page, env.base.url, 'vendor1');
    for (const path of ['/my/entries/1/likes', '/my/entries/terms', '/my/entries/1/edit', '/my/entries/1', '/my/entries/1/delete']) {
      expect((await page.goto(env.base.url + path))?.status(), path).toBe(200);
      expect(await axeViolations(page), path).toEqual([]);
    }
    await context.close();
  });

  it.each([true, false])('related entries, JavaScript %s › found by a keyword (Enter in the box), ticked, confirmed, shown on both detail pages; axe-core clean', async (javaScriptEnabled) => {
    const context = await env.browser.newContext({ javaScriptEnabled });
    context.setDefaultTimeout(5000);
    const page = await context.newPage();
    const axe = async () => (javaScriptEnabled ? axeViolations(page) : []);
    await loginAs(page, env.base.url, 'vendor1');
    // The same company's entries point at each other: 備蓄品 (2) at ひなんナビ (1), 防災行政無線 (3) at the app (4).
    const target = javaScriptEnabled ? '多言語防災アプリ' : 'ひなんナビ';
    const entry = javaScriptEnabled ? 3 : 2;
    await page.goto(`${env.base.url}/my/entries/${entry}/edit`);
    await page.getByLabel('関連する情報をキーワードで探す').fill(target);
    await page.getByLabel('関連する情報をキーワードで探す').press('Enter');
    await page.locator('[data-related-candidates]').waitFor();
    expect(await axe()).toEqual([]);
    await page.getByRole('checkbox', { name: new RegExp(target) }).check();
    await page.getByLabel(/を確認し、同意します/).check();
    await page.getByRole('button', { name: '確認画面へ進む' }).click();
    await page.getByText('登録してよいですか？').waitFor();
    expect(await page.locator('[data-related-entry-id]').textContent()).toContain(target);
    await page.getByRole('button', { name: '登録', exact: true }).click();
    await page.getByText('登録しました。').waitFor();
    await page.goto(`${env.base.url}/entries/${entry}`);
    expect(await page.getByRole('heading', { name: '関連する製品・サービス情報（1件）' }).count()).toBe(1);
    expect(await axe()).toEqual([]);
    // The owner's page of ひなんナビ: the secretariat's case links to it, and may be hidden from it.
    await page.goto(`${env.base.url}/my/entries/1`);
    expect(await page.getByRole('button', { name: /この情報の画面に表示しない/ }).count()).toBeGreaterThan(0);
    expect(await axe()).toEqual([]);
    await context.close();
  });

  it('登録の規約 › opens in a dialog with JavaScript', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await loginAs(page, env.base.url, 'vendor3');
    await page.goto(`${env.base.url}/my/entries/new`);
    await page.getByRole('link', { name: '登録の規約' }).click();
    const dialog = page.locator('#terms-dialog');
    await dialog.getByRole('heading', { name: '登録の規約' }).waitFor();
    expect(await dialog.textContent()).toContain('社内の承認を得たもの');
    expect(await axeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: '閉じる' }).click();
    expect(await dialog.isVisible()).toBe(false);
    await context.close();
  });

  it('delete › asks, then deletes; the detail and delete pages pass axe-core', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await loginAs(page, env.base.url, 'vendor2');
    await page.goto(`${env.base.url}/my/entries`);
    await page.locator('.entry-row a').first().click();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('link', { name: '削除' }).click();
    await page.getByText('本当に削除してよいですか？').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: '削除' }).click();
    await page.getByText('削除しました。').waitFor();
    await context.close();
  });
});
