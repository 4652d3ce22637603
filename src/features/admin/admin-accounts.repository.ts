import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/connection.js';
import type { OrganisationKind } from '../accounts/accounts.types.js';

export type OrganisationRow = { id: number; name: string; kind: OrganisationKind; ipRanges: string[]; userCount: number; version: number };
export type UserRow = {
  id: number; loginId: string; organisationId: number; organisationName: string; name: string;
  department: string; phone: string; email: string; active: boolean; version: number;
};

/** An account in a list: its row and when it last logged in (null: never). */
export type UserListRow = UserRow & { lastLoginAt: string | null; organisationKind: OrganisationKind };

export const organisationSorts = ['name', 'kind', 'newest'] as const;
export type OrganisationSort = (typeof organisationSorts)[number];
export const userSorts = ['login_id', 'organisation', 'newest', 'last_login'] as const;
export type UserSort = (typeof userSorts)[number];

export type OrganisationSearch = { q: string; kind: OrganisationKind | ''; sort: OrganisationSort; limit: number; offset: number };
export type UserSearch = {
  q: string; kind: OrganisationKind | ''; state: 'active' | 'inactive' | 'never' | ''; organisationId: number | null;
  sort: UserSort; limit: number; offset: number;
};

const ORGANISATION_ORDER: Record<OrganisationSort, string> = {
  name: 'o.name, o.id',
  kind: 'o.kind, o.name, o.id',
  newest: 'o.id DESC',
};
const USER_ORDER: Record<UserSort, string> = {
  login_id: 'u.login_id',
  organisation: 'o.name, u.login_id',
  newest: 'u.id DESC',
  // Never logged in last; ties by login ID so the order is stable from page to page.
  last_login: 'lastLoginAt IS NULL, lastLoginAt DESC, u.login_id',
};

// Text search is a substring match on what the secretariat knows an account or organisation by.
const ORGANISATION_FILTER = `(@kind = '' OR o.kind = @kind) AND (@q = '' OR instr(lower(o.name), @q) > 0)`;
const USER_FILTER = `(@kind = '' OR o.kind = @kind) AND (@organisationId IS NULL OR u.organisation_id = @organisationId)
  AND (@state = '' OR (@state = 'never' AND NOT EXISTS (SELECT 1 FROM login_events l WHERE l.login_id = u.login_id AND l.reason = 'ok'))
       OR (@state IN ('active', 'inactive') AND u.active = (@state = 'active')))
  AND (@q = '' OR instr(lower(u.login_id), @q) > 0 OR instr(lower(u.name), @q) > 0 OR instr(lower(o.name), @q) > 0
       OR instr(lower(u.email), @q) > 0 OR instr(lower(u.department), @q) > 0)`;

type OrganisationSqlRow = Omit<OrganisationRow, 'ipRanges'> & { ipRanges: string | null };
type UserSqlRow = Omit<UserRow, 'active'> & { active: number };
type UserListSqlRow = Omit<UserListRow, 'active'> & { active: number };

const organisationSql = `
  SELECT o.id, o.name, o.kind, o.version, (SELECT json_group_array(cidr) FROM organisation_ip_ranges r WHERE r.organisation_id = o.id) AS ipRanges,
         (SELECT count(*) FROM users u WHERE u.organisation_id = o.id) AS userCount
    FROM organisations o`;

const userColumns = `u.id, u.login_id AS loginId, u.organisation_id AS organisationId, o.name AS organisationName, u.name,
         u.department, u.phone, u.email, u.active, u.version`;
const userSql = `SELECT ${userColumns} FROM users u JOIN organisations o ON o.id = u.organisation_id`;
const userListSql = `
  SELECT ${userColumns}, o.kind AS organisationKind,
         (SELECT max(l.at) FROM login_events l WHERE l.login_id = u.login_id AND l.reason = 'ok') AS lastLoginAt
    FROM users u JOIN organisations o ON o.id = u.organisation_id`;

/** Organisations and accounts as the secretariat manages them (管理者側機能). */
export function adminAccountsRepository(db: Db) {
  const statements = {
    organisations: db.prepare<[], OrganisationSqlRow>(`${organisationSql} ORDER BY o.kind, o.name`),
    organisation: db.prepare<[number], OrganisationSqlRow>(`${organisationSql} WHERE o.id = ?`),
    organisationOptions: db.prepare<[], { id: number; name: string }>('SELECT id, name FROM organisations ORDER BY name, id'),
    organisationCount: db.prepare<[Record<string, unknown>], number>(`SELECT count(*) FROM organisations o WHERE ${ORGANISATION_FILTER}`).pluck(),
    organisationPages: Object.fromEntries(Object.entries(ORGANISATION_ORDER).map(([sort, order]) => [sort,
      db.prepare<[Record<string, unknown>], OrganisationSqlRow>(`${organisationSql} WHERE ${ORGANISATION_FILTER} ORDER BY ${order} LIMIT @limit OFFSET @offset`)])) as
      Record<OrganisationSort, Statement<[Record<string, unknown>], OrganisationSqlRow>>,
    userCount: db.prepare<[Record<string, unknown>], number>(`SELECT count(*) FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE ${USER_FILTER}`).pluck(),
    userPages: Object.fromEntries(Object.entries(USER_ORDER).map(([sort, order]) => [sort,
      db.prepare<[Record<string, unknown>], UserListSqlRow>(`${userListSql} WHERE ${USER_FILTER} ORDER BY ${order} LIMIT @limit OFFSET @offset`)])) as
      Record<UserSort, Statement<[Record<string, unknown>], UserListSqlRow>>,
    nameTaken: db.prepare<[string, number], number>('SELECT id FROM organisations WHERE name = ? AND id <> ?').pluck(),
    insertOrganisation: db.prepare('INSERT INTO organisations (name, kind, created_at, updated_at) VALUES (?, ?, ?, ?)'),
    updateOrganisation: db.prepare('UPDATE organisations SET name = ?, kind = ?, updated_at = ? WHERE id = ? AND version = ?'),
    clearRanges: db.prepare('DELETE FROM organisation_ip_ranges WHERE organisation_id = ?'),
    insertRange: db.prepare('INSERT OR IGNORE INTO organisation_ip_ranges (organisation_id, cidr) VALUES (?, ?)'),
    user: db.prepare<[number], UserSqlRow>(`${userSql} WHERE u.id = ?`),
    loginIdTaken: db.prepare<[string, number], number>('SELECT id FROM users WHERE login_id = ? AND id <> ?').pluck(),
    insertUser: db.prepare(`
      INSERT INTO users (organisation_id, login_id, password_hash, name, department, phone, email, active, created_at, updated_at)
      VALUES (@organisationId, @loginId, @passwordHash, @name, @department, @phone, @email, @active, @at, @at)`),
    updateUser: db.prepare(`
      UPDATE users SET organisation_id = @organisationId, login_id = @loginId, name = @name, department = @department,
             phone = @phone, email = @email, active = @active, updated_at = @at WHERE id = @id AND version = @version`),
  };

  const organisationRow = (row: OrganisationSqlRow): OrganisationRow => ({
    ...row, ipRanges: JSON.parse(row.ipRanges ?? '[]') as string[],
  });
  const userRow = (row: UserSqlRow): UserRow => ({ ...row, active: row.active === 1 });

  return {
    listOrganisations(): OrganisationRow[] {
      return statements.organisations.all().map(organisationRow);
    },
    findOrganisation(id: number): OrganisationRow | undefined {
      const row = statements.organisation.get(id);
      return row && organisationRow(row);
    },
    organisationNameTaken(name: string, exceptId = 0): boolean {
      return statements.nameTaken.get(name, exceptId) !== undefined;
    },
    createOrganisation(org: { name: string; kind: OrganisationKind; ipRanges: string[] }, at: string): number {
      const id = Number(statements.insertOrganisation.run(org.name, org.kind, at, at).lastInsertRowid);
      for (const range of org.ipRanges) statements.insertRange.run(id, range);
      return id;
    },
    /** False when the organisation has moved past `version` since its form was read: nothing is changed then. */
    updateOrganisation(org: { id: number; version: number; name: string; kind: OrganisationKind; ipRanges: string[] }, at: string): boolean {
      if (statements.updateOrganisation.run(org.name, org.kind, at, org.id, org.version).changes === 0) return false;
      statements.clearRanges.run(org.id);
      for (const range of org.ipRanges) statements.insertRange.run(org.id, range);
      return true;
    },
    /** Id and name of every organisation, by name: the options of the account form's 所属団体. */
    organisationOptions(): { id: number; name: string }[] {
      return statements.organisationOptions.all();
    },
    /** One page of the organisations matching `search` (q already lower-cased), and how many match. */
    searchOrganisations(search: OrganisationSearch): { total: number; items: OrganisationRow[] } {
      return {
        total: statements.organisationCount.get(search)!,
        items: statements.organisationPages[search.sort].all(search).map(organisationRow),
      };
    },
    /** One page of the accounts matching `search` (q already lower-cased), and how many match. */
    searchUsers(search: UserSearch): { total: number; items: UserListRow[] } {
      return {
        total: statements.userCount.get(search)!,
        items: statements.userPages[search.sort].all(search).map((row) => ({ ...row, active: row.active === 1 })),
      };
    },
    findUser(id: number): UserRow | undefined {
      const row = statements.user.get(id);
      return row && userRow(row);
    },
    loginIdTaken(loginId: string, exceptId = 0): boolean {
      return statements.loginIdTaken.get(loginId, exceptId) !== undefined;
    },
    insertUser(user: Omit<UserRow, 'id' | 'organisationName' | 'version'> & { passwordHash: string }, at: string): number {
      return Number(statements.insertUser.run({ ...user, active: user.active ? 1 : 0, at }).lastInsertRowid);
    },
    /** False when the account has moved past `user.version` since the form was read: nothing is changed then. */
    updateUser(user: Omit<UserRow, 'organisationName'>, at: string): boolean {
      return statements.updateUser.run({ ...user, active: user.active ? 1 : 0, at }).changes > 0;
    },
  };
}

export type AdminAccountsRepository = ReturnType<typeof adminAccountsRepository>;
