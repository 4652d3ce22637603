import type { Db } from '../../db/connection.js';
import type { EntryListItem } from '../entries/entries.repository.js';
import type { IssueStatus, PopulationBand } from './regions.js';

export type Profile = {
  prefecture: number | null;
  populationBand: PopulationBand | null;
  visible: boolean;
  showLikes: boolean;
  contactUserId: number | null;
  publishContact: boolean;
};

export type Issue = { genreId: number; status: IssueStatus; note: string };

/** An opted-in municipality as other municipalities and the secretariat see it on /peers. */
export type PeerOrganisation = {
  organisationId: number;
  name: string;
  prefecture: number | null;
  populationBand: PopulationBand | null;
  showLikes: boolean;
  /** Only when the organisation published its contact person (and that account is active). */
  contact: { name: string; department: string } | null;
  issues: Issue[];
};

export type LikedEntry = Pick<EntryListItem, 'id' | 'title' | 'typeName'> & { organisationId: number };

type ProfileRow = {
  prefecture: number | null; populationBand: PopulationBand | null; visible: number; showLikes: number;
  contactUserId: number | null; publishContact: number;
};

// Every query that lists organisations to other users goes through this condition: a municipality
// that has not opted in is never read for others.
const VISIBLE = `p.visible = 1 AND o.kind = 'municipality'`;

export function peersRepository(db: Db) {
  const statements = {
    profile: db.prepare<[number], ProfileRow>(
      `SELECT prefecture, population_band AS populationBand, visible, show_likes AS showLikes,
              contact_user_id AS contactUserId, publish_contact AS publishContact
         FROM organisation_profiles WHERE organisation_id = ?`,
    ),
    issues: db.prepare<[number], Issue>(
      `SELECT genre_id AS genreId, status, note FROM organisation_issues WHERE organisation_id = ? ORDER BY genre_id`,
    ),
    upsertProfile: db.prepare(`
      INSERT INTO organisation_profiles (organisation_id, prefecture, population_band, visible, show_likes, contact_user_id,
                                         publish_contact, updated_at, updated_by)
      VALUES (@organisationId, @prefecture, @populationBand, @visible, @showLikes, @contactUserId, @publishContact, @at, @userId)
      ON CONFLICT (organisation_id) DO UPDATE SET
        prefecture = excluded.prefecture, population_band = excluded.population_band, visible = excluded.visible,
        show_likes = excluded.show_likes, contact_user_id = excluded.contact_user_id,
        publish_contact = excluded.publish_contact, updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
    deleteIssuesExcept: db.prepare(
      `DELETE FROM organisation_issues WHERE organisation_id = ? AND genre_id NOT IN (SELECT value FROM json_each(?))`,
    ),
    upsertIssue: db.prepare(`
      INSERT INTO organisation_issues (organisation_id, genre_id, status, note, updated_at)
      VALUES (@organisationId, @genreId, @status, @note, @at)
      ON CONFLICT (organisation_id, genre_id) DO UPDATE SET status = excluded.status, note = excluded.note,
        updated_at = CASE WHEN status = excluded.status AND note = excluded.note THEN updated_at ELSE excluded.updated_at END`),
    visible: db.prepare<[], Omit<PeerOrganisation, 'issues' | 'contact' | 'showLikes'> & { showLikes: number; contactName: string | null; contactDepartment: string | null }>(`
      SELECT o.id AS organisationId, o.name, p.prefecture, p.population_band AS populationBand, p.show_likes AS showLikes,
             CASE WHEN p.publish_contact = 1 AND u.active = 1 THEN u.name END AS contactName,
             CASE WHEN p.publish_contact = 1 AND u.active = 1 THEN u.department END AS contactDepartment
        FROM organisation_profiles p
        JOIN organisations o ON o.id = p.organisation_id
        LEFT JOIN users u ON u.id = p.contact_user_id AND u.organisation_id = o.id
       WHERE ${VISIBLE}
       ORDER BY o.name, o.id`),
    visibleIssues: db.prepare<[], Issue & { organisationId: number }>(`
      SELECT i.organisation_id AS organisationId, i.genre_id AS genreId, i.status, i.note
        FROM organisation_issues i
        JOIN organisation_profiles p ON p.organisation_id = i.organisation_id
        JOIN organisations o ON o.id = i.organisation_id
       WHERE ${VISIBLE}`),
    // The newest likes of each given organisation that shows them, published entries only.
    likedEntries: db.prepare<[string, number], LikedEntry>(`
      SELECT organisationId, id, title, typeName FROM (
        SELECT l.organisation_id AS organisationId, e.id, e.title, t.name AS typeName,
               row_number() OVER (PARTITION BY l.organisation_id ORDER BY l.created_at DESC, l.id DESC) AS n
          FROM likes l
          JOIN organisation_profiles p ON p.organisation_id = l.organisation_id
          JOIN organisations o ON o.id = l.organisation_id
          JOIN entries e ON e.id = l.entry_id
          JOIN info_types t ON t.id = e.type_id
         WHERE l.organisation_id IN (SELECT value FROM json_each(?)) AND ${VISIBLE} AND p.show_likes = 1
           AND e.deleted_at IS NULL AND e.suspended_at IS NULL)
       WHERE n <= ?`),
    likedAmong: db.prepare<[number, string], number>(
      `SELECT entry_id FROM likes WHERE organisation_id = ? AND entry_id IN (SELECT value FROM json_each(?))`,
    ).pluck(),
    colleagues: db.prepare<[number], { id: number; name: string; department: string; hasEmail: number }>(
      `SELECT id, name, department, email <> '' AS hasEmail FROM users WHERE organisation_id = ? AND active = 1 ORDER BY name, id`,
    ),
    // Relayed messages go to the contact person when there is one with an address, else to every active colleague.
    recipients: db.prepare<[number], string>(`
      SELECT u.email FROM users u
        LEFT JOIN organisation_profiles p ON p.organisation_id = u.organisation_id
        LEFT JOIN users c ON c.id = p.contact_user_id AND c.organisation_id = u.organisation_id AND c.active = 1 AND c.email <> ''
       WHERE u.organisation_id = ? AND u.active = 1 AND u.email <> '' AND (c.id IS NULL OR u.id = c.id)
       ORDER BY u.id`).pluck(),
    municipality: db.prepare<[number], { id: number; name: string; visible: number }>(`
      SELECT o.id, o.name, coalesce(p.visible, 0) AS visible FROM organisations o
        LEFT JOIN organisation_profiles p ON p.organisation_id = o.id
       WHERE o.id = ? AND o.kind = 'municipality'`),
    hasWritten: db.prepare<[number, number], number>(
      `SELECT 1 FROM peer_messages WHERE from_organisation_id = ? AND to_organisation_id = ? LIMIT 1`,
    ).pluck(),
    sentSince: db.prepare<[number, string], number>(
      `SELECT count(*) FROM peer_messages WHERE from_user_id = ? AND created_at > ?`,
    ).pluck(),
    insertMessage: db.prepare(`
      INSERT INTO peer_messages (from_organisation_id, from_user_id, to_organisation_id, subject, body, created_at)
      VALUES (@fromOrganisationId, @fromUserId, @toOrganisationId, @subject, @body, @at)`),
  };

  return {
    profileOf(organisationId: number): Profile | undefined {
      const row = statements.profile.get(organisationId);
      return row && {
        ...row, visible: row.visible === 1, showLikes: row.showLikes === 1, publishContact: row.publishContact === 1,
      };
    },

    issuesOf(organisationId: number): Issue[] {
      return statements.issues.all(organisationId);
    },

    /** Replaces the organisation's profile and issue list in one transaction. */
    saveProfile: db.transaction((organisationId: number, userId: number | null, at: string, profile: Profile, issues: Issue[]) => {
      statements.upsertProfile.run({
        organisationId, userId, at, prefecture: profile.prefecture, populationBand: profile.populationBand,
        visible: Number(profile.visible), showLikes: Number(profile.showLikes), contactUserId: profile.contactUserId,
        publishContact: Number(profile.publishContact),
      });
      statements.deleteIssuesExcept.run(organisationId, JSON.stringify(issues.map((i) => i.genreId)));
      for (const issue of issues) statements.upsertIssue.run({ organisationId, at, ...issue });
    }),

    /** Every opted-in municipality with its issues. */
    visibleOrganisations(): PeerOrganisation[] {
      const issues = new Map<number, Issue[]>();
      for (const { organisationId, ...issue } of statements.visibleIssues.all()) {
        issues.set(organisationId, [...(issues.get(organisationId) ?? []), issue]);
      }
      return statements.visible.all().map(({ contactName, contactDepartment, showLikes, ...org }) => ({
        ...org,
        showLikes: showLikes === 1,
        contact: contactName === null ? null : { name: contactName, department: contactDepartment ?? '' },
        issues: issues.get(org.organisationId) ?? [],
      }));
    },

    /** Up to `perOrganisation` recently liked published entries of each organisation that shows its likes. */
    likedEntries(organisationIds: number[], perOrganisation: number): LikedEntry[] {
      return organisationIds.length === 0 ? [] : statements.likedEntries.all(JSON.stringify(organisationIds), perOrganisation);
    },

    /** Which of the given entries the organisation has already liked. */
    likedAmong(organisationId: number, entryIds: number[]): Set<number> {
      return new Set(entryIds.length === 0 ? [] : statements.likedAmong.all(organisationId, JSON.stringify(entryIds)));
    },

    /** The organisation's active users, for choosing the contact person. */
    colleaguesOf(organisationId: number) {
      return statements.colleagues.all(organisationId).map((u) => ({ ...u, hasEmail: u.hasEmail === 1 }));
    },

    recipientsOf(organisationId: number): string[] {
      return statements.recipients.all(organisationId);
    },

    findMunicipality(organisationId: number): { id: number; name: string; visible: boolean } | undefined {
      const row = statements.municipality.get(organisationId);
      return row && { ...row, visible: row.visible === 1 };
    },

    /** Whether `from` has written to `to`: the one way to reach a municipality that is not (or no longer) visible. */
    hasWritten(fromOrganisationId: number, toOrganisationId: number): boolean {
      return statements.hasWritten.get(fromOrganisationId, toOrganisationId) !== undefined;
    },

    messagesSentSince(userId: number, since: string): number {
      return statements.sentSince.get(userId, since) ?? 0;
    },

    insertMessage(message: { fromOrganisationId: number; fromUserId: number; toOrganisationId: number; subject: string; body: string; at: string }): void {
      statements.insertMessage.run(message);
    },
  };
}

export type PeersRepository = ReturnType<typeof peersRepository>;
