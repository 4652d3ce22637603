import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEntry, createGenre, createUser } from '../helpers/factories.js';
import { $, hitCount, listedIds } from '../helpers/http.js';
import { createTestPortal, type TestPortal } from '../helpers/portal.js';

let portal: TestPortal;
let genre = 0;
let matching: number[] = []; // newest first

beforeAll(() => {
  portal = createTestPortal();
  const { db } = portal;
  genre = createGenre(db, '観光');
  const other = createGenre(db, '福祉');
  const vendor = createUser(db, 'vendor');
  for (let i = 0; i < 61; i++) {
    matching.push(createEntry(db, vendor, { genreIds: [genre] }));
    if (i % 10 === 0) createEntry(db, vendor, { genreIds: [other] });
  }
  matching = matching.reverse();
});

const get = (query: string) => request(portal.app).get(`/search/results?${query}`);

describe('GET /search/results › paging', () => {
  it('61 hits › page 1 has the 30 newest in order, page 2 the next 30, page 3 the last one', async () => {
    const pages = await Promise.all([1, 2, 3].map((p) => get(`genre=${genre}&page=${p}`)));
    expect(listedIds(pages[0]!.text)).toEqual(matching.slice(0, 30));
    expect(listedIds(pages[1]!.text)).toEqual(matching.slice(30, 60));
    expect(listedIds(pages[2]!.text)).toEqual(matching.slice(60));
    for (const page of pages) expect(hitCount(page.text)).toBe(61);
  });

  it('next and previous links keep the conditions', async () => {
    const first = $((await get(`genre=${genre}`)).text);
    expect(first('a[rel="prev"]').length).toBe(0);
    expect(first('a[rel="next"]').attr('href')).toBe(`/search/results?genre=${genre}&page=2`);
    const middle = $((await get(`genre=${genre}&page=2`)).text);
    expect(middle('a[rel="prev"]').attr('href')).toBe(`/search/results?genre=${genre}`);
    expect(middle('a[rel="next"]').attr('href')).toBe(`/search/results?genre=${genre}&page=3`);
    const last = $((await get(`genre=${genre}&page=3`)).text);
    expect(last('a[rel="next"]').length).toBe(0);
    expect(last('.pagination__current').text()).toContain('3');
  });

  it('the chosen conditions are shown and the way back to the form keeps them ticked', async () => {
    const results = $((await get(`genre=${genre}&type=2&q=${encodeURIComponent('観光')}`)).text);
    expect(results('.conditions').text()).toContain('観光');
    expect(results('.conditions').text()).toContain('事例情報');
    const back = results('a:contains("検索条件を変更する")').first().attr('href')!;
    const form = $((await request(portal.app).get(back)).text);
    expect(form(`#genre-${genre}`).attr('checked')).toBeDefined();
    expect(form('#type-2').attr('checked')).toBeDefined();
    expect(form('#q').val()).toBe('観光');
  });

  it('no hits › a helpful message and a way back', async () => {
    const res = await get(`genre=${genre}&q=${encodeURIComponent('存在しない言葉')}`);
    expect(res.status).toBe(200);
    expect(hitCount(res.text)).toBe(0);
    expect(res.text).toContain('条件に合う情報は見つかりませんでした。');
    expect($(res.text)('a:contains("検索条件を変更する")').length).toBeGreaterThan(0);
  });

  it('a page past the last › the last page, saying so (issue 23.6: never 「（9 / 3ページ）」), not an error', async () => {
    const res = await get(`genre=${genre}&page=9`);
    expect(res.status).toBe(200);
    const last = await get(`genre=${genre}&page=3`);
    expect(listedIds(res.text)).toEqual(listedIds(last.text));
    expect(listedIds(res.text).length).toBeGreaterThan(0);
    expect($(res.text)('[data-hit-count]').text()).toContain('（3 / 3ページ');
    expect($(res.text)('[data-page-past-end]').text()).toContain('最後のページ（3ページ）');
    expect($(res.text)('a[rel="prev"]').attr('href')).toBe(`/search/results?genre=${genre}&page=2`);
  });

  it.each([
    ['page=0', 'ページ番号が正しくありません。'],
    ['page=abc', 'ページ番号が正しくありません。'],
    ['page=-1', 'ページ番号が正しくありません。'],
    ['genre=xyz', 'ジャンルの指定が正しくありません。'],
    ['genre=1.5', 'ジャンルの指定が正しくありません。'],
    ['genre=999999', '指定されたジャンルは存在しません。'],
    ['type=0', '情報種別の指定が正しくありません。'],
    ['type=77', '指定された情報種別は存在しません。'],
    ['q=a&q=b', 'キーワードは1つだけ指定してください。'],
    ['q=' + 'あ'.repeat(101), 'キーワードは100文字以内で入力してください。'],
  ])('%.30s › 400 with the form and a Japanese message', async (query, message) => {
    const res = await request(portal.app).get(`/search/results?${encodeURI(query)}`);
    expect(res.status).toBe(400);
    expect($(res.text)('.error-summary').text()).toContain(message);
    expect($(res.text)('form[action="/search/results"]').length).toBe(1);
  });
});
