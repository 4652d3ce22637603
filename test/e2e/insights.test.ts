import { describe, expect, it } from 'vitest';
import { axeViolations, browserAvailable, journey, loginAs, tabTo, useDemoBrowser } from '../helpers/browser.js';

// A survey open for everyone, with a required choice, a scale and free text (issue 22.4).
const env = useDemoBrowser(({ db }) => {
  db.prepare(`INSERT INTO surveys (title, description, audience, opens_on, closes_on, created_at, updated_at)
              VALUES ('実証実験の利用者アンケート', 'ポータルの使い勝手についてお聞きします。', 'both', '2026-01-01', '2099-12-31', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')`).run();
  db.prepare(`INSERT INTO survey_questions (survey_id, position, kind, text, choices, required)
              VALUES (1, 1, 'choice', '主に何を探しましたか', '["製品・サービス","導入事例","人材"]', 1), (1, 2, 'scale', '探している情報は見つかりましたか', '[]', 1),
                     (1, 3, 'text', 'ご意見・ご要望', '[]', 0)`).run();
});

/**
 * Issue 22 in Chromium: a municipality officer answers the 利用者アンケート from the home page by
 * keyboard without JavaScript; axe-core checks the survey (with its errors) and a vendor's figures.
 */
describe.skipIf(!browserAvailable)('surveys and figures in a real browser', () => {
  it('without JavaScript, by keyboard › from the home page’s notice to an answer; the notice is gone', async () => {
    const context = await env.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await journey('survey-keyboard', page, async () => {
      await loginAs(page, env.base.url, 'mitaka');
      await page.goto(`${env.base.url}/`);
      await tabTo(page, /^実証実験の利用者アンケート$/);
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/surveys\/1$/);
      // A radio's name here is its label and its value (「製品・サービス 0」).
      await tabTo(page, /^製品・サービス 0$/);
      await page.keyboard.press('ArrowDown'); // 導入事例
      await tabTo(page, /^1 1$/);
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight'); // 4
      await tabTo(page, /^設問3：ご意見・ご要望/);
      await page.keyboard.type('事例がもっと欲しいです。');
      await tabTo(page, /^回答を送信する$/);
      await page.keyboard.press('Enter');
      await page.waitForURL(/answered=1$/);
      expect(await page.locator('.notice').textContent()).toContain('ご回答ありがとうございました');
      await page.goto(`${env.base.url}/`);
      expect(await page.locator('[data-pending-surveys]').count()).toBe(0);
    });
    await context.close();
    expect(env.base.db.prepare('SELECT choice, scale, text FROM survey_answers ORDER BY question_id').all())
      .toEqual([{ choice: 1, scale: null, text: null }, { choice: null, scale: 4, text: null }, { choice: null, scale: null, text: '事例がもっと欲しいです。' }]);
  });

  it('axe-core finds no violation on the home page’s notice, the survey with its errors, and a vendor’s figures', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await loginAs(page, env.base.url, 'vendor1');
    for (const path of ['/', '/surveys/1', '/my/entries', '/my/entries/1']) {
      expect((await page.goto(env.base.url + path))?.status(), path).toBe(200);
      expect(await axeViolations(page), path).toEqual([]);
    }
    await page.goto(`${env.base.url}/surveys/1`);
    await page.getByRole('button', { name: '回答を送信する' }).click();
    expect(await page.locator('.error-summary').isVisible()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});
