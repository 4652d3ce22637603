import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { portalOn } from '../helpers/portal.js';
import { createEntry, createGenre, createUser } from '../helpers/factories.js';
import { $ } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';
import { adminAgent, commitPreview, exportCsv, previewCsv } from './helpers.js';

/** A catalogue of 82 entries (as many as the demo's) of one vendor under two genres. */
function catalogue() {
  const portal = createTestPortal();
  const bousai = createGenre(portal.db, '防災');
  const hinan = createGenre(portal.db, '避難所運営', bousai);
  const kyoiku = createGenre(portal.db, '教育');
  const vendor = createUser(portal.db, 'vendor');
  const ids = Array.from({ length: 82 }, (_, i) =>
    createEntry(portal.db, vendor, { title: `製品${i}`, summary: `概要${i}\n二行目`, genreIds: i % 2 ? [hinan] : [hinan, kyoiku] }));
  return { ...portal, ids, genres: { bousai, hinan, kyoiku } };
}

const count = (db: ReturnType<typeof catalogue>['db']) => db.prepare('SELECT count(*) FROM entries').pluck().get();
const state = (db: ReturnType<typeof catalogue>['db']) =>
  db.prepare('SELECT id, title, summary, updated_at, version FROM entries ORDER BY id').all();

/** The CSV as Excel would hand it back after an edit: rows as arrays, written again with CRLF and a BOM. */
function edit(csv: string, change: (rows: string[][]) => void): string {
  const rows = parse(csv, { bom: true });
  change(rows);
  return `\uFEFF${stringify(rows, { record_delimiter: 'windows' })}`;
}

describe('CSV export → edit → import updates, never doubles (issue 15.9)', () => {
  it('re-importing an unchanged export › the preview says 0 new, 0 updated, 82 unchanged, offers no commit; nothing changes', async () => {
    const portal = catalogue();
    const { agent } = await adminAgent(portal);
    const before = state(portal.db);
    const preview = await previewCsv(agent, await exportCsv(agent));
    expect(preview.status).toBe(200);
    const lead = $(preview.text)('[data-preview-create-count]');
    expect([lead.attr('data-preview-create-count'), lead.attr('data-preview-update-count')]).toEqual(['0', '0']);
    expect(lead.text()).toContain('変更なし 82件');
    expect($(preview.text)('form[action="/admin/import/commit"]')).toHaveLength(0);
    expect(state(portal.db)).toEqual(before);
  });

  it('edited in a spreadsheet › the preview lists exactly the changed rows with what changes; the commit updates them and creates none', async () => {
    const portal = catalogue();
    const { agent } = await adminAgent(portal);
    const [first, second] = portal.ids as [number, number];
    const csv = edit(await exportCsv(agent), (rows) => {
      const header = rows[0]!;
      const col = (name: string) => header.indexOf(name);
      const row = (id: number) => rows.find((r) => r[0] === String(id))!;
      row(first)[col('title')] = '製品0（改訂版）';
      row(second)[col('genres')] = '教育';
      rows.push(['', '製品・サービス情報', '新製品', '新しい概要', '', '教育', row(first)[col('owner_org')]!, '会社', '', '担当', '03-1111-1111', 'new@example.jp', '']);
    });

    const preview = await previewCsv(agent, csv);
    expect(preview.status).toBe(200);
    const doc = $(preview.text);
    expect(doc('[data-preview-create-count]').attr('data-preview-create-count')).toBe('1');
    expect(doc('[data-update-entry-id]').map((_, el) => Number(doc(el).attr('data-update-entry-id'))).get()).toEqual([first, second]);
    expect(doc(`[data-update-entry-id="${first}"] .diff-list`).text()).toContain('製品0 → 製品0（改訂版）');
    expect(doc(`[data-update-entry-id="${second}"] .diff-list`).text()).toContain('防災/避難所運営 → 教育');
    expect(count(portal.db)).toBe(82); // a preview changes nothing

    const done = await commitPreview(agent, preview);
    expect(done.status).toBe(200);
    const result = $(done.text)('[data-imported-count]');
    expect([result.attr('data-imported-count'), result.attr('data-updated-count')]).toEqual(['1', '2']);
    expect(count(portal.db)).toBe(83);
    expect(portal.db.prepare('SELECT title FROM entries WHERE id = ?').pluck().get(first)).toBe('製品0（改訂版）');
    expect(portal.db.prepare('SELECT genre_id FROM entry_genres WHERE entry_id = ?').pluck().all(second)).toEqual([portal.genres.kyoiku]);
    // The search follows: the new title is found, the moved entry left 避難所運営.
    expect($((await agent.get('/search/results?q=%E6%94%B9%E8%A8%82%E7%89%88')).text)('[data-entry-id]').attr('data-entry-id')).toBe(String(first));
    const inHinan = $((await agent.get(`/search/results?genre=${portal.genres.hinan}`)).text)('[data-hit-count]').attr('data-hit-count');
    expect(inHinan).toBe('81');

    // The same file again is now all unchanged but the row without id, which would be created again.
    const again = $((await previewCsv(agent, csv)).text)('[data-preview-create-count]');
    expect([again.attr('data-preview-create-count'), again.attr('data-preview-update-count')]).toEqual(['1', '0']);
  });

  it('an unknown or deleted id, or one id on two rows › row errors, nothing changes', async () => {
    const portal = catalogue();
    const { agent } = await adminAgent(portal);
    portal.db.prepare('UPDATE entries SET deleted_at = ? WHERE id = ?').run('2026-01-01T00:00:00Z', portal.ids[5]);
    const csv = edit(await exportCsv(agent), (rows) => {
      rows[1]![0] = '999999';
      rows.push([...rows[2]!]);
      rows.push([String(portal.ids[5]), ...rows[3]!.slice(1)]);
    });
    const res = await previewCsv(agent, csv);
    expect(res.status).toBe(400);
    const errors = $(res.text)('.error-summary li').map((_, li) => $(res.text)(li).text()).get();
    expect(errors).toEqual([
      '2行目：id 999999 の登録情報がありません（削除済みか、存在しません）',
      '83行目：id 2 がほかの行にもあります',
      `84行目：id ${portal.ids[5]} の登録情報がありません（削除済みか、存在しません）`,
    ]);
    expect(portal.db.prepare('SELECT count(*) FROM csv_imports').pluck().get()).toBe(0);
  });

  it('an entry its owner edited after the export › that row is refused, not overwritten with the older text', async () => {
    const portal = catalogue();
    const { agent } = await adminAgent(portal);
    const id = portal.ids[3]!;
    const csv = edit(await exportCsv(agent), (rows) => { rows.find((r) => r[0] === String(id))![2] = '事務局が直したタイトル'; });
    portal.db.prepare('UPDATE entries SET title = ?, updated_at = ? WHERE id = ?').run('会員が直したタイトル', '2026-11-30T00:00:00.000Z', id);
    const res = await previewCsv(agent, csv);
    expect(res.status).toBe(400);
    expect($(res.text)('.error-summary li').text()).toBe(`5行目：id ${id} はCSVを書き出したあとに更新されています。最新のCSVを書き出してから直してください`);
    expect(portal.db.prepare('SELECT title FROM entries WHERE id = ?').pluck().get(id)).toBe('会員が直したタイトル');
  });

  it('a preview never committed › changes nothing, and the hourly sweep removes its upload; a late commit is refused', async () => {
    const portal = catalogue();
    const { agent } = await adminAgent(portal);
    const before = state(portal.db);
    const preview = await previewCsv(agent, edit(await exportCsv(agent), (rows) => { rows[1]![2] = '変えたタイトル'; }));
    expect(portal.db.prepare('SELECT count(*) FROM csv_imports').pluck().get()).toBe(1);

    portal.clock.advance(61 * 60_000);
    const { jobs } = portalOn(portal.db, { clock: portal.clock, uploadDir: portal.uploadDir });
    expect(jobs.sweep.run().previews).toBe(1);
    expect(portal.db.prepare('SELECT count(*) FROM csv_imports').pluck().get()).toBe(0);

    const late = await commitPreview(agent, preview);
    expect(late.status).toBe(400);
    expect(late.text).toContain('確認画面の有効期限（1時間）が切れたか');
    expect(state(portal.db)).toEqual(before);
  });

  it('a commit is used once › a second POST of the same key changes nothing more', async () => {
    const portal = catalogue();
    const { agent } = await adminAgent(portal);
    const preview = await previewCsv(agent, edit(await exportCsv(agent), (rows) => {
      rows.push(['', ...rows[1]!.slice(1, -1), '']);
    }));
    expect((await commitPreview(agent, preview)).status).toBe(200);
    expect((await commitPreview(agent, preview)).status).toBe(400);
    expect(count(portal.db)).toBe(83);
  });
});
