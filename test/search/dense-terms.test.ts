import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.js';
import { entriesRepository } from '../../src/features/entries/entries.repository.js';
import { createBitset, setBit } from '../../src/features/search/bitset.js';
import { SearchIndex, type SearchConditions } from '../../src/features/search/search.index.js';
import { searchRepository } from '../../src/features/search/search.repository.js';
import { keepSearchWarm } from '../../src/features/search/search.warmer.js';
import { createEntry, createUser, deleteEntry, suspendEntry } from '../helpers/factories.js';
import { createTestPortal } from '../helpers/portal.js';

/** A seeded generator, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

// Few words, so that many are common: small thresholds stand for the defaults' 2 % of 100,000.
const WORDS = ['防災', '支援', '自治体', '窓口', '住民', '導入', '避難所', 'システム', '電子申請', '子育て', '交通', '観光'];
const DENSE = { share: 0.05, minMatches: 40, sample: 300 };

function seed(db: Db, count: number, random: () => number) {
  const vendor = createUser(db, 'vendor');
  const text = () => Array.from({ length: 2 + Math.floor(random() * 4) }, () => WORDS[Math.floor(random() * WORDS.length)]).join('と');
  const ids = Array.from({ length: count }, () => createEntry(db, vendor, { title: text(), summary: `${text()}を進めます。` }));
  return { vendor, ids, text };
}

/** An entry's title and summary changed as the CSV import changes them (its keyword indexes with them). */
function rewrite(db: Db, id: number, organisationId: number, title: string, summary: string) {
  const typeId = db.prepare('SELECT type_id FROM entries WHERE id = ?').pluck().get(id) as number;
  entriesRepository(db).updateContent(id, {
    typeId, title, summary, url: null, contactCompany: 'テスト株式会社', contactDepartment: '', contactName: '担当', contactPhone: '03-0000-0000',
    contactEmail: 'c@example.jp', organisationId, genreIds: [], operatorIp: '127.0.0.1', updatedAt: new Date().toISOString(),
  });
}

/** Every two- and three-character run of the words: the terms the dense set is made of, and others. */
const queries = [...new Set(WORDS.flatMap((w) => {
  const chars = [...w];
  return [...chars.keys()].flatMap((i) => [chars.slice(i, i + 2).join(''), chars.slice(i, i + 3).join('')]).filter((t) => [...t].length >= 2);
}))];

function answers(index: SearchIndex) {
  return queries.map((term) => {
    const conditions: SearchConditions = { genreIds: [], typeIds: [], terms: [term] };
    const page = index.search(conditions, 1, 30);
    return { term, count: index.count(conditions), ids: page.entryIds };
  });
}

function warmed(index: SearchIndex, file: string): Promise<void> {
  const alive = setInterval(() => undefined, 1000);
  return new Promise((resolve) => {
    const stop = keepSearchWarm(index, file, pino({ level: 'silent' }), () => {
      stop();
      clearInterval(alive);
      resolve();
    });
  });
}

describe('SearchIndex › common keyword terms kept as bitsets (issue 19, a keyword at a million entries)', () => {
  it('read by a worker thread from the database file, they answer exactly as SQLite does, and stay exact across writes', async () => {
    const random = rng(20261203);
    const { db, dbPath } = createTestPortal();
    const { vendor, ids, text } = seed(db, 600, random);
    const repository = searchRepository(db);
    const warm = new SearchIndex(repository, DENSE);
    await warmed(warm, dbPath);
    const { denseTerms } = warm.stats();
    expect(denseTerms).toBeGreaterThan(10);
    // Each search asks a fresh index (nothing cached) what SQLite says.
    const fresh = () => answers(new SearchIndex(repository, DENSE));
    expect(answers(warm)).toEqual(fresh());

    // Writes after the read: new entries, edited texts, suspended and deleted ones.
    for (let i = 0; i < 40; i++) ids.push(createEntry(db, vendor, { title: text(), summary: '新しい登録です。' }));
    for (const id of ids.slice(0, 60)) {
      rewrite(db, id, vendor.organisationId, random() < 0.5 ? '別の題名の製品' : text(), '内容を改めました。');
    }
    for (const id of ids.slice(60, 80)) suspendEntry(db, id);
    for (const id of ids.slice(80, 100)) deleteEntry(db, id);
    expect(answers(warm)).toEqual(fresh());
    // The answers above came from the term cache, which follows writes on its own: without it, the bitsets answer.
    (warm as unknown as { termMasks: Map<string, unknown> }).termMasks.clear();
    expect(answers(warm)).toEqual(fresh());
    expect(warm.stats().denseTerms).toBe(denseTerms);
  });

  it('a term read before writes the index has applied since is patched at installation; one for an earlier build is dropped', () => {
    const random = rng(7);
    const { db } = createTestPortal();
    const { vendor, ids } = seed(db, 200, random);
    const repository = searchRepository(db);
    const index = new SearchIndex(repository, DENSE);
    index.stats();
    const term = '防災';
    const capacity = (index as unknown as { capacity: number }).capacity;
    // Read as the worker would: the feed's head and the matches of one moment.
    const head = repository.lastChange();
    const bits = createBitset(capacity);
    for (const id of repository.containing('entry', term)) setBit(bits, id);
    // Then one entry gains the term and one holding it loses it; the index applies both.
    const gained = createEntry(db, vendor, { title: '防災の新しい製品', summary: '防災' });
    const holder = ids.find((id) => repository.text(id).includes(term))!;
    rewrite(db, holder, vendor.organisationId, '題名', '内容');
    const conditions = { genreIds: [], typeIds: [], terms: [term] };
    const expected = new SearchIndex(repository, DENSE).count(conditions);
    expect(index.count(conditions)).toBe(expected);
    const builds = (index as unknown as { builds: number }).builds;
    expect(index.installDenseTerm(builds - 1, term, bits.slice(), head)).toBe(false);
    expect(index.installDenseTerm(builds, term, bits, head)).toBe(true);
    // The term's match was cached from SQLite by the count above: forgotten, the bitset answers.
    (index as unknown as { termMasks: Map<string, unknown> }).termMasks.clear();
    expect(index.count(conditions)).toBe(expected);
    expect(index.search(conditions, 1, 30).entryIds).toContain(gained);
    expect(index.search(conditions, 1, 200).entryIds).not.toContain(holder);
  });

  it('too few entries for any term to be common: nothing is planned, nothing read', async () => {
    const { db, dbPath } = createTestPortal();
    seed(db, 30, rng(1));
    const index = new SearchIndex(searchRepository(db));
    await warmed(index, dbPath);
    expect(index.stats().denseTerms).toBe(0);
  });
});
