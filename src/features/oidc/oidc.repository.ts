import type { Db } from '../../db/connection.js';

/** SQL of the accounts' links to the issuer's subjects (migration 0034), and the bulk link's kept uploads (0036). */
export function oidcRepository(db: Db) {
  const statements = {
    userOf: db.prepare<[string, string], number>('SELECT user_id FROM oidc_links WHERE issuer = ? AND subject = ?').pluck(),
    linkOf: db.prepare<[number], { issuer: string; subject: string; linkedAt: string }>(
      'SELECT issuer, subject, linked_at AS linkedAt FROM oidc_links WHERE user_id = ?'),
    link: db.prepare(`INSERT INTO oidc_links (user_id, issuer, subject, linked_at, linked_by) VALUES (@userId, @issuer, @subject, @at, @by)
      ON CONFLICT (user_id) DO UPDATE SET issuer = excluded.issuer, subject = excluded.subject, linked_at = excluded.linked_at, linked_by = excluded.linked_by`),
    unlink: db.prepare('DELETE FROM oidc_links WHERE user_id = ?'),
    accounts: db.prepare<[string], { loginId: string; subject: string; organisation: string; name: string }>(`
      SELECT u.login_id AS loginId, coalesce(l.subject, '') AS subject, o.name AS organisation, u.name
        FROM users u JOIN organisations o ON o.id = u.organisation_id LEFT JOIN oidc_links l ON l.user_id = u.id AND l.issuer = ?
       ORDER BY CASE o.kind WHEN 'municipality' THEN 0 WHEN 'vendor' THEN 1 ELSE 2 END, o.name, u.login_id`),
    byLoginIds: db.prepare<[string, string], { loginId: string; userId: number; subject: string | null }>(`
      SELECT u.login_id AS loginId, u.id AS userId, l.subject
        FROM users u LEFT JOIN oidc_links l ON l.user_id = u.id AND l.issuer = ?
       WHERE u.login_id IN (SELECT value FROM json_each(?))`),
    holders: db.prepare<[string, string], { subject: string; userId: number; loginId: string }>(`
      SELECT l.subject, l.user_id AS userId, u.login_id AS loginId FROM oidc_links l JOIN users u ON u.id = l.user_id
       WHERE l.issuer = ? AND l.subject IN (SELECT value FROM json_each(?))`),
    keep: db.prepare(`INSERT INTO csv_imports (key, user_id, create_orgs, content, created_at, kind) VALUES (?, ?, 0, ?, ?, 'oidc_links')`),
    find: db.prepare<[string, number], { content: Buffer; createdAt: string }>(
      `SELECT content, created_at AS createdAt FROM csv_imports WHERE key = ? AND user_id = ? AND kind = 'oidc_links'`),
    remove: db.prepare(`DELETE FROM csv_imports WHERE key = ? AND kind = 'oidc_links'`),
  };
  return {
    /** The portal account an issuer's subject is linked to, if any. */
    userOf(issuer: string, subject: string): number | undefined {
      return statements.userOf.get(issuer, subject);
    },
    linkOf(userId: number) {
      return statements.linkOf.get(userId);
    },
    /** Links the account to the subject (replacing its earlier link); throws if the subject is another account's. */
    link(userId: number, issuer: string, subject: string, at: string, by: number | null): void {
      statements.link.run({ userId, issuer, subject, at, by });
    },
    unlink(userId: number): void {
      statements.unlink.run(userId);
    },
    /** Every account with its subject at the issuer ('' for none), for the bulk link's file. */
    accountsWithLinks(issuer: string) {
      return statements.accounts.all(issuer);
    },
    /** The named accounts, by login ID, with their subject at the issuer (null for none). */
    accountsByLoginIds(issuer: string, loginIds: string[]) {
      return new Map(statements.byLoginIds.all(issuer, JSON.stringify(loginIds)).map((row) => [row.loginId, row]));
    },
    /** Who holds each of these subjects at the issuer now. */
    holdersOf(issuer: string, subjects: string[]) {
      return new Map(statements.holders.all(issuer, JSON.stringify(subjects)).map((row) => [row.subject, row]));
    },
    keepUpload(key: string, userId: number, content: Buffer, at: string): void {
      statements.keep.run(key, userId, content, at);
    },
    /** A kept upload of this user's (a colleague's key, or the entry import's, finds nothing). */
    findUpload(key: string, userId: number) {
      return statements.find.get(key, userId);
    },
    removeUpload(key: string): void {
      statements.remove.run(key);
    },
  };
}

export type OidcRepository = ReturnType<typeof oidcRepository>;
