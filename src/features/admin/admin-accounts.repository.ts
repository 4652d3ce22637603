import type { Db } from '../../db/connection.js';
import type { OrganisationKind } from '../accounts/accounts.types.js';

export type OrganisationRow = { id: number; name: string; kind: OrganisationKind; ipRanges: string[]; userCount: number; version: number };
export type UserRow = {
  id: number; loginId: string; organisationId: number; organisationName: string; name: string;
  department: string; phone: string; email: string; active: boolean; version: number;
};

type OrganisationSqlRow = Omit<OrganisationRow, 'ipRanges'> & { ipRanges: string | null };
type UserSqlRow = Omit<UserRow, 'active'> & { active: number };

const organisationSql = `
  SELECT o.id, o.name, o.kind, o.version, (SELECT json_group_array(cidr) FROM organisation_ip_ranges r WHERE r.organisation_id = o.id) AS ipRanges,
         (SELECT count(*) FROM users u WHERE u.organisation_id = o.id) AS userCount
    FROM organisations o`;

const userSql = `
  SELECT u.id, u.login_id AS loginId, u.organisation_id AS organisationId, o.name AS organisationName, u.name,
         u.department, u.phone, u.email, u.active, u.version
    FROM users u JOIN organisations o ON o.id = u.organisation_id`;

/** Organisations and accounts as the secretariat manages them (管理者側機能). */
export function adminAccountsRepository(db: Db) {
  const statements = {
    organisations: db.prepare<[], OrganisationSqlRow>(`${organisationSql} ORDER BY o.kind, o.name`),
    organisation: db.prepare<[number], OrganisationSqlRow>(`${organisationSql} WHERE o.id = ?`),
    nameTaken: db.prepare<[string, number], number>('SELECT id FROM organisations WHERE name = ? AND id <> ?').pluck(),
    insertOrganisation: db.prepare('INSERT INTO organisations (name, kind, created_at, updated_at) VALUES (?, ?, ?, ?)'),
    updateOrganisation: db.prepare('UPDATE organisations SET name = ?, kind = ?, updated_at = ? WHERE id = ? AND version = ?'),
    clearRanges: db.prepare('DELETE FROM organisation_ip_ranges WHERE organisation_id = ?'),
    insertRange: db.prepare('INSERT OR IGNORE INTO organisation_ip_ranges (organisation_id, cidr) VALUES (?, ?)'),
    users: db.prepare<[], UserSqlRow>(`${userSql} ORDER BY o.name, u.login_id`),
    user: db.prepare<[number], UserSqlRow>(`${userSql} WHERE u.id = ?`),
    loginIdTaken: db.prepare<[string, number], number>('SELECT id FROM users WHERE login_id = ? AND id <> ?').pluck(),
    insertUser: db.prepare(`
      INSERT INTO users (organisation_id, login_id, password_hash, name, department, phone, email, active, created_at, updated_at)
      VALUES (@organisationId, @loginId, @passwordHash, @name, @department, @phone, @email, @active, @at, @at)`),
    updateUser: db.prepare(`
      UPDATE users SET organisation_id = @organisationId, login_id = @loginId, name = @name, department = @department,
             phone = @phone, email = @email, active = @active, updated_at = @at WHERE id = @id AND version = @version`),
    setPassword: db.prepare('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?'),
    // Sessions are JSON rows of express-session; a user's are found by the userId written at login.
    endSessions: db.prepare(`DELETE FROM sessions WHERE json_extract(sess, '$.userId') = ?`),
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
    listUsers(): UserRow[] {
      return statements.users.all().map(userRow);
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
    setPassword(id: number, passwordHash: string, at: string): void {
      statements.setPassword.run(passwordHash, at, id);
    },
    endSessionsOf(userId: number): number {
      return statements.endSessions.run(userId).changes;
    },
  };
}

export type AdminAccountsRepository = ReturnType<typeof adminAccountsRepository>;
