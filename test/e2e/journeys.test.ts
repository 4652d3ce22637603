import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../src/features/admin/admin-csv.js';
import { axeViolations, browserAvailable, journey, loginAs, tabTo, useDemoBrowser } from '../helpers/browser.js';
import { clientFrom } from '../helpers/address-client.js';
import { PDF_BYTES } from '../helpers/entry-form.js';
import { createEntry, createUser } from '../helpers/factories.js';
import { tempDir } from '../helpers/portal.js';
import fs from 'node:fs';
import path from 'node:path';

const env = useDemoBrowser((portal) => {
  // Enough 行政運営 products for the results to run over two pages.
  const vendor = createUser(portal.db, 'vendor');
  const genre = portal.db.prepare(`SELECT id FROM genres WHERE name = 'オンライン申請'`).pluck().get() as number;
  for (let i = 0; i < 35; i++) createEntry(portal.db, vendor, { title: `電子申請サービス ${i + 1}`, genreIds: [genre], typeId: 1 });
});

/** A page that fails the test if any dialog (an executed alert, say) ever opens. */
async function watchedPage(options: Parameters<Browser['newContext']>[0] = {}) {
  const context = await env.browser.newContext({ acceptDownloads: true, ...options });
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return { context, page, dialogs };
}

describe.skipIf(!browserAvailable)('journeys in a real browser', () => {
  it('a municipality officer › parent genre and type, pages on, opens an entry, downloads its PDF, likes it, goes back with the conditions kept', async () => {
    const { context, page, dialogs } = await watchedPage();
    await journey('municipality', page, async () => {
      await loginAs(page, env.base.url, 'fujisawa');
      await page.getByRole('link', { name: 'マッチングサービス' }).click();
      await page.getByLabel('行政運営', { exact: true }).check();
      await page.getByLabel('製品・サービス情報').check();
      await page.getByRole('button', { name: 'この条件で検索する' }).click();
      await page.waitForURL(/\/search\/results\?/);
      const hits = Number(await page.locator('[data-hit-count]').getAttribute('data-hit-count'));
      expect(hits).toBeGreaterThan(30);
      await page.locator('a[rel="next"]').click();
      await page.waitForURL(/page=2/);
      expect(await page.locator('[data-entry-id]').count()).toBe(Math.min(30, hits - 30));
      await page.locator('a[rel="prev"]').click();
      await page.waitForURL((url) => !url.search.includes('page='));
      // An entry with a brochure: find it by its PDF in the detail page.
      const entryId = env.base.db.prepare(`
        SELECT a.entry_id FROM attachments a JOIN entry_genres eg ON eg.entry_id = a.entry_id
         WHERE eg.genre_id IN (SELECT id FROM genres WHERE name = '行政運営' OR parent_id IN (SELECT id FROM genres WHERE name = '行政運営')
                               OR parent_id IN (SELECT id FROM genres WHERE parent_id IN (SELECT id FROM genres WHERE name = '行政運営'))) LIMIT 1`).pluck().get() as number;
      await page.locator(`[data-entry-id="${entryId}"] a`).click();
      await page.waitForURL(new RegExp(`/entries/${entryId}\\?`));
      const download = page.waitForEvent('download');
      await page.locator(`a[href="/entries/${entryId}/attachment"]`).click();
      const file = await download;
      expect(file.suggestedFilename()).toMatch(/\.pdf$/);
      expect(fs.readFileSync((await file.path())).subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const before = Number(await page.locator('[data-like-count]').getAttribute('data-like-count'));
      const liking = (await page.locator('#like button').textContent())?.trim() === 'いいね！';
      await page.locator('#like button').click();
      await page.waitForURL(/#like$/);
      expect(Number(await page.locator('[data-like-count]').getAttribute('data-like-count'))).toBe(before + (liking ? 1 : -1));
      await page.locator('nav[aria-label="パンくずリスト"]').getByRole('link', { name: '検索結果一覧' }).click();
      expect(await page.locator('.conditions').textContent()).toContain('行政運営');
      expect(await page.locator('.conditions').textContent()).toContain('製品・サービス情報');
      await page.getByRole('link', { name: '検索画面' }).click();
      expect(await page.getByLabel('行政運営', { exact: true }).isChecked()).toBe(true);
    });
    expect(dialogs).toEqual([]);
    await context.close();
  });

  it('the same officer without JavaScript, by keyboard alone, with a visible focus indicator at every step', async () => {
    const { context, page } = await watchedPage({ javaScriptEnabled: false });
    await journey('municipality-keyboard', page, async () => {
      await page.goto(`${env.base.url}/login`);
      await tabTo(page, /^ログインID/);
      await page.keyboard.type('mitaka');
      await tabTo(page, /^パスワード/);
      await page.keyboard.type('Demo-Pass-2026');
      await page.keyboard.press('Enter');
      await page.waitForURL(`${env.base.url}/`);
      await tabTo(page, /製品・サービス、事例、人材を探す/);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${env.base.url}/search`);
      await tabTo(page, /^防災/);
      await page.keyboard.press('Space');
      await tabTo(page, /^事例情報/);
      await page.keyboard.press('Space');
      await tabTo(page, /この条件で検索する/);
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/search\/results\?/);
      await tabTo(page, /避難所運営のデジタル化|避難所/);
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/entries\/\d+/);
      await tabTo(page, /いいね！/);
      await page.keyboard.press('Enter');
      await page.waitForURL(/#like$/);
      expect(await page.locator('#like button').textContent()).toContain('取り消す');
    });
    await context.close();
  });

  it('a vendor › registers with a PDF (terms pop-up, confirm, back to edit with values kept, save), edits, sees a like, deletes', async () => {
    const { context, page, dialogs } = await watchedPage();
    const pdf = path.join(tempDir(), 'brochure.pdf');
    fs.writeFileSync(pdf, PDF_BYTES);
    await journey('vendor', page, async () => {
      await loginAs(page, env.base.url, 'vendor4');
      await page.locator('nav[aria-label="グローバルナビゲーション"]').getByRole('link', { name: '登録情報の管理' }).click();
      await page.getByRole('link', { name: '新規情報を登録する' }).click();
      await page.getByRole('link', { name: '登録の規約' }).click();
      await page.locator('#terms-dialog').getByRole('button', { name: '閉じる' }).click();
      await page.getByLabel('製品・サービス情報').check();
      await page.getByLabel(/^タイトル/).fill('<script>alert(1)</script> 旅の交通案内');
      await page.getByLabel(/^概要/).fill('"><img src=x onerror=alert(1)> 観光客の移動を案内します。');
      await page.getByRole('button', { name: '観光の下位ジャンルを開く' }).click();
      await page.getByLabel('観光客動態分析').check();
      await page.getByLabel(/^資料（PDF）/).setInputFiles(pdf);
      await page.getByLabel(/を確認し、同意します/).check();
      await page.getByRole('button', { name: '確認画面へ進む' }).click();
      await page.getByText('登録してよいですか？').waitFor();
      await page.getByRole('link', { name: '編集に戻る' }).click();
      expect(await page.getByLabel(/^タイトル/).inputValue()).toBe('<script>alert(1)</script> 旅の交通案内');
      expect(await page.locator('.kept-file').textContent()).toContain('brochure.pdf');
      await page.getByRole('button', { name: '確認画面へ進む' }).click();
      await page.getByRole('button', { name: '登録', exact: true }).click();
      await page.getByText('登録しました。').waitFor();
      await page.getByRole('link', { name: '登録した内容を見る' }).click();
      const id = Number(page.url().split('/').pop());
      await page.getByRole('link', { name: '編集' }).click();
      await page.getByLabel(/^タイトル/).fill('旅の交通案内 改訂版');
      await page.getByLabel(/を確認し、同意します/).check();
      await page.getByRole('button', { name: '確認画面へ進む' }).click();
      await page.getByRole('button', { name: '登録', exact: true }).click();
      await page.getByText('登録しました。').waitFor();
      // A municipality likes it meanwhile; the vendor sees who in the pop-up.
      const city = env.base.db.prepare(`SELECT id, organisation_id FROM users WHERE login_id = 'aizu'`).get() as { id: number; organisation_id: number };
      env.base.db.prepare(`INSERT INTO likes (entry_id, organisation_id, user_id, created_at) VALUES (?, ?, ?, ?)`).run(id, city.organisation_id, city.id, new Date().toISOString());
      await page.goto(`${env.base.url}/my/entries`);
      await page.locator(`[data-entry-id="${id}"] [data-likes-dialog]`).click();
      expect(await page.locator('#likes-dialog table').textContent()).toContain('会津若松市');
      await page.keyboard.press('Escape');
      await page.locator(`[data-entry-id="${id}"] a`).first().click();
      await page.getByRole('link', { name: '削除' }).click();
      await page.getByRole('button', { name: '削除' }).click();
      await page.getByText('削除しました。').waitFor();
    });
    expect(dialogs).toEqual([]);
    await context.close();
  });

  it('the secretariat › adds a sub-genre, suspends an entry with a reason, reads an anomaly, imports a CSV', async () => {
    const { context, page, dialogs } = await watchedPage();
    await journey('secretariat', page, async () => {
      env.base.db.prepare(`INSERT INTO organisation_ip_ranges (organisation_id, cidr) SELECT organisation_id, '127.0.0.2/32' FROM users WHERE login_id = 'vendor5'`).run();
      env.base.db.prepare(`DELETE FROM organisation_ip_ranges WHERE cidr IN ('127.0.0.0/8', '::1/128') AND organisation_id = (SELECT organisation_id FROM users WHERE login_id = 'vendor5')`).run();
      const { port } = new URL(env.base.url);
      expect((await clientFrom('127.0.0.7', Number(port)).login('vendor5', 'Demo-Pass-2026')).status).toBe(302);

      await loginAs(page, env.base.url, 'admin');
      await page.locator('nav[aria-label="グローバルナビゲーション"]').getByRole('link', { name: '事務局管理' }).click();
      await page.getByRole('link', { name: 'ジャンルの管理' }).first().click();
      await page.getByLabel('ジャンル名').fill('ドローン活用');
      await page.getByLabel('親ジャンル').selectOption({ label: '防災' });
      await page.getByRole('button', { name: '追加する' }).click();
      expect(await page.locator('.admin-tree').first().textContent()).toContain('ドローン活用');

      await page.goto(`${env.base.url}/admin/entries?q=${encodeURIComponent('ひなんナビ')}`);
      await page.locator('[data-entry-id] a').first().click();
      await page.getByLabel('公開停止の理由').fill('表現の確認のため');
      await page.getByRole('button', { name: '公開を停止する' }).click();
      expect(await page.locator('main').textContent()).toContain('公開停止中（理由：表現の確認のため）');

      await page.goto(`${env.base.url}/admin/security`);
      expect(await page.locator('[data-anomaly="outside-range"]').first().textContent()).toContain('vendor5');

      const csv = toCsv([{ type: '事例情報', title: 'CSVで取り込んだ事例', summary: '取り込みの確認です。', url: '', genres: '防災/ドローン活用',
        owner_org: 'ＡＰＰＬＩＣ事務局', contact_company: 'APPLIC', contact_department: '', contact_name: '山田', contact_phone: '03-0000-0000',
        contact_email: 'y@example.jp', updated_at: '' }]);
      const file = path.join(tempDir(), 'import.csv');
      fs.writeFileSync(file, csv);
      await page.goto(`${env.base.url}/admin/import`);
      await page.getByLabel('CSVファイル').setInputFiles(file);
      await page.getByRole('button', { name: '内容を確認する' }).click();
      // The preview first: what would be created, and nothing changed yet.
      expect(await page.locator('[data-preview-create-count]').getAttribute('data-preview-create-count')).toBe('1');
      await expect.poll(() => page.getByText('CSVで取り込んだ事例').count()).toBeGreaterThan(0);
      expect(await axeViolations(page)).toEqual([]);
      await page.getByRole('button', { name: 'この内容で取り込む' }).click();
      expect(await page.locator('[data-imported-count]').getAttribute('data-imported-count')).toBe('1');
      expect(await page.locator('[data-imported-count]').getAttribute('data-updated-count')).toBe('0');
    });
    expect(dialogs).toEqual([]);
    await context.close();
  });
});
