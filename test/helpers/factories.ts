import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import bcrypt from 'bcrypt';
import type { Db } from '../../src/db/connection.js';
import { accountsRepository } from '../../src/features/accounts/accounts.repository.js';
import type { OrganisationKind } from '../../src/features/accounts/accounts.types.js';
import { BCRYPT_COST } from '../../src/features/accounts/passwords.js';
import { entriesRepository } from '../../src/features/entries/entries.repository.js';
import { genresRepository } from '../../src/features/genres/genres.repository.js';
import { peersRepository, type Issue, type Profile } from '../../src/features/peers/peers.repository.js';

export const PASSWORD = 'correct-horse-battery-staple';

/**
 * The cost of the factory users' bcrypt hash: 4, not the portal's 12. A hash carries its cost, so a
 * login runs the same bcrypt comparison either way, in a 256th of the time: at 12 each login took
 * ~0.25 s of CPU, and the suite's hundreds of logins made it a third slower on CI's two cores.
 * Tests whose subject is the time a login takes (many at once, queueing behind bcrypt) give their
 * users the portal's cost: createUser(db, kind, { portalCost: true }).
 */
const FACTORY_BCRYPT_COST = 4;
const hashes = new Map<number, string>();
/** The bcrypt hash of PASSWORD (computed once per cost): at the factory's cost, or the portal's. */
export function passwordHashOf(portalCost = false): string {
  const cost = portalCost ? BCRYPT_COST : FACTORY_BCRYPT_COST;
  if (!hashes.has(cost)) hashes.set(cost, bcrypt.hashSync(PASSWORD, cost));
  return hashes.get(cost)!;
}

let sequence = 0;

export function createOrganisation(db: Db, kind: OrganisationKind, name = `${kind}-${++sequence}`): number {
  return accountsRepository(db).createOrganisation(name, kind, new Date().toISOString());
}

/** A user (with a new organisation of the kind unless one is given) whose password is PASSWORD. */
export function createUser(
  db: Db,
  kind: OrganisationKind,
  overrides: { loginId?: string; organisationId?: number; active?: boolean; name?: string; department?: string; email?: string; portalCost?: boolean } = {},
): { id: number; loginId: string; organisationId: number } {
  const organisationId = overrides.organisationId ?? createOrganisation(db, kind);
  const loginId = overrides.loginId ?? `user-${++sequence}`;
  const id = accountsRepository(db).createUser({
    organisationId, loginId, passwordHash: passwordHashOf(overrides.portalCost), name: overrides.name ?? `利用者${sequence}`, department: overrides.department ?? '',
    phone: '', email: overrides.email ?? '', active: overrides.active ?? true, now: new Date().toISOString(),
  });
  return { id, loginId, organisationId };
}

export function createGenre(db: Db, name: string, parentId: number | null = null): number {
  return genresRepository(db).insertGenre(parentId, name, 0, new Date().toISOString());
}

export const TYPE = { product: 1, case: 2, person: 3 } as const;

let entryClock = Date.parse('2026-01-01T00:00:00Z');

/**
 * An entry owned by the given user's organisation. Each new entry is one minute newer than the last
 * unless `updatedAt` says otherwise, so creation order is result order (newest first).
 */
export function createEntry(
  db: Db,
  owner: { id: number; organisationId: number },
  fields: { title?: string; summary?: string; typeId?: number; genreIds?: number[]; updatedAt?: string; url?: string } = {},
): number {
  const at = fields.updatedAt ?? new Date((entryClock += 60_000)).toISOString();
  return entriesRepository(db).insertEntry({
    typeId: fields.typeId ?? TYPE.product,
    title: fields.title ?? `テスト製品${++sequence}`,
    summary: fields.summary ?? '自治体の課題を解決するテスト用の製品です。',
    url: fields.url ?? null,
    contactCompany: 'テスト株式会社', contactDepartment: '営業部', contactName: '担当 太郎',
    contactPhone: '03-0000-0000', contactEmail: 'contact@example.jp',
    registrantCompany: 'テスト株式会社', registrantDepartment: '営業部', registrantName: '登録 花子',
    registrantPhone: '03-0000-0001', registrantEmail: 'registrant@example.jp',
    organisationId: owner.organisationId, userId: owner.id,
    genreIds: fields.genreIds ?? [],
    operatorIp: '127.0.0.1', createdAt: at, updatedAt: at,
  });
}

export function suspendEntry(db: Db, entryId: number): void {
  db.prepare(`UPDATE entries SET suspended_at = ?, suspended_reason = '確認のため' WHERE id = ?`).run(new Date().toISOString(), entryId);
}

export function deleteEntry(db: Db, entryId: number): void {
  db.prepare('UPDATE entries SET deleted_at = ? WHERE id = ?').run(new Date().toISOString(), entryId);
}

/** A real (minimal) PDF file in the upload folder, attached to the entry. */
export function attachPdf(
  db: Db, uploadDir: string, entryId: number, originalName = '製品カタログ.pdf',
  bytes: Buffer = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'),
): Buffer {
  const storedName = crypto.randomBytes(16).toString('hex');
  fs.writeFileSync(path.join(uploadDir, storedName), bytes);
  db.prepare(
    `INSERT INTO attachments (entry_id, stored_name, original_name, size, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(entryId, storedName, originalName, bytes.length, crypto.createHash('sha256').update(bytes).digest('hex'), new Date().toISOString());
  return bytes;
}

/**
 * An issue profile as /my/issues would save it: visible, in 東京都 (13), 10万〜30万人, unless told
 * otherwise. Issues are genre ids (検討中, no note) or full issues.
 */
export function createIssueProfile(
  db: Db,
  organisationId: number,
  issues: (number | Issue)[],
  profile: Partial<Profile> = {},
): void {
  peersRepository(db).saveProfile(organisationId, null, new Date().toISOString(), {
    prefecture: 13, populationBand: '100k_300k', visible: true, showLikes: false, contactUserId: null, publishContact: false, ...profile,
  }, issues.map((i) => (typeof i === 'number' ? { genreId: i, status: 'considering', note: '' } : i)));
}

export function like(db: Db, entryId: number, user: { id: number; organisationId: number }): void {
  db.prepare('INSERT INTO likes (entry_id, organisation_id, user_id, created_at) VALUES (?, ?, ?, ?)')
    .run(entryId, user.organisationId, user.id, new Date((entryClock += 60_000)).toISOString());
}
