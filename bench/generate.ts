import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../src/db/connection.js';
import { migrate } from '../src/db/migrate.js';
import { accountsRepository } from '../src/features/accounts/accounts.repository.js';
import { attachmentTextRepository } from '../src/features/attachment-text/attachment-text.repository.js';
import { displayText } from '../src/features/attachment-text/pdf-text.js';
import { foldForSearch } from '../src/search-fold.js';
import { bigrams } from '../src/text.js';
import { hashPassword } from '../src/features/accounts/passwords.js';
import { entriesRepository } from '../src/features/entries/entries.repository.js';
import { genresRepository } from '../src/features/genres/genres.repository.js';
import { likesRepository } from '../src/features/likes/likes.repository.js';
import { peersRepository } from '../src/features/peers/peers.repository.js';
import { issueStatuses, populationBands } from '../src/features/peers/regions.js';
import { migrationsDir, seedsDir } from '../src/paths.js';
import pino from 'pino';
import type { SessionUser } from '../src/features/accounts/accounts.types.js';
import { usageRecorder } from '../src/features/usage/usage.recorder.js';

/** A deterministic pseudo-random sequence, so every bench run measures the same data. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

// Realistic Japanese text: the demo entries' titles and summaries, varied by place and edition.
const demo = JSON.parse(fs.readFileSync(path.join(seedsDir, 'entries.json'), 'utf8')) as { title: string; summary: string }[];
const places = ['北海道', '東北', '関東', '北陸', '東海', '近畿', '中国', '四国', '九州', '沖縄'];
const extras = ['導入自治体の声を掲載しています。', '無料の試用版があります。', 'LGWAN-ASPとして提供します。', '補助金の活用を支援します。', '職員研修も実施します。'];

// What a brochure's PDF says beyond its entry: none of these words is in a title or summary (the
// bench's "only in the PDF" keyword, お見積り, among them).
const brochureLines = [
  '動作環境：LGWAN接続系のパソコンとブラウザで利用できます。', '価格は利用する職員数に応じて、別途お見積りします。',
  '導入手順書と操作マニュアルを提供します。', '保守サポート窓口は平日９時から１７時まで受け付けます。',
  '帳票の様式は自治体ごとに設定できます。', '庁内サーバへの設置とクラウドでの提供を選べます。',
  '操作研修は導入時に二回、無償で実施します。', '個人情報は国内のデータセンターで管理します。',
];
/** The share of the bench's entries with a PDF whose text has been read (issue 20.3). */
const PDF_SHARE = 0.05;

/** About as many municipalities as Japan has (1,741 cities, towns and villages and 47 prefectures). */
const MUNICIPALITIES = 1_800;

/**
 * Builds the bench database: 12 top-level genres × 4 × 4 (252 genres in 3 levels), `entries` entries
 * from 20 vendors with 1–3 genres each, 1,800 municipalities with issue profiles of 3–15 genres (80 %
 * visible, half of those showing their likes), likes from the municipalities on 30 % of the
 * entries, and the read text of a PDF (about 500 characters) on 5 % of them. Returns the password
 * of every generated user.
 */
export async function generate(file: string, entries: number): Promise<string> {
  const db = openDatabase(file);
  migrate(db, migrationsDir);
  const password = 'bench-password-2026';
  const hash = await hashPassword(password);
  const random = rng(42);
  const accounts = accountsRepository(db);
  const genres = genresRepository(db);
  const repo = entriesRepository(db);
  const likes = likesRepository(db);
  const peers = peersRepository(db);
  const now = Date.parse('2026-11-26T00:00:00Z');

  db.transaction(() => {
    const at = new Date(now).toISOString();
    const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)] as T;
    const leafIds: number[] = [];
    for (let a = 1; a <= 12; a++) {
      const top = genres.insertGenre(null, `分野${a}`, a, at);
      for (let b = 1; b <= 4; b++) {
        const mid = genres.insertGenre(top, `分野${a}-${b}`, b, at);
        leafIds.push(mid);
        for (let c = 1; c <= 4; c++) leafIds.push(genres.insertGenre(mid, `分野${a}-${b}-${c}`, c, at));
      }
    }
    const vendors = Array.from({ length: 20 }, (_, i) => {
      const organisationId = accounts.createOrganisation(`ベンダー${i + 1}株式会社`, 'vendor', at);
      const userId = accounts.createUser({ organisationId, loginId: `bench-vendor${i + 1}`, passwordHash: hash, name: `担当${i + 1}`, department: '営業部', phone: '03-0000-0000', email: `v${i + 1}@bench.example`, active: true, now: at });
      return { organisationId, userId };
    });
    const municipalities = Array.from({ length: MUNICIPALITIES }, (_, i) => {
      const organisationId = accounts.createOrganisation(`ベンチ市${i + 1}`, 'municipality', at);
      const userId = accounts.createUser({ organisationId, loginId: `bench-city${i + 1}`, passwordHash: hash, name: `職員${i + 1}`, department: '情報政策課', phone: '', email: '', active: true, now: at });
      return { organisationId, userId };
    });
    accounts.createUser({ organisationId: accounts.createOrganisation('ベンチ事務局', 'secretariat', at), loginId: 'bench-admin', passwordHash: hash, name: '事務局', department: '', phone: '', email: '', active: true, now: at });

    for (let i = 0; i < entries; i++) {
      const owner = pick(vendors);
      const updated = new Date(now - Math.floor(random() * 5 * 365 * 86_400_000)).toISOString();
      const base = pick(demo);
      const title = `${base.title.slice(0, 80)}（${pick(places)}版 第${(i % 9) + 1}版）`;
      const summary = `${base.summary}${pick(extras)}${pick(places)}地域での実績があります。`;
      const id = repo.insertEntry({
        typeId: 1 + Math.floor(random() * 3), title, summary, url: null,
        contactCompany: 'ベンダー', contactDepartment: '営業部', contactName: '担当', contactPhone: '03-0000-0000', contactEmail: 'c@bench.example',
        registrantCompany: 'ベンダー', registrantDepartment: '営業部', registrantName: '担当', registrantPhone: '03-0000-0000', registrantEmail: 'r@bench.example',
        organisationId: owner.organisationId, userId: owner.userId,
        genreIds: Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(leafIds)),
        operatorIp: '127.0.0.1', createdAt: updated, updatedAt: updated,
      });
      if (random() < 0.3) {
        const m = pick(municipalities);
        likes.addLike(id, m.organisationId, m.userId, updated);
      }
    }
    const allGenreIds = [...new Set([...leafIds, ...(db.prepare('SELECT id FROM genres').pluck().all() as number[])])];
    // After the entries, so the entries (and every earlier bench figure) stay the same.
    for (const m of municipalities) {
      const issues = new Map<number, { genreId: number; status: (typeof issueStatuses)[number]; note: string }>();
      const count = 3 + Math.floor(random() * 13);
      // Mostly leaves and middle genres, sometimes a top genre, as officers would tick them.
      while (issues.size < count) {
        const genreId = random() < 0.9 ? pick(leafIds) : pick(allGenreIds);
        issues.set(genreId, { genreId, status: pick([...issueStatuses]), note: random() < 0.5 ? `${pick(places)}の事例を参考に検討中` : '' });
      }
      const visible = random() < 0.8;
      peers.saveProfile(m.organisationId, m.userId, at, {
        prefecture: 1 + Math.floor(random() * 47), populationBand: pick([...populationBands]), visible,
        showLikes: visible && random() < 0.5, contactUserId: m.userId, publishContact: random() < 0.5,
      }, [...issues.values()]);
    }
  })();
  // Last, from their own random sequence, so everything above stays as in earlier benches. Stored as
  // the background job stores what it read (attachment-text.repository.ts): text, folded text, pairs.
  const pdfRandom = rng(2020);
  const texts = attachmentTextRepository(db);
  const addAttachment = db.prepare<[number, string, string]>(
    `INSERT INTO attachments (entry_id, stored_name, original_name, size, sha256, created_at) VALUES (?, ?, 'カタログ.pdf', 100000, '${'0'.repeat(64)}', ?)`,
  );
  const attachmentOf = db.prepare<[number], number>('SELECT id FROM attachments WHERE entry_id = ?').pluck();
  db.transaction(() => {
    const at = new Date(now).toISOString();
    for (let id = 1; id <= entries; id++) {
      if (pdfRandom() >= PDF_SHARE) continue;
      addAttachment.run(id, `bench-${id}`, at);
      const lines = Array.from({ length: 12 }, () => brochureLines[Math.floor(pdfRandom() * brochureLines.length)]!);
      const text = displayText(`${demo[Math.floor(pdfRandom() * demo.length)]!.summary}\n${lines.join('\n')}`);
      const folded = foldForSearch(text);
      texts.recordText({ attachmentId: attachmentOf.get(id)!, entryId: id, storedName: `bench-${id}` }, { text, folded, pairs: bigrams(folded), pages: 2, truncated: false }, at);
    }
  })();
  db.pragma('optimize');
  db.close();
  return password;
}

/**
 * A year of usage for issue 22's bar (/admin/insights within 200 ms): `searchesPerMonth` searches a
 * month for twelve months up to today (the bench server's clock is the real one), 1–3 genres each
 * (one in five chooses none), a keyword in three of ten, one in ten finding nothing; 85 % by
 * municipalities. Beside them, per month, 50,000 detail views, 10,000 downloads, 3,000 likes, 500
 * inquiries and 200 registrations. Its own random sequence, after everything else.
 */
export function generateUsage(file: string, searchesPerMonth: number): { searches: number; events: number } {
  const db = openDatabase(file);
  const random = rng(2022);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const genreIds = db.prepare('SELECT id FROM genres').pluck().all() as number[];
  const municipalities = db.prepare(`SELECT id FROM organisations WHERE kind = 'municipality'`).pluck().all() as number[];
  const vendors = db.prepare(`SELECT id FROM organisations WHERE kind = 'vendor'`).pluck().all() as number[];
  const maxEntry = db.prepare('SELECT max(id) FROM entries').pluck().get() as number;
  const words = ['防災', '子育て支援', '電子申請', 'デマンド交通', '観光案内', 'ドローン', '見守り', '健康管理', 'ＧＩＳ', '議会中継', '窓口予約', 'キャッシュレス'];
  // Written through the portal's own recorder (raw rows and daily totals alike), at a moment it is told.
  let moment = new Date();
  const recorder = usageRecorder({ db, clock: { now: () => moment }, logger: pino({ level: 'silent' }) });
  const now = Date.now();
  const YEAR_MS = 365 * 86_400_000;
  const at = () => (moment = new Date(now - Math.floor(random() * YEAR_MS)));
  const who = (): SessionUser | undefined => {
    const r = random();
    const [organisationKind, organisationId] = r < 0.85 ? ['municipality', pick(municipalities)] as const : r < 0.9 ? ['vendor', pick(vendors)] as const
      : r < 0.95 ? [undefined, 0] as const : ['secretariat', 0] as const;
    return organisationKind && ({ organisationKind, organisationId } as SessionUser);
  };
  const searches = searchesPerMonth * 12;
  let events = 0;
  for (let i = 0; i < searches; i++) {
    at();
    const genre = random() < 0.2 ? [] : [...new Set(Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(genreIds)))];
    recorder.search(who(), { genre, type: [], q: random() < 0.3 ? pick(words) : '' }, random() < 0.1 ? 0 : 1 + Math.floor(random() * 500));
  }
  for (const [kind, perMonth] of [['view', 50_000], ['download', 10_000], ['like', 3_000], ['inquiry', 500], ['registration', 200]] as const) {
    for (let i = 0; i < perMonth * 12; i++) {
      at();
      recorder.event(kind, kind === 'registration' ? ({ organisationKind: 'vendor', organisationId: pick(vendors) } as SessionUser) : who(), 1 + Math.floor(random() * maxEntry));
      events++;
    }
  }
  recorder.close();
  db.pragma('optimize');
  db.close();
  return { searches, events };
}
