import { describe, expect, it } from 'vitest';
import { toCsv, type CsvRow } from '../../src/features/admin/admin-csv.js';
import { createEntry, createUser } from '../helpers/factories.js';
import { $ } from '../helpers/http.js';
import { adminAgent, commitPreview, portalWithTaxonomy, previewCsv } from './helpers.js';

const row = (i: number, over: Partial<CsvRow> = {}): CsvRow => ({
  type: '製品・サービス情報', title: `製品${i}, "特別版"`, summary: `概要${i}\n二行目`, url: 'https://example.com/', genres: '防災/避難所運営;教育',
  owner_org: '株式会社みらい', contact_company: 'みらい', contact_department: '営業部', contact_name: '佐藤', contact_phone: '03-0000-0000',
  contact_email: 'sato@example.jp', updated_at: `2026-0${1 + (i % 9)}-15T09:00:00.000Z`, ...over,
});

/** Preview, then commit; a file with errors answers with them at the preview. */
async function importCsv(agent: Awaited<ReturnType<typeof adminAgent>>['agent'], csv: string, createOrgs = false) {
  const preview = await previewCsv(agent, csv, createOrgs);
  return preview.status === 200 && $(preview.text)('form[action="/admin/import/commit"]').length > 0 ? commitPreview(agent, preview) : preview;
}

describe('CSV import and export', () => {
  it('1,000 good rows › all imported in one go, data-imported-count="1000", findable in the search', async () => {
    const portal = portalWithTaxonomy();
    const { agent } = await adminAgent(portal);
    const res = await importCsv(agent, toCsv(Array.from({ length: 1000 }, (_, i) => row(i))));
    expect(res.status).toBe(200);
    expect($(res.text)('[data-imported-count]').attr('data-imported-count')).toBe('1000');
    expect(portal.db.prepare('SELECT count(*) FROM entries').pluck().get()).toBe(1000);
    expect(portal.db.prepare(`SELECT title, summary FROM entries WHERE title = '製品7, "特別版"'`).get()).toEqual({ title: '製品7, "特別版"', summary: '概要7\n二行目' });
    const hits = $((await agent.get('/search/results?q=%E7%89%B9%E5%88%A5%E7%89%88')).text)('[data-hit-count]').attr('data-hit-count');
    expect(hits).toBe('1000');
  });

  it('one bad row in the middle › nothing imported; that row’s number and reason are shown', async () => {
    const portal = portalWithTaxonomy();
    const { agent } = await adminAgent(portal);
    const rows = Array.from({ length: 1000 }, (_, i) => row(i));
    rows[499] = row(499, { contact_email: 'not-an-address' });
    rows[700] = row(700, { genres: '防災/存在しない' });
    const res = await importCsv(agent, toCsv(rows));
    expect(res.status).toBe(400);
    const errors = $(res.text)('.error-summary li').map((_, li) => $(res.text)(li).text()).get();
    expect(errors).toEqual(['501行目：contact_email の形式が正しくありません']);
    expect(portal.db.prepare('SELECT count(*) FROM entries').pluck().get()).toBe(0);
    // With the e-mail fixed, the unknown genre is reported next, still all-or-nothing.
    rows[499] = row(499);
    const second = await importCsv(agent, toCsv(rows));
    expect($(second.text)('.error-summary li').text()).toBe('702行目：ジャンル「防災/存在しない」がありません');
    expect(portal.db.prepare('SELECT count(*) FROM entries').pluck().get()).toBe(0);
  });

  it('an unknown owner organisation › refused unless the admin ticks creating it', async () => {
    const portal = portalWithTaxonomy();
    const { agent } = await adminAgent(portal);
    const csv = toCsv([row(1, { owner_org: '新しい株式会社' })]);
    expect((await importCsv(agent, csv)).text).toContain('団体「新しい株式会社」がありません');
    const res = await importCsv(agent, csv, true);
    expect($(res.text)('[data-imported-count]').attr('data-imported-count')).toBe('1');
    expect(portal.db.prepare(`SELECT kind FROM organisations WHERE name = '新しい株式会社'`).pluck().get()).toBe('vendor');
  });

  it('a wrong header, an empty file or no file › 400 with a message', async () => {
    const portal = portalWithTaxonomy();
    const { agent } = await adminAgent(portal);
    expect((await importCsv(agent, 'a,b,c\r\n1,2,3\r\n')).text).toContain('1行目（見出し）は');
    expect((await importCsv(agent, '')).status).toBe(400);
  });

  it('export › UTF-8 with BOM and CRLF, quoting commas, quotes and line breaks; export → import → export is unchanged', async () => {
    const portal = portalWithTaxonomy();
    const vendor = createUser(portal.db, 'vendor');
    const genre = portal.db.prepare(`SELECT id FROM genres WHERE name = '避難所運営'`).pluck().get() as number;
    createEntry(portal.db, vendor, { title: 'カンマ, と "引用符"', summary: '一行目\r\n二行目', genreIds: [genre], url: 'https://example.com/a' });
    createEntry(portal.db, vendor, { title: '削除済み', genreIds: [genre] });
    portal.db.prepare(`UPDATE entries SET deleted_at = 'x' WHERE title = '削除済み'`).run();
    const { agent } = await adminAgent(portal);
    const res = await agent.get('/admin/export.csv').buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
    const bytes = res.body as Buffer;
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment;/);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    expect(text.startsWith('id,type,title,summary,url,genres,owner_org,')).toBe(true);
    expect(text).toContain('"カンマ, と ""引用符"""');
    expect(text.split('\r\n').length).toBeGreaterThan(2);
    expect(text).not.toContain('削除済み');

    // Into a second portal with the same tree and organisation, then out again. Its ids mean nothing
    // there, so the id column is left empty (a row without id is a new entry).
    const target = portalWithTaxonomy();
    target.db.prepare(`INSERT INTO organisations (name, kind, created_at, updated_at) VALUES (?, 'vendor', 'x', 'x')`)
      .run(portal.db.prepare('SELECT name FROM organisations WHERE id = ?').pluck().get(vendor.organisationId));
    const other = await adminAgent(target);
    const imported = await importCsv(other.agent, bytes.toString('utf8').replace(/\r\n\d+,/g, '\r\n,'));
    expect($(imported.text)('[data-imported-count]').attr('data-imported-count')).toBe('1');
    const again = await other.agent.get('/admin/export.csv').buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect((again.body as Buffer).toString('utf8')).toBe(bytes.toString('utf8'));
  });
});
