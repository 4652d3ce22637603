import { describe, expect, it } from 'vitest';
import request from 'supertest';
import type { Express } from 'express';
import type { Db } from '../../src/db/connection.js';
import { searchText } from '../../src/features/entries/entries.repository.js';
import { myEntriesRepository } from '../../src/features/my-entries/my-entries.repository.js';
import { normalizeForSearch } from '../../src/text.js';
import { createEntry, createGenre, createUser, deleteEntry, suspendEntry, TYPE } from '../helpers/factories.js';
import { $ } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

const WORDS = ['防災', '避難所', 'ＡＩ', 'ai', '窓口', 'オンライン申請', '観光', 'ドローン', '見守り', 'データ'];

/** A 3-level tree (4 × 3 × 2), 400 entries with 1–3 genres (often two in one subtree), some deleted or suspended. */
function generated(db: Db, random: () => number) {
  const genreIds: number[] = [];
  for (let a = 0; a < 4; a++) {
    const top = createGenre(db, `分野${a}`);
    genreIds.push(top);
    for (let b = 0; b < 3; b++) {
      const mid = createGenre(db, `分野${a}-${b}`, top);
      genreIds.push(mid);
      for (let c = 0; c < 2; c++) genreIds.push(createGenre(db, `分野${a}-${b}-${c}`, mid));
    }
  }
  const vendor = createUser(db, 'vendor');
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  const entryIds: number[] = [];
  for (let i = 0; i < 400; i++) {
    const first = pick(genreIds);
    // Half the time a second genre in the same subtree (a sibling or the parent), so an entry with
    // two genres in one subtree must count once.
    const second = random() < 0.5 ? genreIds[Math.max(0, genreIds.indexOf(first) - 1)]! : pick(genreIds);
    const genres = [first, ...(random() < 0.7 ? [second] : []), ...(random() < 0.2 ? [pick(genreIds)] : [])];
    entryIds.push(createEntry(db, vendor, {
      title: `${pick(WORDS)}の${pick(WORDS)}サービス${i}`, summary: `${pick(WORDS)}に役立ちます。`,
      typeId: pick([TYPE.product, TYPE.case, TYPE.person]), genreIds: genres,
    }));
  }
  for (const id of entryIds) {
    const r = random();
    if (r < 0.05) deleteEntry(db, id);
    else if (r < 0.1) suspendEntry(db, id);
  }
  return { genreIds, entryIds, vendor, pick };
}

type Conditions = { genre: number[]; type: number[]; q: string };

/** What the counts must be, computed from the database by brute force, with none of the index's code. */
function bruteForce(db: Db, conditions: Conditions) {
  const parents = new Map((db.prepare('SELECT id, parent_id FROM genres').raw().all() as [number, number | null][]));
  const within = (genre: number, ancestor: number) => {
    for (let g: number | null | undefined = genre; g !== null && g !== undefined; g = parents.get(g)) if (g === ancestor) return true;
    return false;
  };
  const entries = (db.prepare(`SELECT id, type_id, title, summary FROM entries WHERE deleted_at IS NULL AND suspended_at IS NULL`).raw().all() as [number, number, string, string][])
    .map(([id, typeId, title, summary]) => ({
      id, typeId, text: normalizeForSearch(`${title}\n${summary}`),
      genres: db.prepare('SELECT genre_id FROM entry_genres WHERE entry_id = ?').pluck().all(id) as number[],
    }));
  const terms = normalizeForSearch(conditions.q).split(/\s+/).filter((t) => t !== '');
  const keyword = (e: (typeof entries)[number]) => terms.every((t) => e.text.includes(t));
  const inGenres = (e: (typeof entries)[number], ids: number[]) => ids.length === 0 || e.genres.some((g) => ids.some((a) => within(g, a)));
  const ofTypes = (e: (typeof entries)[number], ids: number[]) => ids.length === 0 || ids.includes(e.typeId);
  const genres = new Map([...parents.keys()].map((g) => [g, entries.filter((e) => keyword(e) && ofTypes(e, conditions.type) && inGenres(e, [g])).length]));
  const types = new Map([TYPE.product, TYPE.case, TYPE.person].map((t) => [t, entries.filter((e) => keyword(e) && inGenres(e, conditions.genre) && e.typeId === t).length]));
  const hits = entries.filter((e) => keyword(e) && inGenres(e, conditions.genre) && ofTypes(e, conditions.type)).length;
  return { genres, types, hits };
}

/** The counts a page shows: label[data-count] for each genre and type checkbox of the given form. */
function shownCounts(html: string, prefix = '') {
  const doc = $(html);
  const read = (kind: string) => new Map(doc(`label[for^="${prefix}${kind}-"][data-count]`).map((_, el) => [[Number(doc(el).attr('for')!.slice(`${prefix}${kind}-`.length)), Number(doc(el).attr('data-count'))]]).get() as [number, number][]);
  return { genres: read('genre'), types: read('type') };
}

const query = (c: Conditions) => new URLSearchParams([...c.genre.map((g) => ['genre', String(g)]), ...c.type.map((t) => ['type', String(t)]), ...(c.q ? [['q', c.q]] : [])]).toString();

async function expectExact(app: Express, db: Db, conditions: Conditions, label: string) {
  const expected = bruteForce(db, conditions);
  const form = shownCounts((await request(app).get(`/search?${query(conditions)}`)).text);
  const results = await request(app).get(`/search/results?${query(conditions)}`);
  const refine = shownCounts(results.text, 'refine-');
  expect(form, `${label}: form`).toEqual({ genres: expected.genres, types: expected.types });
  expect(refine, `${label}: refine panel`).toEqual({ genres: expected.genres, types: expected.types });
  expect(Number($(results.text)('[data-hit-count]').attr('data-hit-count')), `${label}: hits`).toBe(expected.hits);
}

describe('counts beside every genre and type', () => {
  it('equal a brute-force count for every genre and type under 24 random condition sets, on the form and the refine panel', async () => {
    const { app, db } = createTestPortal();
    const random = rng(20261126);
    const { genreIds, pick } = generated(db, random);
    const sets: Conditions[] = [{ genre: [], type: [], q: '' }];
    while (sets.length < 24) {
      sets.push({
        genre: [...new Set(Array.from({ length: Math.floor(random() * 4) }, () => pick(genreIds)))],
        type: [...new Set(Array.from({ length: Math.floor(random() * 3) }, () => pick([TYPE.product, TYPE.case, TYPE.person])))],
        q: random() < 0.4 ? [pick(WORDS), ...(random() < 0.3 ? [pick(WORDS)] : [])].join(' ') : '',
      });
    }
    for (const [i, conditions] of sets.entries()) await expectExact(app, db, conditions, `set ${i} ${JSON.stringify(conditions)}`);
  }, 60_000);

  it('stay exact after a registration, an edit, a deletion, a suspension and genre changes', async () => {
    const { app, db } = createTestPortal();
    const random = rng(7);
    const { genreIds, entryIds, vendor } = generated(db, random);
    const [top, mid] = [genreIds[0]!, genreIds[1]!];
    const sets: Conditions[] = [
      { genre: [], type: [], q: '' },
      { genre: [top], type: [TYPE.case], q: '' },
      { genre: [genreIds[9]!, mid], type: [], q: '防災' },
      { genre: [], type: [TYPE.product, TYPE.person], q: 'サービス' },
      // A one-character term is scanned, not looked up: the index keeps its matches too.
      { genre: [], type: [], q: '災' },
      { genre: [], type: [TYPE.case], q: '見守り 災' },
    ];
    const check = async (label: string) => { for (const c of sets) await expectExact(app, db, c, `${label} ${JSON.stringify(c)}`); };
    await check('before');
    const published = entryIds.filter((id) => db.prepare('SELECT deleted_at IS NULL AND suspended_at IS NULL FROM entries WHERE id = ?').pluck().get(id) === 1);

    createEntry(db, vendor, { title: '防災の新製品', typeId: TYPE.case, genreIds: [genreIds[2]!, genreIds[3]!] });
    // Eight leaves across all four top genres: more subtrees (16) than the index keeps inline per entry.
    createEntry(db, vendor, { title: '防災と見守りの総合サービス', typeId: TYPE.case, genreIds: genreIds.filter((_, i) => i % 10 === 9 || i % 10 === 2) });
    await check('after a registration');
    // An edit as the registrant's save makes it: fields, genres and the keyword index in one go.
    const contact = { contact_company: 'テスト株式会社', contact_department: '営業部', contact_name: '担当 太郎', contact_phone: '03-0000-0000', contact_email: 'contact@example.jp' };
    const values = { type: TYPE.case, title: '防災を変えたサービス', summary: '見守りにも。', url: '', genre: [genreIds[10]!], related: [], ...contact };
    const versionOf = (id: number) => db.prepare('SELECT version FROM entries WHERE id = ?').pluck().get(id) as number;
    expect(myEntriesRepository(db).updateOwn({
      id: published[0]!, organisationId: vendor.organisationId, version: versionOf(published[0]!), values, at: new Date().toISOString(), ip: '127.0.0.1',
      search: searchText({ title: values.title, summary: values.summary, contactCompany: '', contactDepartment: '', contactName: '', contactPhone: '', contactEmail: '',
        registrantCompany: '', registrantDepartment: '', registrantName: '', registrantPhone: '', registrantEmail: '' }),
    })).toBe(true);
    await check('after an edit');
    // Edited again, the keywords it had a moment ago gone: the index kept each term's matches since
    // the first search, and must drop this entry from them.
    const plain = { ...values, title: '窓口のサービス', summary: 'オンライン申請に。' };
    expect(myEntriesRepository(db).updateOwn({
      id: published[0]!, organisationId: vendor.organisationId, version: versionOf(published[0]!), values: plain, at: new Date().toISOString(), ip: '127.0.0.1',
      search: searchText({ title: plain.title, summary: plain.summary, contactCompany: '', contactDepartment: '', contactName: '', contactPhone: '', contactEmail: '',
        registrantCompany: '', registrantDepartment: '', registrantName: '', registrantPhone: '', registrantEmail: '' }),
    })).toBe(true);
    await check('after an edit that removed the keywords');
    deleteEntry(db, published[1]!);
    await check('after a deletion');
    suspendEntry(db, published[2]!);
    await check('after a suspension');
    db.prepare('UPDATE entries SET suspended_at = NULL, suspended_reason = NULL WHERE id = ?').run(published[2]);
    await check('after the suspension is lifted');
    // A mid genre moved under another top genre: both top genres' subtrees change.
    db.prepare('UPDATE genres SET parent_id = ? WHERE id = ?').run(genreIds[10], mid);
    await check('after a genre moved');
    const added = createGenre(db, '新しいジャンル', top);
    createEntry(db, vendor, { title: '新ジャンルの製品', genreIds: [added] });
    sets.push({ genre: [added], type: [], q: '' });
    await check('after a genre was added');
  }, 60_000);

  it('zero-count genres are muted but still selectable', async () => {
    const { app, db } = createTestPortal();
    const empty = createGenre(db, '空のジャンル');
    const full = createGenre(db, '防災');
    createEntry(db, createUser(db, 'vendor'), { genreIds: [full] });
    const doc = $((await request(app).get('/search')).text);
    expect(doc(`label[for="genre-${empty}"]`).attr('data-count')).toBe('0');
    expect(doc(`label[for="genre-${empty}"]`).hasClass('count--zero')).toBe(true);
    expect(doc(`#genre-${empty}`).attr('disabled')).toBeUndefined();
    expect(doc(`label[for="genre-${full}"]`).hasClass('count--zero')).toBe(false);
    expect(doc(`label[for="genre-${full}"]`).text()).toBe('防災');
    expect(doc(`#genre-${full}`).attr('aria-describedby')).toBe(`genre-${full}-count`);
    expect(doc(`#genre-${full}-count`).text()).toBe('（1件）');
  });
});
