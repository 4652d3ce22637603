import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEntry, createUser } from '../helpers/factories.js';
import { $, listedIds } from '../helpers/http.js';
import { createTestPortal, type TestPortal } from '../helpers/portal.js';

let portal: TestPortal;
const e = { dx: 0, fullWidth: 0, percent: 0, underscore: 0, quotes: 0, plain: 0 };

beforeAll(() => {
  portal = createTestPortal();
  const { db } = portal;
  const vendor = createUser(db, 'vendor');
  e.dx = createEntry(db, vendor, { title: '自治体DX推進計画の策定支援', summary: '計画づくりを伴走します。' });
  e.fullWidth = createEntry(db, vendor, { title: 'ＡＩ議事録作成', summary: '会議の音声から議事録を作ります。' });
  e.percent = createEntry(db, vendor, { title: '受診率100%を目指す健診', summary: '勧奨はがきを送ります。' });
  e.underscore = createEntry(db, vendor, { title: 'データ連携 API_v2', summary: '基盤と連携します。' });
  e.quotes = createEntry(db, vendor, { title: '"見守り" と \'声かけ\' の仕組み', summary: '高齢者を支えます。' });
  e.plain = createEntry(db, vendor, { title: '避難所受付システム', summary: '名簿をクラウドで管理し、DXを進めます。' });
});

const find = async (q: string) => {
  const res = await request(portal.app).get(`/search/results?q=${encodeURIComponent(q)}`);
  expect(res.status).toBe(200);
  return listedIds(res.text);
};

describe('GET /search/results › keyword', () => {
  it('a 2-character Japanese keyword › matches as a substring', async () => {
    expect(await find('議事')).toEqual([e.fullWidth]);
  });

  it('a 4-character Japanese keyword › matches as a substring in title or summary', async () => {
    expect(await find('推進計画')).toEqual([e.dx]);
    expect(await find('クラウド')).toEqual([e.plain]);
  });

  it('a 1-character keyword › matches too', async () => {
    expect(await find('名')).toEqual([e.plain]);
  });

  it('full-width ↔ half-width › 「ＤＸ」 finds 「DX」 and 「AI」 finds 「ＡＩ」, in either case', async () => {
    expect(await find('ＤＸ')).toEqual([e.plain, e.dx]);
    expect(await find('dx')).toEqual([e.plain, e.dx]);
    expect(await find('AI')).toEqual([e.fullWidth]);
    expect(await find('ＡＩ議事録')).toEqual([e.fullWidth]);
  });

  it('% _ " and \' › are literal characters', async () => {
    expect(await find('%')).toEqual([e.percent]);
    expect(await find('100%')).toEqual([e.percent]);
    expect(await find('_')).toEqual([e.underscore]);
    expect(await find('I_v')).toEqual([e.underscore]);
    expect(await find('"見守り"')).toEqual([e.quotes]);
    expect(await find("'声かけ'")).toEqual([e.quotes]);
    expect(await find('"')).toEqual([e.quotes]);
  });

  it('FTS syntax in a keyword › is text, not a query (and never a 500)', async () => {
    expect(await find('DX OR 議事録')).toEqual([]);
    expect(await find('NEAR(a b)')).toEqual([]);
    expect(await find('*')).toEqual([]);
  });

  it('control characters, NUL included › are spaces, not a broken query', async () => {
    expect(await find('推進\u0000計画')).toEqual([e.dx]);
    expect(await find('\u0000\u0007')).toHaveLength(6);
  });

  it('several words › must all occur', async () => {
    expect(await find('DX 名簿')).toEqual([e.plain]);
    expect(await find('DX　計画')).toEqual([e.dx]);
  });

  it('the matches are marked on the results rows, in titles and summaries, the text still escaped', async () => {
    const vendor = createUser(portal.db, 'vendor');
    const tricky = createEntry(portal.db, vendor, { title: '<b>見守り</b>タグの見守りサービス', summary: '夜間も見守ります。' });
    const res = await request(portal.app).get(`/search/results?q=${encodeURIComponent('見守り')}`);
    const row = $(res.text)(`[data-entry-id="${tricky}"]`);
    expect(row.find('.entry-row__title mark').map((_, m) => $(res.text)(m).text()).get()).toEqual(['見守り', '見守り']);
    expect(row.find('.entry-row__title').text().trim()).toBe('<b>見守り</b>タグの見守りサービス');
    expect(row.find('.entry-row__summary mark').text()).toBe('見守り');
    expect(res.text).not.toContain('<b>');
    // Without a keyword, nothing is marked.
    expect($((await request(portal.app).get('/search/results')).text)('.entry-row mark').length).toBe(0);
  });
});
