import type { Db } from '../../db/connection.js';

/** SQL of the accounts' links to the issuer's subjects (migration 0034). */
export function oidcRepository(db: Db) {
  const statements = {
    userOf: db.prepare<[string, string], number>('SELECT user_id FROM oidc_links WHERE issuer = ? AND subject = ?').pluck(),
    linkOf: db.prepare<[number], { issuer: string; subject: string; linkedAt: string }>(
      'SELECT issuer, subject, linked_at AS linkedAt FROM oidc_links WHERE user_id = ?'),
    link: db.prepare(`INSERT INTO oidc_links (user_id, issuer, subject, linked_at, linked_by) VALUES (@userId, @issuer, @subject, @at, @by)
      ON CONFLICT (user_id) DO UPDATE SET issuer = excluded.issuer, subject = excluded.subject, linked_at = excluded.linked_at, linked_by = excluded.linked_by`),
    unlink: db.prepare('DELETE FROM oidc_links WHERE user_id = ?'),
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
  };
}

export type OidcRepository = ReturnType<typeof oidcRepository>;
