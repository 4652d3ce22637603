import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { createEntry, createGenre, createUser, PASSWORD } from '../helpers/factories.js';
import { $, hitCount, loggedInAgent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

/** Every template, with its path: the words a page can say. */
function templates(dir = path.join(projectRoot, 'views')): [string, string][] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const file = path.join(dir, d.name);
    if (d.isDirectory()) return templates(file);
    return d.name.endsWith('.ejs') ? [[path.relative(projectRoot, file), fs.readFileSync(file, 'utf8')] as [string, string]] : [];
  });
}

describe('wording: one word for one thing (issue 23.6)', () => {
  it.each([
    ['カテゴリー', '「行政課題のジャンル」と書く'],
    ['貴方', '「あなた」と書く'],
    ['仲間を探すへ戻る', '「「同じ課題を持つ仲間を探す」に戻る」と書く'],
    // The association and ＩＣＴ are written full-width, as the source and the guidebook write them.
    ['APPLIC', 'ＡＰＰＬＩＣ と書く'],
    ['ICT', 'ＩＣＴ と書く'],
  ])('no page template says %s (%s)', (word) => {
    const found = templates().filter(([, text]) => text.includes(word)).map(([file]) => file);
    expect(found).toEqual([]);
  });

  it('the detail page heads the genres 「行政課題のジャンル」; the page title names ＡＰＰＬＩＣ full-width', async () => {
    const { app, db } = createTestPortal();
    const entry = createEntry(db, createUser(db, 'vendor'), { genreIds: [createGenre(db, '防災')] });
    const city = await loggedInAgent(app, createUser(db, 'municipality').loginId, PASSWORD);
    const doc = $((await city.get(`/entries/${entry}`)).text);
    expect(doc('#categories-title').text()).toBe('行政課題のジャンル');
    expect(doc('title').text()).toMatch(/｜ＡＰＰＬＩＣ マッチングポータル$/);
  });

  it('a page past the end of the results is answered with the last page, and says so: never 「（999 / 3ページ）」', async () => {
    const { app, db } = createTestPortal();
    const vendor = createUser(db, 'vendor');
    for (let i = 0; i < 61; i++) createEntry(db, vendor, { title: `情報${i}` });
    const res = await request(app).get('/search/results?page=999');
    expect(res.status).toBe(200);
    const doc = $(res.text);
    expect(hitCount(res.text)).toBe(61);
    expect(doc('[data-hit-count]').text()).toContain('（3 / 3ページ');
    expect(doc('[data-page-past-end]').text()).toBe('指定された999ページはありません。最後のページ（3ページ）を表示しています。');
    expect(doc('[data-entry-id]').length).toBe(1);
    expect(doc('a[rel="prev"]').attr('href')).toContain('page=2');

    const owner = await loggedInAgent(app, vendor.loginId, PASSWORD);
    const own = $((await owner.get('/my/entries?page=50')).text);
    expect(own('[data-hit-count]').text()).toContain('（3 / 3ページ');
    expect(own('[data-page-past-end]').length).toBe(1);
    expect(own('[data-entry-id]').length).toBe(1);
  });
});
