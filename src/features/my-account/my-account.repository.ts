import type { Db } from '../../db/connection.js';

export type Profile = { name: string; department: string; phone: string; email: string; mailFreshness: boolean; version: number };

/** An entry the user's organisation liked, with when, for マイページ (only what a municipality may see). */
export type LikedEntry = { id: number; title: string; typeName: string; likedAt: string };

/** All SQL of マイページ that is not about credentials (credentials.repository.ts has those). */
export function myAccountRepository(db: Db) {
  const statements = {
    profile: db.prepare<[number], Omit<Profile, 'mailFreshness'> & { mailFreshness: number }>(
      `SELECT name, department, phone, email, mail_freshness AS mailFreshness, version FROM users WHERE id = ? AND active = 1`,
    ),
    saveProfile: db.prepare(
      `UPDATE users SET name = @name, department = @department, phone = @phone, email = @email, updated_at = @at WHERE id = @id AND active = 1`,
    ),
    saveMail: db.prepare(`UPDATE users SET mail_freshness = ?, updated_at = ? WHERE id = ?`),
    // Deleted and suspended entries drop out: a municipality sees only what is published.
    liked: db.prepare<[number, number], LikedEntry>(
      `SELECT e.id, e.title, t.name AS typeName, l.created_at AS likedAt
         FROM likes l JOIN entries e ON e.id = l.entry_id JOIN info_types t ON t.id = e.type_id
        WHERE l.organisation_id = ? AND e.deleted_at IS NULL AND e.suspended_at IS NULL
        ORDER BY l.created_at DESC, l.id DESC LIMIT ?`,
    ),
    likedCount: db.prepare<[number], number>(
      `SELECT count(*) FROM likes l JOIN entries e ON e.id = l.entry_id
        WHERE l.organisation_id = ? AND e.deleted_at IS NULL AND e.suspended_at IS NULL`,
    ).pluck(),
  };
  return {
    profile(userId: number): Profile | undefined {
      const row = statements.profile.get(userId);
      return row && { ...row, mailFreshness: row.mailFreshness === 1 };
    },
    saveProfile(userId: number, fields: Pick<Profile, 'name' | 'department' | 'phone' | 'email'>, at: string): boolean {
      return statements.saveProfile.run({ id: userId, ...fields, at }).changes === 1;
    },
    saveMailPreferences(userId: number, mailFreshness: boolean, at: string): void {
      statements.saveMail.run(mailFreshness ? 1 : 0, at, userId);
    },
    likedBy(organisationId: number, limit: number): { total: number; items: LikedEntry[] } {
      return { total: statements.likedCount.get(organisationId) ?? 0, items: statements.liked.all(organisationId, limit) };
    },
  };
}

export type MyAccountRepository = ReturnType<typeof myAccountRepository>;
