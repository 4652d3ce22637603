import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createEntry, createGenre, createUser, deleteEntry, PASSWORD, suspendEntry, TYPE } from '../helpers/factories.js';
import { $, listedIds, loggedInAgent } from '../helpers/http.js';
import { createTestPortal, PUBLIC_URL } from '../helpers/portal.js';

function setup() {
  const portal = createTestPortal();
  const { db } = portal;
  const bousai = createGenre(db, '防災');
  const hinanjo = createGenre(db, '避難所運営', bousai);
  const kanko = createGenre(db, '観光');
  const vendor = createUser(db, 'vendor');
  const ids: number[] = [];
  for (let i = 0; i < 40; i++) ids.push(createEntry(db, vendor, { title: `避難所システム${i}`, genreIds: [hinanjo], typeId: TYPE.product }));
  const tricky = createEntry(db, vendor, {
    title: '名簿, "受付" システム', summary: '1行目、カンマ, と "引用符"\n2行目\r\n3行目', genreIds: [hinanjo, kanko], typeId: TYPE.product,
  });
  createEntry(db, vendor, { title: '観光だけの製品', genreIds: [kanko] });
  const deleted = createEntry(db, vendor, { title: '削除した避難所製品', genreIds: [hinanjo] });
  const suspended = createEntry(db, vendor, { title: '停止した避難所製品', genreIds: [hinanjo] });
  deleteEntry(db, deleted);
  suspendEntry(db, suspended);
  return { ...portal, g: { bousai, hinanjo, kanko }, ids, tricky };
}

describe('GET /search/results.csv', () => {
  it('the whole result set (all pages) in result order, with BOM, CRLF and correct quoting; never deleted or suspended entries', async () => {
    const { app, db, g, tricky } = setup();
    const agent = await loggedInAgent(app, createUser(db, 'municipality').loginId, PASSWORD);
    const conditions = `genre=${g.bousai}&type=${TYPE.product}`;
    const pages = [...listedIds((await agent.get(`/search/results?${conditions}`)).text), ...listedIds((await agent.get(`/search/results?${conditions}&page=2`)).text)];
    expect(pages).toHaveLength(41);

    const res = await agent.get(`/search/results.csv?${conditions}`).buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?search-results-\d{8}\.csv"?$/);
    const bytes = res.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    // Every record ends with CRLF; the only bare LFs are inside quoted fields.
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = parse(text, { bom: true });
    expect(rows[0]).toEqual(['情報種別', 'タイトル', '概要', '会社・団体名', '部署', '担当者', '電話番号', 'メールアドレス', 'ジャンル', '更新日', '詳細ページのURL']);
    const body = rows.slice(1);
    expect(body.map((r) => Number(/\/entries\/(\d+)$/.exec(r[10]!)?.[1]))).toEqual(pages);
    const trickyRow = body.find((r) => r[10]!.endsWith(`/entries/${tricky}`))!;
    expect(trickyRow[1]).toBe('名簿, "受付" システム');
    expect(trickyRow[2]).toBe('1行目、カンマ, と "引用符"\n2行目\r\n3行目');
    expect(trickyRow[8]).toBe('防災 › 避難所運営、観光'); // in the tree's order, as the forms list them
    expect(trickyRow[9]).toMatch(/^\d{4}\/\d{2}\/\d{2}$/);
    expect(trickyRow[10]).toBe(`${PUBLIC_URL}/entries/${tricky}`); // from PUBLIC_URL, as the mails
    expect(text).toContain('"名簿, ""受付"" システム"');
    expect(text).not.toContain('削除した避難所製品');
    expect(text).not.toContain('停止した避難所製品');
    // Only what members see on the detail page: the registrant's own details stay out.
    expect(text).not.toContain('registrant@example.jp');
  });

  it('an entry’s genres follow the tree’s order: reordering the top genres reorders them in the CSV', async () => {
    const { app, db, g, tricky } = setup();
    const agent = await loggedInAgent(app, createUser(db, 'municipality').loginId, PASSWORD);
    const genresOf = async () => (parse((await agent.get(`/search/results.csv?genre=${g.kanko}`)).text, { bom: true }))
      .find((r) => r[10]!.endsWith(`/entries/${tricky}`))![8];
    expect(await genresOf()).toBe('防災 › 避難所運営、観光');
    db.prepare('UPDATE genres SET sort_order = -1 WHERE id = ?').run(g.kanko);
    expect(await genresOf()).toBe('観光、防災 › 避難所運営');
  });

  it('the results page links to it for members; vendors get 403 and visitors log in first', async () => {
    const { app, db, g } = setup();
    const city = await loggedInAgent(app, createUser(db, 'municipality').loginId, PASSWORD);
    expect($((await city.get(`/search/results?genre=${g.kanko}`)).text)(`a[href="/search/results.csv?genre=${g.kanko}"]`).length).toBe(1);
    const admin = await loggedInAgent(app, createUser(db, 'secretariat').loginId, PASSWORD);
    expect((await admin.get('/search/results.csv')).status).toBe(200);
    const vendor = await loggedInAgent(app, createUser(db, 'vendor').loginId, PASSWORD);
    expect((await vendor.get('/search/results.csv')).status).toBe(403);
    expect($((await vendor.get(`/search/results?genre=${g.kanko}`)).text)('a[href^="/search/results.csv"]').length).toBe(0);
    const anonymous = await request(app).get('/search/results.csv?genre=1');
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.location).toBe('/login?next=%2Fsearch%2Fresults.csv%3Fgenre%3D1');
  });

  it('bad conditions › 400 with the form and a Japanese message, no CSV', async () => {
    const { app, db } = setup();
    const city = await loggedInAgent(app, createUser(db, 'municipality').loginId, PASSWORD);
    const res = await city.get('/search/results.csv?genre=abc');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect($(res.text)('.error-summary').text()).toContain('ジャンルの指定が正しくありません。');
  });
});
