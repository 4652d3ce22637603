import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { $ } from '../helpers/http.js';
import { adminAgent, commitPreview, portalWithTaxonomy, previewCsv } from './helpers.js';

describe('the import the secretariat can trust (issue 16.5)', () => {
  it('/admin/import › a Japanese guide to every column and a sample file', async () => {
    const portal = portalWithTaxonomy();
    const { agent } = await adminAgent(portal);
    const page = $((await agent.get('/admin/import')).text);
    expect(page('[data-guide-column]').map((_, tr) => page(tr).attr('data-guide-column')).get()).toEqual([
      'id', 'type', 'title', 'summary', 'url', 'genres', 'owner_org', 'contact_company', 'contact_department', 'contact_name',
      'contact_phone', 'contact_email', 'updated_at',
    ]);
    expect(page('[data-guide-column="genres"]').text()).toContain('防災/避難所運営;教育');
    expect(page('a[href="/admin/import/sample.csv"]').text()).toContain('見本のCSVファイル');
  });

  it('the sample file › UTF-8 with BOM, the export’s header, and example rows that preview and import as they are', async () => {
    const portal = portalWithTaxonomy();
    const { agent } = await adminAgent(portal);
    const res = await agent.get('/admin/import/sample.csv').buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain('import-sample.csv');
    const bytes = res.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(bytes.toString('utf8'), { bom: true });
    expect(rows[0]![0]).toBe('id');
    expect(rows).toHaveLength(3);
    expect(rows[1]![6]).toBe('株式会社みらい');
    const preview = await previewCsv(agent, bytes.toString('utf8'));
    expect(preview.status).toBe(200);
    expect($(preview.text)('[data-preview-create-count]').attr('data-preview-create-count')).toBe('2');
    const done = await commitPreview(agent, preview);
    expect($(done.text)('[data-imported-count]').attr('data-imported-count')).toBe('2');
    expect(portal.db.prepare(`SELECT count(*) FROM entries WHERE title LIKE '（例%'`).pluck().get()).toBe(2);
  });

  it('a file with mistakes › each listed by row, Excel cell and column; nothing kept', async () => {
    const portal = portalWithTaxonomy();
    const { agent } = await adminAgent(portal);
    const header = 'id,type,title,summary,url,genres,owner_org,contact_company,contact_department,contact_name,contact_phone,contact_email,updated_at';
    const good = ',製品・サービス情報,良い行,概要,https://example.jp/,防災/避難所運営,株式会社みらい,みらい,,佐藤,03-0000-0000,a@example.jp,';
    const twoBad = ',製品・サービス情報,,概要,ftp://example.jp/,防災/避難所運営,株式会社みらい,みらい,,佐藤,03-0000-0000,a@example.jp,';
    const badEmail = ',製品・サービス情報,良い行,概要,,教育,株式会社みらい,みらい,,佐藤,03-0000-0000,not-an-address,';
    const res = await previewCsv(agent, [header, good, twoBad, good, badEmail].join('\r\n'));
    expect(res.status).toBe(400);
    const doc = $(res.text);
    expect(doc('.error-summary li').map((_, li) => doc(li).text()).get()).toEqual([
      '3行目：title（タイトル）が空です、url は http:// または https:// で始まる必要があります',
      '5行目：contact_email の形式が正しくありません',
    ]);
    const cells = doc('#import-problems tbody tr').toArray().map((tr) => doc(tr).find('td').toArray().map((td) => doc(td).text()));
    expect(cells).toEqual([
      ['3行目', 'C3', 'title（タイトル）', 'title（タイトル）が空です'],
      ['3行目', 'E3', 'url（URL）', 'url は http:// または https:// で始まる必要があります'],
      ['5行目', 'L5', 'contact_email（連絡先のメールアドレス）', 'contact_email の形式が正しくありません'],
    ]);
    // Without the id column, the letters follow the file's own columns.
    const res2 = await previewCsv(agent, [header.slice(3), badEmail.slice(1)].join('\r\n'));
    expect($(res2.text)('#import-problems tbody tr td').eq(1).text()).toBe('K2');
    expect(portal.db.prepare('SELECT count(*) FROM entries').pluck().get()).toBe(0);
    expect(portal.db.prepare('SELECT count(*) FROM csv_imports').pluck().get()).toBe(0);
  });
});
