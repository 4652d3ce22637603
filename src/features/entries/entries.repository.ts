import type { Db } from '../../db/connection.js';
import { foldForSearch } from '../../search-fold.js';
import { bigrams } from '../../text.js';
import { registrantSnapshot, type EntryContent, type RegistrantSnapshot } from './entry-content.js';

/** A new entry: its content, the registrant snapshot, and who owns and wrote it when. */
export type NewEntry = EntryContent & RegistrantSnapshot & {
  organisationId: number;
  userId: number;
  genreIds: number[];
  operatorIp: string;
  createdAt: string;
  updatedAt: string;
};

/** One row of an entry list: what the results list shows (spec 検索結果一覧画面). */
export type EntryListItem = {
  id: number;
  title: string;
  summary: string;
  typeName: string;
  organisationId: number;
  updatedAt: string;
  likeCount: number;
  /** Freshness (issue 10): the last "no changes" confirmation, and the link's failed checks in a row. */
  confirmedAt?: string | null;
  linkFailures?: number | null;
};

/** Everything the detail page shows, plus the state the access rules look at. */
export type EntryDetail = Omit<EntryContent, 'typeId'> & {
  id: number;
  typeName: string;
  organisationId: number;
  organisationName: string;
  createdAt: string;
  updatedAt: string;
  suspendedAt: string | null;
  suspendedReason: string | null;
  deletedAt: string | null;
  likeCount: number;
  confirmedAt: string | null;
  linkFailures: number | null;
  linkCheckedAt: string | null;
  linkDetail: string | null;
  /** Whether its info type takes 「導入しています」 marks (migration 0025: products and services). */
  adoptable: 0 | 1;
};

export type Attachment = { storedName: string; originalName: string; size: number };

/** Published = neither soft-deleted nor suspended. */
const PUBLISHED = 'e.deleted_at IS NULL AND e.suspended_at IS NULL';

export function entriesRepository(db: Db) {
  const newest = db.prepare<[number], EntryListItem>(`
    SELECT e.id, e.title, e.summary, t.name AS typeName, e.organisation_id AS organisationId,
           e.updated_at AS updatedAt, e.confirmed_at AS confirmedAt,
           -- A correlated subquery, not a join: it runs for the rows kept after the sort only, where
           -- a join would first touch every published entry (13 ms against 0.02 at 100,000).
           (SELECT c.failures FROM link_checks c WHERE c.entry_id = e.id) AS linkFailures,
           (SELECT count(*) FROM likes l WHERE l.entry_id = e.id) AS likeCount
      FROM entries e JOIN info_types t ON t.id = e.type_id
     WHERE ${PUBLISHED}
     ORDER BY e.updated_at DESC, e.id DESC
     LIMIT ?`);

  const insert = db.prepare(`
    INSERT INTO entries (type_id, title, summary, url, contact_company, contact_department, contact_name,
                         contact_phone, contact_email, registrant_company, registrant_department,
                         registrant_name, registrant_phone, registrant_email, organisation_id, user_id,
                         created_at, updated_at, operator_ip)
    VALUES (@typeId, @title, @summary, @url, @contactCompany, @contactDepartment, @contactName,
            @contactPhone, @contactEmail, @registrantCompany, @registrantDepartment,
            @registrantName, @registrantPhone, @registrantEmail, @organisationId, @userId,
            @createdAt, @updatedAt, @operatorIp)`);
  const link = db.prepare('INSERT INTO entry_genres (entry_id, genre_id) VALUES (?, ?)');
  const index = db.prepare('INSERT INTO entry_search (rowid, title, summary, details) VALUES (?, ?, ?, ?)');
  const indexPairs = db.prepare('INSERT INTO entry_bigrams (rowid, text) VALUES (?, ?)');

  const detail = db.prepare<[number], EntryDetail>(`
    SELECT e.id, t.name AS typeName, e.title, e.summary, e.url,
           e.contact_company AS contactCompany, e.contact_department AS contactDepartment,
           e.contact_name AS contactName, e.contact_phone AS contactPhone, e.contact_email AS contactEmail,
           e.organisation_id AS organisationId, o.name AS organisationName,
           e.created_at AS createdAt, e.updated_at AS updatedAt,
           e.suspended_at AS suspendedAt, e.suspended_reason AS suspendedReason, e.deleted_at AS deletedAt,
           e.confirmed_at AS confirmedAt, c.failures AS linkFailures, c.checked_at AS linkCheckedAt, c.detail AS linkDetail,
           (SELECT count(*) FROM likes l WHERE l.entry_id = e.id) AS likeCount, t.adoptable
      FROM entries e
      JOIN info_types t ON t.id = e.type_id
      JOIN organisations o ON o.id = e.organisation_id
      LEFT JOIN link_checks c ON c.entry_id = e.id -- only ever of the current URL (migration 0016)
     WHERE e.id = ?`);
  const insertAttachment = db.prepare(
    `INSERT INTO attachments (entry_id, stored_name, original_name, size, sha256, created_at)
     VALUES (@entryId, @storedName, @originalName, @size, @sha256, @createdAt)`,
  );
  const registrant = db.prepare<[number], { company: string; department: string; name: string; phone: string; email: string }>(
    `SELECT registrant_company AS company, registrant_department AS department, registrant_name AS name,
            registrant_phone AS phone, registrant_email AS email FROM entries WHERE id = ?`,
  );
  const updateContent = db.prepare(`
    UPDATE entries SET type_id = @typeId, title = @title, summary = @summary, url = @url,
           contact_company = @contactCompany, contact_department = @contactDepartment, contact_name = @contactName,
           contact_phone = @contactPhone, contact_email = @contactEmail, organisation_id = @organisationId,
           updated_at = @updatedAt, operator_ip = @operatorIp
     WHERE id = @id AND deleted_at IS NULL`);
  const unlinkAll = db.prepare('DELETE FROM entry_genres WHERE entry_id = ?');
  const reindex = db.prepare('UPDATE entry_search SET title = ?, summary = ?, details = ? WHERE rowid = ?');
  const reindexPairs = db.prepare('INSERT OR REPLACE INTO entry_bigrams (rowid, text) VALUES (?, ?)');
  const attachment = db.prepare<[number], Attachment>(
    `SELECT stored_name AS storedName, original_name AS originalName, size FROM attachments WHERE entry_id = ?`,
  );

  return {
    /** The entry whatever its state; the caller applies the access rules. */
    findEntry(id: number): EntryDetail | undefined {
      return detail.get(id);
    },

    /** The registrant snapshot kept with the entry (shown to its own organisation only). */
    findRegistrant(entryId: number) {
      return registrant.get(entryId);
    },

    findAttachment(entryId: number): Attachment | undefined {
      return attachment.get(entryId);
    },

    /** Records a PDF already written to the upload folder under its stored (random) name. */
    insertAttachment(entryId: number, file: Attachment & { sha256: string; createdAt: string }): void {
      insertAttachment.run({ entryId, ...file });
    },

    /** Saves an entry with its genres and its keyword index row, all or nothing. */
    insertEntry: db.transaction((entry: NewEntry): number => {
      const { genreIds, ...row } = entry;
      const id = Number(insert.run(row).lastInsertRowid);
      for (const genreId of new Set(genreIds)) link.run(id, genreId);
      const text = searchText(entry);
      index.run(id, ...text);
      indexPairs.run(id, bigramText(text));
      return id;
    }),

    /**
     * The secretariat's update of an entry's content (the CSV import): fields, owner, genres and keyword
     * index, all or nothing. The registrant snapshot stays as the owner left it. False if the entry is
     * gone (deleted).
     */
    updateContent: db.transaction((id: number, entry: Omit<NewEntry, 'userId' | 'createdAt' | `registrant${string}`>): boolean => {
      const { genreIds, ...row } = entry;
      if (updateContent.run({ ...row, id }).changes === 0) return false;
      unlinkAll.run(id);
      for (const genreId of new Set(genreIds)) link.run(id, genreId);
      const text = searchText({ ...row, ...registrantSnapshot(registrant.get(id)!) });
      reindex.run(...text, id);
      reindexPairs.run(id, bigramText(text));
      return true;
    }),

    /** 新着情報: the newest published entries. */
    listNewest(limit: number): EntryListItem[] {
      return newest.all(limit);
    },
  };
}

export type EntriesRepository = ReturnType<typeof entriesRepository>;

/** The keyword index's three columns, folded (search-fold.ts) as every query term is. */
export function searchText(e: Omit<EntryContent, 'typeId' | 'url'> & RegistrantSnapshot): [string, string, string] {
  const details = [
    e.contactCompany, e.contactDepartment, e.contactName, e.contactPhone, e.contactEmail,
    e.registrantCompany, e.registrantDepartment, e.registrantName, e.registrantPhone, e.registrantEmail,
  ].join('\n');
  return [foldForSearch(e.title), foldForSearch(e.summary), foldForSearch(details)];
}

/** entry_bigrams' one column: the pairs of the title and of the summary (never across the two). */
export function bigramText([title, summary]: [string, string, string]): string {
  return `${bigrams(title)} ${bigrams(summary)}`.trim();
}
