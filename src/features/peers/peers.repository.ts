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

/** An opted-in municipality as the peer index holds it: what ranking and the filters need. */
export type PeerSummary = {
  organisationId: number;
  name: string;
  prefecture: number | null;
  populationBand: PopulationBand | null;
  showLikes: boolean;
  genreIds: number[];
};

/** What /peers shows of one peer beyond its summary: its issues in full and its published contact. */
export type PeerDetails = {
  issues: Issue[];
  /** Only when the organisation published its contact person (and that account is active). */
  contact: { name: string; department: string } | null;
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
    indexVersion: db.prepare<[], number>('SELECT version FROM peer_index_version WHERE id = 1').pluck(),
    visible: db.prepare<[], [number, string, number | null, PopulationBand | null, number]>(`
      SELECT o.id, o.name, p.prefecture, p.population_band, p.show_likes
        FROM organisation_profiles p JOIN organisations o ON o.id = p.organisation_id
       WHERE ${VISIBLE}
       ORDER BY o.name, o.id`).raw(),
    visibleIssueGenres: db.prepare<[], [number, number]>(`
      SELECT i.organisation_id, i.genre_id
        FROM organisation_profiles p
        JOIN organisations o ON o.id = p.organisation_id
        JOIN organisation_issues i ON i.organisation_id = p.organisation_id
       WHERE ${VISIBLE}`).raw(),
    issuesOfMany: db.prepare<[string], Issue & { organisationId: number }>(`
      SELECT i.organisation_id AS organisationId, i.genre_id AS genreId, i.status, i.note
        FROM organisation_issues i
        JOIN organisation_profiles p ON p.organisation_id = i.organisation_id
        JOIN organisations o ON o.id = i.organisation_id
       WHERE i.organisation_id IN (SELECT value FROM json_each(?)) AND ${VISIBLE}`),
    contacts: db.prepare<[string], { organisationId: number; name: string; department: string }>(`
      SELECT p.organisation_id AS organisationId, u.name, u.department
        FROM organisation_profiles p
        JOIN organisations o ON o.id = p.organisation_id
        JOIN users u ON u.id = p.contact_user_id AND u.organisation_id = p.organisation_id AND u.active = 1
       WHERE p.organisation_id IN (SELECT value FROM json_each(?)) AND ${VISIBLE} AND p.publish_contact = 1`),
    // The newest likes of one organisation, if it is visible and shows them; published entries only.
    // One query per organisation walks likes_by_organisation newest first and stops at the limit.
    likedBy: db.prepare<[{ organisationId: number; limit: number }], LikedEntry>(`
      SELECT l.organisation_id AS organisationId, e.id, e.title, t.name AS typeName
        FROM likes l
        JOIN entries e ON e.id = l.entry_id
        JOIN info_types t ON t.id = e.type_id
       WHERE l.organisation_id = @organisationId AND e.deleted_at IS NULL AND e.suspended_at IS NULL
         AND EXISTS (SELECT 1 FROM organisation_profiles p JOIN organisations o ON o.id = p.organisation_id
                      WHERE p.organisation_id = @organisationId AND ${VISIBLE} AND p.show_likes = 1)
       ORDER BY l.created_at DESC, l.id DESC
       LIMIT @limit`),
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
    messageCounts: db.prepare<[{ organisationId: number }], { sent: number; received: number; lastAt: string | null }>(`
      SELECT (SELECT count(*) FROM peer_messages WHERE from_organisation_id = @organisationId) AS sent,
             (SELECT count(*) FROM peer_messages WHERE to_organisation_id = @organisationId) AS received,
             (SELECT max(created_at) FROM peer_messages WHERE from_organisation_id = @organisationId OR to_organisation_id = @organisationId) AS lastAt`),
    contactOf: db.prepare<[number], { name: string; department: string }>(
      `SELECT u.name, u.department FROM organisation_profiles p JOIN users u ON u.id = p.contact_user_id AND u.organisation_id = p.organisation_id
        WHERE p.organisation_id = ?`,
    ),
    sentSince: db.prepare<[number, string], number>(
      `SELECT count(*) FROM peer_messages WHERE from_user_id = ? AND created_at > ?`,
    ).pluck(),
    insertMessage: db.prepare(`
      INSERT INTO peer_messages (from_organisation_id, from_user_id, to_organisation_id, subject, body, created_at)
      VALUES (@fromOrganisationId, @fromUserId, @toOrganisationId, @subject, @body, @at)`),
  };

  return {
    /** Relayed messages to and from the organisation: counts only (their text stays between the two). */
    messageCounts(organisationId: number) {
      return statements.messageCounts.get({ organisationId })!;
    },

    /** The chosen contact person, published or not (for the secretariat). */
    contactOf(organisationId: number): { name: string; department: string } | undefined {
      return statements.contactOf.get(organisationId);
    },

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

    /** Moves whenever a profile, an issue, an organisation's name or kind, or the genre tree changes. */
    indexVersion(): number {
      return statements.indexVersion.get() ?? 0;
    },

    /** Every opted-in municipality, by name, with the genres of its issues; read in one transaction. */
    visibleSummaries: db.transaction((): { version: number; summaries: PeerSummary[] } => {
      const genres = new Map<number, number[]>();
      for (const [organisationId, genreId] of statements.visibleIssueGenres.all()) {
        const list = genres.get(organisationId);
        if (list) list.push(genreId);
        else genres.set(organisationId, [genreId]);
      }
      const summaries = statements.visible.all().map(([organisationId, name, prefecture, populationBand, showLikes]) => ({
        organisationId, name, prefecture, populationBand, showLikes: showLikes === 1, genreIds: genres.get(organisationId) ?? [],
      }));
      return { version: statements.indexVersion.get() ?? 0, summaries };
    }),

    /** Issues with status and note, and the published contact, of the given opted-in municipalities (one page of /peers). */
    detailsOf(organisationIds: number[]): Map<number, PeerDetails> {
      const ids = JSON.stringify(organisationIds);
      const details = new Map<number, PeerDetails>(organisationIds.map((id) => [id, { issues: [], contact: null }]));
      for (const { organisationId, ...issue } of statements.issuesOfMany.all(ids)) details.get(organisationId)?.issues.push(issue);
      for (const { organisationId, name, department } of statements.contacts.all(ids)) {
        const entry = details.get(organisationId);
        if (entry) entry.contact = { name, department };
      }
      return details;
    },

    /** Up to `perOrganisation` recently liked published entries of each organisation that shows its likes. */
    likedEntries(organisationIds: number[], perOrganisation: number): LikedEntry[] {
      return organisationIds.flatMap((organisationId) => statements.likedBy.all({ organisationId, limit: perOrganisation }));
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
