import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import { migrate } from '../../src/db/migrate.js';
import { latinPdf } from '../../src/demo/demo-pdf.js';
import { migrationsDir } from '../../src/paths.js';
import { browserAvailable, launchBrowser } from '../helpers/browser.js';
import { hiddenFields, openForm, postEntryForm } from '../helpers/entry-form.js';
import { attachPdf, createEntry, createGenre, createUser, PASSWORD, passwordHashOf } from '../helpers/factories.js';
import { $, hitCount, listedIds, loggedInAgent } from '../helpers/http.js';
import { corruptPdf, encryptedPdf, japanesePdf } from '../helpers/pdf.js';
import { createTestPortal, portalOn, tempDir } from '../helpers/portal.js';

const BROCHURE = [
  'ヒナンナビは、避難所の混雑状況を地図でお知らせするサービスです。',
  '開発：髙橋システム株式会社',
  'ＡＢＣ防災パックに対応しています。',
];

/** The ids on a results page, and which of them are marked as found through their PDF. */
async function results(app: Parameters<typeof request>[0], query: string) {
  const res = await request(app).get(`/search/results?${query}`);
  expect(res.status).toBe(200);
  const doc = $(res.text);
  return {
    ids: listedIds(res.text),
    total: hitCount(res.text) ?? 0,
    viaPdf: doc('[data-entry-id][data-match="attachment"]').map((_, el) => Number(doc(el).attr('data-entry-id'))).get(),
    passage: (id: number) => doc(`[data-entry-id="${id}"] .entry-row__passage`),
  };
}

const q = (text: string, extra = '') => `q=${encodeURIComponent(text)}${extra}`;

describe.skipIf(!browserAvailable)('search inside the PDF (issue 20.3, http-contract.md "Keyword search quality")', () => {
  let browser: Browser;
  let brochure: Buffer;
  beforeAll(async () => {
    browser = await launchBrowser();
    brochure = await japanesePdf(browser, BROCHURE);
  }, 60_000);
  afterAll(async () => browser?.close());

  it('words inside a real Japanese PDF find its entry in any kana, width or variant kanji; the row says so and quotes the PDF', async () => {
    const { db, uploadDir } = createTestPortal();
    const { app, jobs } = portalOn(db, { uploadDir });
    const genre = createGenre(db, '防災');
    const vendor = createUser(db, 'vendor');
    const inPdf = createEntry(db, vendor, { title: 'まちの情報サービス', summary: '暮らしの手続きを案内します。', genreIds: [genre] });
    attachPdf(db, uploadDir, inPdf, 'ヒナンナビ_カタログ.pdf', brochure);
    const inTitle = createEntry(db, vendor, { title: 'ヒナンナビ連携キット', summary: '連携用の部品です。', genreIds: [genre] });
    createEntry(db, vendor, { title: '窓口予約', summary: '来庁予約の仕組みです。', genreIds: [genre] });

    // Not read yet: only the title is found.
    expect((await results(app, q('ひなんなび'))).ids).toEqual([inTitle]);
    expect(await jobs.attachmentTexts.run()).toBe(1);

    for (const written of ['ひなんなび', 'ヒナンナビ', 'ﾋﾅﾝﾅﾋﾞ']) {
      const found = await results(app, q(written));
      expect(found.ids.sort()).toEqual([inPdf, inTitle].sort());
      expect(found.viaPdf).toEqual([inPdf]);
      // The passage is what the PDF says, the word marked as the PDF writes it.
      expect(found.passage(inPdf).find('mark').first().text()).toBe('ヒナンナビ');
      expect(found.passage(inPdf).text()).toContain('避難所の混雑状況');
      expect(found.passage(inTitle).length).toBe(0);
    }
    // 髙 in the PDF, 高 in the query; full-width ＡＢＣ in the PDF, half-width in the query.
    expect((await results(app, q('高橋システム'))).viaPdf).toEqual([inPdf]);
    expect((await results(app, q('abc防災'))).viaPdf).toEqual([inPdf]);
    // One word in the summary, one only in the PDF: found, and marked (the summary alone would not be).
    const mixed = await results(app, q('暮らし 混雑'));
    expect(mixed.ids).toEqual([inPdf]);
    expect(mixed.viaPdf).toEqual([inPdf]);
    expect(mixed.passage(inPdf).find('mark').text()).toBe('混雑');
    // A word of the title: found, not marked.
    expect((await results(app, q('情報サービス'))).viaPdf).toEqual([]);
    // The genre's count beside it on the form agrees with the hits: the counts stay exact.
    const form = $((await request(app).get(`/search?${q('ひなんなび')}`)).text);
    expect(form(`label[for="genre-${genre}"]`).attr('data-count')).toBe('2');

    // The owner is told its PDF is searched.
    const owner = await loggedInAgent(app, vendor.loginId, PASSWORD);
    const page = $((await owner.get(`/my/entries/${inPdf}`)).text);
    expect(page('[data-attachment-text]').attr('data-attachment-text')).toBe('extracted');
    expect(page('[data-attachment-text]').text()).toContain('キーワード検索の対象です');
    // Read once: nothing left for the next run.
    expect(await jobs.attachmentTexts.run()).toBe(0);
  });

  it('a corrupt, an encrypted and a too-slow PDF are saved without text and reported to their owner; the PDF after them is still read', async () => {
    const { db, uploadDir } = createTestPortal();
    // Everything of the long PDF is read (no character cap), so it takes far longer than the time cap.
    const { app, jobs } = portalOn(db, { uploadDir, pdfText: { timeoutMs: 1_500, maxChars: 50_000_000 } });
    const vendor = createUser(db, 'vendor');
    const city = await loggedInAgent(app, createUser(db, 'municipality').loginId, PASSWORD);
    const longPdf = latinPdf(Array.from({ length: 4000 }, (_, page) => Array.from({ length: 40 }, (_, line) => `page ${page} line ${line} shelter guidance`)));
    const cases = [
      { name: '壊れた資料', bytes: corruptPdf(), failure: 'unreadable', reason: 'PDFとして読み取れない形式でした' },
      { name: '鍵付きの資料', bytes: encryptedPdf(brochure), failure: 'encrypted', reason: 'パスワードで保護されています' },
      { name: '長い資料', bytes: longPdf, failure: 'timeout', reason: '読み取りに時間がかかりすぎました' },
    ].map((c) => {
      const id = createEntry(db, vendor, { title: c.name });
      attachPdf(db, uploadDir, id, `${c.name}.pdf`, c.bytes);
      return { ...c, id };
    });
    const good = createEntry(db, vendor, { title: '普通の資料' });
    attachPdf(db, uploadDir, good, '普通の資料.pdf', brochure);

    expect(await jobs.attachmentTexts.run()).toBe(4);
    const owner = await loggedInAgent(app, vendor.loginId, PASSWORD);
    for (const c of cases) {
      const state = db.prepare('SELECT t.state, t.failure FROM attachment_texts t JOIN attachments a ON a.id = t.attachment_id WHERE a.entry_id = ?').get(c.id);
      expect(state).toEqual({ state: 'failed', failure: c.failure });
      // Saved and published as it is: listed, and its PDF downloads unchanged.
      expect((await results(app, q(c.name))).ids).toEqual([c.id]);
      const download = await city.get(`/entries/${c.id}/attachment`).buffer(true).parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
      expect(download.status).toBe(200);
      expect(Buffer.compare(download.body as Buffer, c.bytes)).toBe(0);
      const notice = $((await owner.get(`/my/entries/${c.id}`)).text)('[data-attachment-text="failed"]');
      expect(notice.text()).toContain('資料の文字を読み取れませんでした');
      expect(notice.text()).toContain(c.reason);
    }
    // The reader that was stopped for the slow one came back for the next.
    expect((await results(app, q('ひなんなび'))).viaPdf).toEqual([good]);
    expect((await results(app, q('shelter guidance'))).ids).toEqual([]);
  });

  it('a PDF that needs more memory than the cap is saved without text, reported as too large', async () => {
    const { db, uploadDir } = createTestPortal();
    const { app, jobs } = portalOn(db, { uploadDir, pdfText: { maxHeapMb: 128, maxChars: 50_000_000, timeoutMs: 120_000 } });
    const vendor = createUser(db, 'vendor');
    const id = createEntry(db, vendor, { title: '大きな資料' });
    attachPdf(db, uploadDir, id, '大きな資料.pdf', latinPdf(Array.from({ length: 4000 }, (_, page) => Array.from({ length: 40 }, (_, line) => `page ${page} line ${line} shelter guidance`))));
    expect(await jobs.attachmentTexts.run()).toBe(1);
    expect(db.prepare('SELECT state, failure FROM attachment_texts').get()).toEqual({ state: 'failed', failure: 'too_large' });
    const owner = await loggedInAgent(app, vendor.loginId, PASSWORD);
    expect($((await owner.get(`/my/entries/${id}`)).text)('[data-attachment-text="failed"]').text()).toContain('大きすぎて読み取れませんでした');
  });

  it('the server answers searches while a long PDF is being read', async () => {
    const { db, uploadDir } = createTestPortal();
    const { app, jobs } = portalOn(db, { uploadDir, pdfText: { maxChars: 50_000_000 } });
    const vendor = createUser(db, 'vendor');
    const id = createEntry(db, vendor, { title: '長い報告書' });
    attachPdf(db, uploadDir, id, '報告書.pdf', latinPdf(Array.from({ length: 3000 }, (_, page) => [`page ${page} evacuation drill report`])));
    let finished = false;
    const reading = jobs.attachmentTexts.run().then((count) => {
      finished = true;
      return count;
    });
    const answered: number[] = [];
    while (!finished && answered.length < 5) answered.push((await request(app).get(`/search/results?${q('長い報告書')}`)).status);
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.every((status) => status === 200)).toBe(true);
    expect(finished).toBe(false); // every one of those answers came while the PDF was being read
    expect(await reading).toBe(1);
    expect((await results(app, q('evacuation drill'))).viaPdf).toEqual([id]);
  });

  it('through the entry form: saved at once and read in the background; a replaced or removed PDF leaves the search at once', async () => {
    const { db, uploadDir } = createTestPortal();
    const { app, jobs } = portalOn(db, { uploadDir });
    const genre = createGenre(db, '防災');
    const vendor = createUser(db, 'vendor');
    const agent = await loggedInAgent(app, vendor.loginId, PASSWORD);
    const base = {
      type: '1', title: '地域の案内', summary: 'まちの案内です。', genre: [String(genre)], contact_company: 'c', contact_name: 'n',
      contact_phone: '0', contact_email: 'a@example.jp', agree_terms: '1',
    };
    const submit = async (formPath: string, extra: Record<string, string>, file?: { bytes: Buffer; name: string }) => {
      const form = await openForm(agent, formPath);
      const confirm = await postEntryForm(agent, form.action, { ...base, ...extra, ...form.hidden }, file);
      const saveAction = form.action.replace(/\/confirm$/, '');
      const saved = await agent.post(saveAction).type('form').send(hiddenFields(confirm.text, saveAction));
      expect(saved.text).toContain('登録しました。');
    };
    await submit('/my/entries/new', {}, { bytes: brochure, name: 'カタログ.pdf' });
    const id = db.prepare('SELECT id FROM entries').pluck().get() as number;
    expect($((await agent.get(`/my/entries/${id}`)).text)('[data-attachment-text]').attr('data-attachment-text')).toBe('pending');
    await jobs.attachmentTexts.run();
    expect((await results(app, q('避難所'))).viaPdf).toEqual([id]);

    const second = await japanesePdf(browser, ['デマンド交通の予約システムです。']);
    await submit(`/my/entries/${id}/edit`, {}, { bytes: second, name: '第二版.pdf' });
    expect((await results(app, q('避難所'))).ids).toEqual([]); // the old text went with the old PDF
    await jobs.attachmentTexts.run();
    expect((await results(app, q('デマンド交通'))).viaPdf).toEqual([id]);

    await submit(`/my/entries/${id}/edit`, { remove_attachment: '1' });
    expect((await results(app, q('デマンド交通'))).ids).toEqual([]);
    expect(db.prepare('SELECT count(*) FROM attachment_search').pluck().get()).toBe(0);
  });

  it('sort=relevance: title matches above summary matches above PDF matches, whatever was updated last', async () => {
    const { db, uploadDir } = createTestPortal();
    const { app, jobs } = portalOn(db, { uploadDir });
    const vendor = createUser(db, 'vendor');
    const inTitle = createEntry(db, vendor, { title: '避難所の案内', summary: '案内です。', updatedAt: '2026-01-01T00:00:00.000Z' });
    const inSummary = createEntry(db, vendor, { title: '地域の案内', summary: '避難所を探せます。', updatedAt: '2026-02-01T00:00:00.000Z' });
    const inPdf = createEntry(db, vendor, { title: '暮らしの案内', summary: '手続きです。', updatedAt: '2026-03-01T00:00:00.000Z' });
    attachPdf(db, uploadDir, inPdf, 'カタログ.pdf', brochure);
    await jobs.attachmentTexts.run();
    expect((await results(app, q('避難所', '&sort=relevance'))).ids).toEqual([inTitle, inSummary, inPdf]);
    expect((await results(app, q('避難所'))).ids).toEqual([inPdf, inSummary, inTitle]);
  });

  it('the PDFs saved before the upgrade are read once after it', async () => {
    const dir = tempDir('before-0023-');
    const older = path.join(dir, 'migrations');
    fs.mkdirSync(older);
    for (const file of fs.readdirSync(migrationsDir).filter((f) => f < '0023')) fs.copyFileSync(path.join(migrationsDir, file), path.join(older, file));
    const uploadDir = tempDir('uploads-');
    const db = openDatabase(path.join(dir, 'portal.db'));
    migrate(db, older);
    // Written as that version wrote it: today's repositories read and write columns later migrations add.
    const at = '2026-01-01T00:00:00.000Z';
    const organisationId = Number(db.prepare(`INSERT INTO organisations (name, kind, created_at, updated_at) VALUES ('以前からの会社', 'vendor', ?, ?)`).run(at, at).lastInsertRowid);
    const vendor = {
      organisationId,
      id: Number(db.prepare(`INSERT INTO users (organisation_id, login_id, password_hash, name, department, phone, email, active, created_at, updated_at)
        VALUES (?, 'before-0023', ?, '以前からの担当', '', '', '', 1, ?, ?)`).run(organisationId, passwordHashOf(), at, at).lastInsertRowid),
    };
    const id = Number(db.prepare(`
      INSERT INTO entries (type_id, title, summary, contact_company, contact_name, contact_phone, contact_email, organisation_id, user_id, created_at, updated_at)
      VALUES (1, '以前からの製品', '以前から掲載している製品です。', 'テスト株式会社', '担当 太郎', '03-0000-0000', 'contact@example.jp', ?, ?, ?, ?)`)
      .run(vendor.organisationId, vendor.id, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z').lastInsertRowid);
    db.prepare('INSERT INTO entry_search (rowid, title, summary, details) VALUES (?, ?, ?, ?)').run(id, 'いぜんからのせいひん', 'いぜんからけいさいしているせいひんです。', '');
    attachPdf(db, uploadDir, id, 'カタログ.pdf', brochure);

    migrate(db, migrationsDir);
    expect(db.prepare('SELECT state FROM attachment_texts').pluck().all()).toEqual(['pending']);
    const { app, jobs } = portalOn(db, { uploadDir });
    expect(await jobs.attachmentTexts.run()).toBe(1);
    expect((await results(app, q('ヒナンナビ'))).viaPdf).toEqual([id]);
    expect(await jobs.attachmentTexts.run()).toBe(0);
  });
});
