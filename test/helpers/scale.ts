import type { Db } from '../../src/db/connection.js';
import { accountsRepository } from '../../src/features/accounts/accounts.repository.js';
import { genresRepository } from '../../src/features/genres/genres.repository.js';
import { prefectures } from '../../src/features/peers/regions.js';
import { createEntry, createUser, passwordHashOf, TYPE } from './factories.js';

/** What the secretariat's screens face in production (issue 16): the counts the at-scale tests use. */
export const SCALE = { organisations: 1_800, accounts: 5_000, genres: 250, waiting: 400 } as const;

/** Real municipality names among the generated ones, so a search has something a person would type. */
export const KNOWN_CITIES = ['三鷹市', '横浜市', '札幌市', '那覇市', '松江市'] as const;

export type ScaleData = {
  /** One account of each kind to log in with (password PASSWORD). */
  admin: { id: number; loginId: string; organisationId: number };
  vendor: { id: number; loginId: string; organisationId: number };
  cityIds: Record<(typeof KNOWN_CITIES)[number], number>;
  /** How many accounts are inactive (every 17th). */
  inactive: number;
};

/**
 * Fills a test database to the secretariat's real scale: 1,800 organisations (1,700 municipalities
 * named by prefecture, 99 vendors and the secretariat), 5,000 accounts across them (every 17th
 * inactive), 250 genres in three levels and 400 entries waiting for review. Rows go in through the
 * repositories' own inserts in one transaction (about a second).
 */
export function fillToScale(db: Db): ScaleData {
  const accounts = accountsRepository(db);
  const genres = genresRepository(db);
  const at = '2026-11-01T00:00:00.000Z';
  const hash = passwordHashOf();
  return db.transaction(() => {
    const organisations: number[] = [];
    const cityIds = {} as ScaleData['cityIds'];
    for (const name of KNOWN_CITIES) organisations.push((cityIds[name] = accounts.createOrganisation(name, 'municipality', at)));
    for (let i = organisations.length; i < 1_700; i++) {
      const prefecture = prefectures[i % prefectures.length]!.name;
      organisations.push(accounts.createOrganisation(`${prefecture}第${Math.floor(i / prefectures.length) + 1}町`, 'municipality', at));
    }
    const vendors: number[] = [];
    for (let i = 1; i <= 99; i++) vendors.push(accounts.createOrganisation(`ベンダー${i}株式会社`, 'vendor', at));
    const secretariat = accounts.createOrganisation('ＡＰＰＬＩＣ事務局（規模試験）', 'secretariat', at);
    const all = [...organisations, ...vendors];
    let inactive = 0;
    // The secretariat and one vendor account come first; the rest spread over all organisations.
    for (let i = 0; i < SCALE.accounts - 2; i++) {
      const active = i % 17 !== 16;
      if (!active) inactive++;
      accounts.createUser({
        organisationId: all[i % all.length]!, loginId: `scale-user${String(i + 1).padStart(4, '0')}`, passwordHash: hash,
        name: `職員${i + 1}`, department: i % 3 === 0 ? '情報政策課' : '総務課', phone: '', email: `user${i + 1}@scale.example.jp`, active, now: at,
      });
    }
    const admin = createUser(db, 'secretariat', { organisationId: secretariat, loginId: 'scale-admin', name: '事務局 太郎' });
    const vendor = createUser(db, 'vendor', { organisationId: vendors[0]!, loginId: 'scale-vendor', name: '営業 花子' });
    // 12 × 4 × 4 + 12 × 4 + 12 = 252, less two leaves: 250.
    const leaves: number[] = [];
    for (let a = 1; a <= 12; a++) {
      const top = genres.insertGenre(null, `分野${a}`, a, at);
      for (let b = 1; b <= 4; b++) {
        const mid = genres.insertGenre(top, `分野${a}-${b}`, b, at);
        for (let c = 1; c <= (a === 12 && b === 4 ? 2 : 4); c++) leaves.push(genres.insertGenre(mid, `分野${a}-${b}-${c}`, c, at));
      }
    }
    for (let i = 0; i < SCALE.waiting; i++) {
      createEntry(db, vendor, {
        title: `規模試験の製品${i + 1}`, typeId: TYPE.product, genreIds: [leaves[i % leaves.length]!],
        updatedAt: new Date(Date.parse(at) + i * 60_000).toISOString(),
      });
    }
    return { admin, vendor, cityIds, inactive };
  })();
}
