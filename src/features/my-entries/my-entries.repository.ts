import type { Db } from '../../db/connection.js';
import { bigramText, type EntryListItem } from '../entries/entries.repository.js';
import type { EntryValues } from './my-entries.schemas.js';

/** A row of the own-entries list: the results row plus the suspension the owner must see. */
export type OwnListItem = EntryListItem & {
  suspendedAt: string | null; suspendedReason: string | null; url: string | null; linkDetail: string | null;
};

/** An own entry as the edit form and the audit diff need it. */
export type OwnEntry = EntryValues & {
  id: number;
  organisationId: number;
  /** Moves on every change (migration 0011); the edit form carries it back. */
  version: number;
  updatedAt: string;
  suspendedAt: string | null;
  suspendedReason: string | null;
};

export type Registrant = { company: string; department: string; name: string; phone: string; email: string };

export type DraftUpload = { storedName: string; originalName: string; size: number; sha256: string };

export type Draft = {
  key: string;
  userId: number;
  organisationId: number;
  entryId: number | null;
  values: EntryValues;
  removeAttachment: boolean;
  /** For an edit: the entry's version the form was read at; the save changes nothing if it moved. */
  version: number | null;
  upload: DraftUpload | null;
  /**
   * Kept only to hold the PDF of a form that came back with mistakes (or for a related-entries
   * search): its values were not checked, so it is never saved, only carried into the next draft.
   */
  fileOnly: boolean;
  createdAt: string;
  usedAt: string | null;
  savedEntryId: number | null;
};

type DraftRow = {
  key: string; userId: number; organisationId: number; entryId: number | null; payload: string;
  storedName: string | null; originalName: string | null; size: number | null; sha256: string | null;
  createdAt: string; usedAt: string | null; savedEntryId: number | null;
};

/** An entry form kept after its session expired: its text fields as sent, and its file. */
export type ParkedForm = {
  entryId: number | null; fields: Record<string, string | string[]>; storedName: string | null; originalName: string | null;
};

const MAX_TERMS = 8;

/**
 * SQL of the registrant side. Every statement on an entry names the organisation as well as the id
 * (WHERE id = ? AND organisation_id = ?), so another organisation's entry is simply not found.
 */
export function myEntriesRepository(db: Db) {
  /** The list's WHERE for n keyword terms: each term in title, summary, contact or registrant fields. */
  const listWhere = (terms: number) => `
      e.organisation_id = @organisationId AND e.deleted_at IS NULL
      AND (json_array_length(@genres) = 0 OR EXISTS (
            SELECT 1 FROM entry_genres eg WHERE eg.entry_id = e.id AND eg.genre_id IN (
              WITH RECURSIVE sub(id) AS (
                SELECT value FROM json_each(@genres)
                UNION SELECT g.id FROM genres g JOIN sub ON g.parent_id = sub.id)
              SELECT id FROM sub)))
      ${Array.from({ length: terms }, (_, i) => `
      AND EXISTS (SELECT 1 FROM entry_search s WHERE s.rowid = e.id
                   AND (instr(s.title, @t${i}) > 0 OR instr(s.summary, @t${i}) > 0 OR instr(s.details, @t${i}) > 0))`).join('')}`;
  const listStatements = Array.from({ length: MAX_TERMS + 1 }, (_, terms) => ({
    count: db.prepare(`SELECT count(*) FROM entries e WHERE ${listWhere(terms)}`).pluck(),
    page: db.prepare(`
      SELECT e.id, e.title, e.summary, t.name AS typeName, e.organisation_id AS organisationId,
             e.updated_at AS updatedAt, e.suspended_at AS suspendedAt, e.suspended_reason AS suspendedReason,
             e.confirmed_at AS confirmedAt, e.url,
             -- Subqueries, not a join, so they run for the page's rows only, after the sort.
             (SELECT c.failures FROM link_checks c WHERE c.entry_id = e.id) AS linkFailures,
             (SELECT c.detail FROM link_checks c WHERE c.entry_id = e.id) AS linkDetail,
             (SELECT count(*) FROM likes l WHERE l.entry_id = e.id) AS likeCount
        FROM entries e JOIN info_types t ON t.id = e.type_id
       WHERE ${listWhere(terms)}
       ORDER BY e.updated_at DESC, e.id DESC LIMIT @limit OFFSET @offset`),
  }));

  const statements = {
    own: db.prepare<[number, number], Omit<OwnEntry, 'genre' | 'related'>>(`
      SELECT id, organisation_id AS organisationId, version, type_id AS type, title, summary, coalesce(url, '') AS url,
             contact_company, contact_department, contact_name, contact_phone, contact_email,
             updated_at AS updatedAt, suspended_at AS suspendedAt, suspended_reason AS suspendedReason
        FROM entries WHERE id = ? AND organisation_id = ? AND deleted_at IS NULL`),
    genresOf: db.prepare<[number], number>('SELECT genre_id FROM entry_genres WHERE entry_id = ? ORDER BY genre_id').pluck(),
    // The form's related entries (migration 0024): its links to published entries, in the order made.
    relatedOf: db.prepare<[number], number>(`
      SELECT l.to_entry_id FROM entry_links l JOIN entries o ON o.id = l.to_entry_id AND o.deleted_at IS NULL AND o.suspended_at IS NULL
       WHERE l.from_entry_id = ? ORDER BY l.created_at, l.to_entry_id`).pluck(),
    lastContact: db.prepare<[number], Pick<EntryValues, 'contact_company' | 'contact_department' | 'contact_name' | 'contact_phone' | 'contact_email'>>(`
      SELECT contact_company, contact_department, contact_name, contact_phone, contact_email
        FROM entries WHERE organisation_id = ? ORDER BY created_at DESC, id DESC LIMIT 1`),
    update: db.prepare(`
      UPDATE entries SET type_id = @type, title = @title, summary = @summary, url = @url,
             contact_company = @contact_company, contact_department = @contact_department,
             contact_name = @contact_name, contact_phone = @contact_phone, contact_email = @contact_email,
             updated_at = @at, operator_ip = @ip
       WHERE id = @id AND organisation_id = @organisationId AND deleted_at IS NULL AND version = @version`),
    unlinkGenres: db.prepare('DELETE FROM entry_genres WHERE entry_id = ?'),
    linkGenre: db.prepare('INSERT INTO entry_genres (entry_id, genre_id) VALUES (?, ?)'),
    reindex: db.prepare('UPDATE entry_search SET title = ?, summary = ?, details = ? WHERE rowid = ?'),
    reindexPairs: db.prepare('INSERT OR REPLACE INTO entry_bigrams (rowid, text) VALUES (?, ?)'),
    softDelete: db.prepare(`
      UPDATE entries SET deleted_at = @at, deleted_by = @userId, operator_ip = @ip
       WHERE id = @id AND organisation_id = @organisationId AND deleted_at IS NULL`),
    likes: db.prepare<[number, number], { organisationName: string; createdAt: string }>(`
      SELECT o.name AS organisationName, l.created_at AS createdAt
        FROM likes l JOIN organisations o ON o.id = l.organisation_id
        JOIN entries e ON e.id = l.entry_id
       WHERE l.entry_id = ? AND e.organisation_id = ? AND e.deleted_at IS NULL
       ORDER BY l.created_at DESC, l.id DESC`),
    attachmentOf: db.prepare<[number], string>('SELECT stored_name FROM attachments WHERE entry_id = ?').pluck(),
    removeAttachment: db.prepare('DELETE FROM attachments WHERE entry_id = ?'),
    insertDraft: db.prepare(`
      INSERT INTO entry_drafts (key, user_id, organisation_id, entry_id, payload, upload_stored_name,
                                upload_original_name, upload_size, upload_sha256, created_at)
      VALUES (@key, @userId, @organisationId, @entryId, @payload, @storedName, @originalName, @size, @sha256, @createdAt)`),
    draft: db.prepare<[string, number], DraftRow>(`
      SELECT key, user_id AS userId, organisation_id AS organisationId, entry_id AS entryId, payload,
             upload_stored_name AS storedName, upload_original_name AS originalName, upload_size AS size,
             upload_sha256 AS sha256, created_at AS createdAt, used_at AS usedAt, saved_entry_id AS savedEntryId
        FROM entry_drafts WHERE key = ? AND user_id = ?`),
    useDraft: db.prepare('UPDATE entry_drafts SET used_at = ?, saved_entry_id = ? WHERE key = ? AND used_at IS NULL'),
    staleDrafts: db.prepare<[string], { key: string; storedName: string | null }>(
      'SELECT key, upload_stored_name AS storedName FROM entry_drafts WHERE created_at < ?',
    ),
    deleteDraft: db.prepare('DELETE FROM entry_drafts WHERE key = ?'),
    park: db.prepare(`
      INSERT INTO parked_entry_forms (key, user_id, entry_id, fields, upload_stored_name, upload_original_name, created_at)
      VALUES (@key, @userId, @entryId, @fields, @storedName, @originalName, @createdAt)`),
    parked: db.prepare<[string, number], { entryId: number | null; fields: string; storedName: string | null; originalName: string | null; createdAt: string }>(`
      SELECT entry_id AS entryId, fields, upload_stored_name AS storedName, upload_original_name AS originalName, created_at AS createdAt
        FROM parked_entry_forms WHERE key = ? AND user_id = ?`),
    unpark: db.prepare('DELETE FROM parked_entry_forms WHERE key = ?'),
    staleParked: db.prepare<[string], { key: string; storedName: string | null }>(
      'SELECT key, upload_stored_name AS storedName FROM parked_entry_forms WHERE created_at < ?',
    ),
    fileInUse: db.prepare<[{ name: string; draft: string }], number>(`
      SELECT (SELECT count(*) FROM attachments WHERE stored_name = @name)
           + (SELECT count(*) FROM entry_drafts WHERE upload_stored_name = @name AND key <> @draft)
           + (SELECT count(*) FROM parked_entry_forms WHERE upload_stored_name = @name AND key <> @draft)`).pluck(),
  };

  return {
    listOwn(organisationId: number, terms: string[], genreIds: number[], page: number, perPage: number) {
      const used = terms.slice(0, MAX_TERMS);
      const params: Record<string, unknown> = { organisationId, genres: JSON.stringify(genreIds) };
      used.forEach((term, i) => (params[`t${i}`] = term));
      const statement = listStatements[used.length]!;
      return {
        total: statement.count.get(params) as number,
        items: statement.page.all({ ...params, limit: perPage, offset: (page - 1) * perPage }) as OwnListItem[],
      };
    },

    findOwn(id: number, organisationId: number): OwnEntry | undefined {
      const row = statements.own.get(id, organisationId);
      return row && { ...row, genre: statements.genresOf.all(id), related: statements.relatedOf.all(id) };
    },

    lastContact(organisationId: number) {
      return statements.lastContact.get(organisationId);
    },

    /**
     * Returns false when the entry is not this organisation's, is gone, or has moved past `version`
     * (someone saved it since the form was read): nothing is changed then.
     */
    updateOwn(entry: { id: number; organisationId: number; version: number; values: EntryValues; at: string; ip: string; search: [string, string, string] }): boolean {
      const { values } = entry;
      const changed = statements.update.run({
        ...values, url: values.url || null, id: entry.id, organisationId: entry.organisationId, version: entry.version, at: entry.at, ip: entry.ip,
      }).changes;
      if (changed === 0) return false;
      statements.unlinkGenres.run(entry.id);
      for (const genreId of values.genre) statements.linkGenre.run(entry.id, genreId);
      statements.reindex.run(...entry.search, entry.id);
      statements.reindexPairs.run(entry.id, bigramText(entry.search));
      return true;
    },

    softDeleteOwn(id: number, organisationId: number, userId: number, at: string, ip: string): boolean {
      return statements.softDelete.run({ id, organisationId, userId, at, ip }).changes > 0;
    },

    likesOfOwn(id: number, organisationId: number) {
      return statements.likes.all(id, organisationId);
    },

    attachmentFile(entryId: number): string | undefined {
      return statements.attachmentOf.get(entryId);
    },

    removeAttachment(entryId: number): void {
      statements.removeAttachment.run(entryId);
    },

    insertDraft(draft: Omit<Draft, 'usedAt' | 'savedEntryId'>): void {
      statements.insertDraft.run({
        key: draft.key, userId: draft.userId, organisationId: draft.organisationId, entryId: draft.entryId,
        payload: JSON.stringify({ values: draft.values, removeAttachment: draft.removeAttachment, version: draft.version, fileOnly: draft.fileOnly }),
        storedName: draft.upload?.storedName ?? null, originalName: draft.upload?.originalName ?? null,
        size: draft.upload?.size ?? null, sha256: draft.upload?.sha256 ?? null, createdAt: draft.createdAt,
      });
    },

    /** The user's own draft (drafts are personal: a colleague's key finds nothing). */
    findDraft(key: string, userId: number): Draft | undefined {
      const row = statements.draft.get(key, userId);
      if (!row) return undefined;
      const payload = JSON.parse(row.payload) as { values: EntryValues; removeAttachment: boolean; version?: number | null; fileOnly?: boolean };
      const upload = row.storedName && row.originalName && row.size !== null && row.sha256
        ? { storedName: row.storedName, originalName: row.originalName, size: row.size, sha256: row.sha256 }
        : null;
      // Drafts made before related entries (issue 21) have none; those made before file-only drafts were all checked.
      return {
        ...row, values: { ...payload.values, related: payload.values.related ?? [] }, removeAttachment: payload.removeAttachment,
        version: payload.version ?? null, upload, fileOnly: payload.fileOnly ?? false,
      };
    },

    /** Marks a draft saved; false if it already was (a second POST of the same draft). */
    useDraft(key: string, at: string, entryId: number): boolean {
      return statements.useDraft.run(at, entryId, key).changes > 0;
    },

    staleDrafts(before: string) {
      return statements.staleDrafts.all(before);
    },

    deleteDraft(key: string): void {
      statements.deleteDraft.run(key);
    },

    /** Keeps a form that arrived after its session expired (see resume-token.ts). */
    parkForm(form: ParkedForm & { key: string; userId: number; createdAt: string }): void {
      statements.park.run({ ...form, fields: JSON.stringify(form.fields) });
    },

    /** The user's own parked form (a colleague's key finds nothing). */
    findParked(key: string, userId: number): (ParkedForm & { createdAt: string }) | undefined {
      const row = statements.parked.get(key, userId);
      return row && { ...row, fields: JSON.parse(row.fields) as Record<string, string | string[]> };
    },

    unpark(key: string): void {
      statements.unpark.run(key);
    },

    staleParked(before: string) {
      return statements.staleParked.all(before);
    },

    /** Whether a stored file is still referenced by an attachment or by a draft other than `exceptDraft`. */
    fileInUse(storedName: string, exceptDraft = ''): boolean {
      return (statements.fileInUse.get({ name: storedName, draft: exceptDraft }) ?? 0) > 0;
    },
  };
}

export type MyEntriesRepository = ReturnType<typeof myEntriesRepository>;
