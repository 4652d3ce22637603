import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { loadGuidebook } from '../../src/features/guidebook/guidebook.content.js';
import { projectRoot } from '../../src/paths.js';
import { $ } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

const source = () =>
  fs.readFileSync(path.join(projectRoot, 'content', 'source', '000_a9800e5c1bca7fa2.txt'), 'utf8').split('\n').map((l) => l.trim()).join('');

describe('マイナンバー利活用シーン 実務読み替え版', () => {
  const { myNumber } = loadGuidebook();

  it('content › 9 commentaries with every section, and the checklist 1-1 … 5-3, all in the source’s own words', () => {
    expect(myNumber.pages.map((p) => p.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(myNumber.checklist.flatMap((c) => c.items.map((i) => i.code))).toEqual(['1-1', '1-2', '2-1', '2-2', '3-1', '3-2', '4-1', '4-2', '5-1', '5-2', '5-3']);
    const text = source();
    const texts = [
      ...myNumber.pages.flatMap((p) => [p.title, ...p.background, ...p.actions, ...p.after, ...p.overview, ...p.considerations]),
      ...myNumber.checklist.flatMap((c) => [c.title, ...c.items.flatMap((i) => [i.question, ...i.checks])]),
    ].map((t) => t.replace(/^※/, ''));
    expect(texts.filter((t) => !text.includes(t) && !text.includes(t.replace(/ /g, '')))).toEqual([]);
  });

  it('pages › linked from /guidebook; each commentary shows its sections under their headings; 0 and 10 → 404', async () => {
    const { app } = createTestPortal();
    expect($((await request(app).get('/guidebook')).text)('a[href="/guidebook/mynumber"]').length).toBe(1);
    const index = $((await request(app).get('/guidebook/mynumber')).text);
    expect(index('.checklist a').length).toBe(9);
    expect(index('#check-4-2').text()).toContain('クラウドファンディング');
    const page = $((await request(app).get('/guidebook/mynumber/items/5')).text);
    const under = (heading: string) => page('h2').filter((_, el) => page(el).text() === heading).parent('section').text();
    expect(under('検討内容で該当した背景・課題')).toContain('事業主体の責任として、制度運用に要する公費負担を最大限に抑制する工夫が必要である。');
    expect(under('実施すべきアクションの例')).toContain('クラウドファンディング等の仕組みを有効活用する。');
    expect(under('検討テーマにおけるイノベーション後の姿')).toContain('制度運用に関する行政責任が果たされている。');
    for (const n of ['0', '10', 'x']) expect((await request(app).get(`/guidebook/mynumber/items/${n}`)).status).toBe(404);
  });
});
