import crypto from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { SessionUser } from '../accounts/accounts.types.js';
import type { Actor, AuditRepository, Diff } from '../audit/audit.repository.js';
import { entryContent, registrantSnapshot } from '../entries/entry-content.js';
import type { EntriesRepository } from '../entries/entries.repository.js';
import { type Genre, type GenresRepository } from '../genres/genres.repository.js';
import { genrePaths } from '../genres/genre-tree.js';
import type { InfoTypesRepository } from '../info-types/info-types.repository.js';
import type { AdminAccountsRepository } from './admin-accounts.repository.js';
import { parseCsv, pathKey, problemAt, toCsv, type CsvColumn, type CsvRow, type ImportProblem, type ParsedCsvRow } from './admin-csv.js';
import type { AdminImportRepository, ExportedEntry } from './admin-import.repository.js';

/** A preview not committed within this time is gone (the sweep removes it; a late commit finds nothing). */
export const IMPORT_PREVIEW_LIFETIME_MS = 60 * 60_000;

/** One row that will update an entry, with what changes (field → [before, after], as the CSV writes it). */
export type PlannedUpdate = { rowNumber: number; entryId: number; title: string; changes: Diff };

export type ImportPlan = {
  creates: { rowNumber: number; title: string; ownerOrg: string }[];
  updates: PlannedUpdate[];
  unchanged: number;
  newOrganisations: string[];
};

type Resolved = { row: ParsedCsvRow; typeId: number; genreIds: number[]; current?: ExportedEntry };

type Deps = {
  db: Db; repository: AdminImportRepository; entries: EntriesRepository; genres: GenresRepository;
  infoTypes: InfoTypesRepository; accounts: AdminAccountsRepository; audit: AuditRepository; clock: Clock;
};

/** Each genre's path from the top, names joined by '/' (防災/避難所運営/避難者名簿管理). */
function slashPaths(all: readonly Genre[]): Map<number, string> {
  const { path } = genrePaths(all, '/');
  return new Map(all.map((g) => [g.id, path(g.id)]));
}

const sameInstant = (a: string, b: string) => Date.parse(a) === Date.parse(b);

/**
 * The CSV export and the all-or-nothing import (contract: CSV import format, Trust rules). An import
 * is previewed first: the file is kept under an opaque key, and only a commit of that key changes
 * anything. The commit checks the file again against the catalogue as it is then.
 */
export function adminImportService(deps: Deps) {
  const { db, repository, entries, genres, infoTypes, accounts, audit, clock } = deps;

  function exportCsv(): string {
    const paths = slashPaths(genres.listGenres());
    const rows: CsvRow[] = repository.exportedEntries().map((e) => ({
      id: String(e.id), type: e.type, title: e.title, summary: e.summary, url: e.url,
      genres: e.genreIds.map((id) => paths.get(id) ?? '').sort().join(';'),
      owner_org: e.ownerOrg, contact_company: e.contact_company, contact_department: e.contact_department,
      contact_name: e.contact_name, contact_phone: e.contact_phone, contact_email: e.contact_email, updated_at: e.updatedAt,
    }));
    return toCsv(rows, true);
  }

  /**
   * What the entry would change to, field by field as the export writes it; nothing when equal. The
   * date is not compared: for an update it is the version the row was exported at (see plan).
   */
  function changesOf(current: ExportedEntry, row: ParsedCsvRow, genreIds: number[], paths: Map<number, string>): Diff {
    const changes: Diff = {};
    const text = ['type', 'title', 'summary', 'url', 'contact_company', 'contact_department', 'contact_name', 'contact_phone', 'contact_email'] as const;
    for (const field of text) if (current[field] !== row[field]) changes[field] = [current[field], row[field]];
    if (current.ownerOrg !== row.owner_org) changes.owner_org = [current.ownerOrg, row.owner_org];
    const genreText = (ids: number[]) => ids.map((id) => paths.get(id) ?? '').sort().join(';');
    if (genreText(current.genreIds) !== genreText(genreIds)) changes.genres = [genreText(current.genreIds), genreText(genreIds)];
    return changes;
  }

  /** Checks every row against the catalogue; the errors, or the plan. */
  function plan(content: Buffer, createOrgs: boolean): { errors: ImportProblem[] } | { plan: ImportPlan; resolved: Resolved[] } {
    const parsed = parseCsv(content);
    if ('errors' in parsed) return parsed;
    const all = genres.listGenres();
    const paths = slashPaths(all);
    const retired = new Set(all.filter((g) => g.retired).map((g) => g.id));
    const typeIds = new Map(infoTypes.listInfoTypes().map((t) => [t.name, t.id]));
    const genreIds = new Map([...paths].map(([id, path]) => [pathKey(path), id]));
    const orgs = new Set(accounts.listOrganisations().map((o) => o.name));
    const ids = parsed.rows.flatMap((r) => (r.id === null ? [] : [r.id]));
    const current = repository.exportedEntriesByIds(ids);
    const seen = new Set<number>();
    const errors: ImportProblem[] = [];
    const resolved = parsed.rows.map((row): Resolved => {
      const problem = (column: CsvColumn, message: string) => errors.push(problemAt(parsed.columns, row.rowNumber, column, message));
      const typeId = typeIds.get(row.type);
      if (!typeId) problem('type', `情報種別「${row.type}」がありません`);
      const entry = row.id === null ? undefined : current.get(row.id);
      if (row.id !== null && !entry) problem('id', `id ${row.id} の登録情報がありません（削除済みか、存在しません）`);
      if (row.id !== null && seen.has(row.id)) problem('id', `id ${row.id} がほかの行にもあります`);
      if (row.id !== null) seen.add(row.id);
      const found = row.genres.map((p) => genreIds.get(pathKey(p)));
      row.genres.forEach((p, j) => {
        const id = found[j];
        if (!id) problem('genres', `ジャンル「${p}」がありません`);
        // A retired genre stays on the entries that have it, but takes no new ones (as the entry form).
        else if (retired.has(id) && !entry?.genreIds.includes(id)) problem('genres', `ジャンル「${p}」は廃止されています`);
      });
      if (!orgs.has(row.owner_org) && !createOrgs) problem('owner_org', `団体「${row.owner_org}」がありません（作成する場合は「ない団体を作成する」を選んでください）`);
      return { row, typeId: typeId ?? 0, genreIds: found.filter((id): id is number => id !== undefined), current: entry };
    });
    if (errors.length > 0) return { errors };

    const result: ImportPlan = { creates: [], updates: [], unchanged: 0, newOrganisations: [] };
    for (const { row, genreIds: rowGenres, current: entry } of resolved) {
      if (!entry) {
        result.creates.push({ rowNumber: row.rowNumber, title: row.title, ownerOrg: row.owner_org });
        continue;
      }
      const changes = changesOf(entry, row, rowGenres, paths);
      if (Object.keys(changes).length === 0) result.unchanged++;
      // An update's updated_at is the version it was exported at: an entry changed since then (its
      // owner edited it) is not overwritten with the older text. An empty date skips the check.
      else if (row.updated_at && !sameInstant(row.updated_at, entry.updatedAt)) {
        errors.push(problemAt(parsed.columns, row.rowNumber, 'updated_at', `id ${entry.id} はCSVを書き出したあとに更新されています。最新のCSVを書き出してから直してください`));
      } else result.updates.push({ rowNumber: row.rowNumber, entryId: entry.id, title: entry.title, changes });
    }
    if (errors.length > 0) return { errors };
    result.newOrganisations = [...new Set(resolved.map((r) => r.row.owner_org).filter((name) => !orgs.has(name)))];
    return { plan: result, resolved };
  }

  /**
   * A file to start from: the header with the id column and two rows that import as they are into
   * this catalogue (its first info types, genres and a vendor organisation), marked as examples.
   */
  function sampleCsv(): string {
    const types = infoTypes.listInfoTypes();
    const paths = slashPaths(genres.listGenres().filter((g) => !g.retired));
    const leafPaths = [...paths.values()].filter((p, _i, all) => !all.some((other) => other.startsWith(`${p}/`)));
    const vendor = accounts.searchOrganisations({ q: '', kind: 'vendor', sort: 'name', limit: 1, offset: 0 }).items[0]?.name ?? 'サンプル株式会社';
    const example = (n: number, typeName: string, genrePath: string): CsvRow => ({
      id: '', type: typeName, title: `（例${n}）避難所の受付を数秒にするクラウドサービス`,
      summary: `（例${n}）マイナンバーカードを読み取るだけで避難者の受付が終わります。\n名簿は自治体の庁内システムへそのまま取り込めます。`,
      url: 'https://example.jp/', genres: genrePath, owner_org: vendor, contact_company: vendor, contact_department: '公共営業部',
      contact_name: '佐藤 花子', contact_phone: '03-1234-5678', contact_email: 'info@example.jp', updated_at: '',
    });
    const typeName = (i: number) => types[i % Math.max(1, types.length)]?.name ?? '製品・サービス情報';
    return toCsv([example(1, typeName(0), leafPaths[0] ?? '防災/避難所運営'), example(2, typeName(1), leafPaths.slice(1, 3).join(';') || '教育')], true);
  }

  return {
    exportCsv,
    sampleCsv,

    /** Checks the file; if it is good, keeps it for the commit and returns the plan with its key. */
    preview(content: Buffer, createOrgs: boolean, user: SessionUser): { errors: ImportProblem[] } | { plan: ImportPlan; key: string } {
      const checked = plan(content, createOrgs);
      if ('errors' in checked) return checked;
      const key = crypto.randomBytes(24).toString('base64url');
      repository.keepUpload(key, user.id, createOrgs, content, clock.now().toISOString());
      return { plan: checked.plan, key };
    },

    /**
     * Applies a previewed file, once, in one transaction: the file is checked again (the catalogue may
     * have changed since the preview), and the kept upload is removed with the commit. `undefined`
     * when the key is unknown, another user's, used or expired.
     */
    commit(key: string, user: SessionUser, actor: Actor): { errors: ImportProblem[] } | { created: number; updated: number } | undefined {
      return db.transaction(() => {
        const upload = repository.findUpload(key, user.id);
        if (!upload || Date.parse(upload.createdAt) < clock.now().getTime() - IMPORT_PREVIEW_LIFETIME_MS) return undefined;
        const checked = plan(upload.content, upload.createOrgs);
        if ('errors' in checked) return checked;
        repository.removeUpload(key);
        const now = clock.now().toISOString();
        const orgIds = new Map(accounts.listOrganisations().map((o) => [o.name, o.id]));
        const organisationOf = (name: string): number => {
          let id = orgIds.get(name);
          if (id === undefined) {
            id = accounts.createOrganisation({ name, kind: 'vendor', ipRanges: [] }, now);
            orgIds.set(name, id);
            audit.record(actor, now, 'organisation.create', { type: 'organisation', id }, { name: [null, name], kind: [null, 'vendor'] });
          }
          return id;
        };
        const changesByRow = new Map(checked.plan.updates.map((u) => [u.rowNumber, u.changes]));
        let created = 0;
        let updated = 0;
        for (const { row, typeId, genreIds, current } of checked.resolved) {
          const fields = {
            ...entryContent(typeId, row), organisationId: organisationOf(row.owner_org), genreIds, operatorIp: actor.ip,
          };
          if (!current) {
            const at = row.updated_at ? new Date(row.updated_at).toISOString() : now;
            const id = entries.insertEntry({
              ...fields, userId: user.id, createdAt: at, updatedAt: at,
              ...registrantSnapshot({ company: user.organisationName, department: user.department, name: user.name, phone: user.phone, email: user.email }),
            });
            audit.record(actor, now, 'entry.import', { type: 'entry', id }, { title: [null, row.title], owner_org: [null, row.owner_org] });
            created++;
            continue;
          }
          const changes = changesByRow.get(row.rowNumber);
          if (!changes) continue;
          entries.updateContent(current.id, { ...fields, updatedAt: now });
          audit.record(actor, now, 'entry.update', { type: 'entry', id: current.id }, changes);
          updated++;
        }
        return { created, updated };
      }).immediate();
    },

    /** Removes previews never committed (the hourly sweep). */
    removeStalePreviews(): number {
      return repository.removeUploadsOlderThan(new Date(clock.now().getTime() - IMPORT_PREVIEW_LIFETIME_MS).toISOString());
    },
  };
}

export type AdminImportService = ReturnType<typeof adminImportService>;
