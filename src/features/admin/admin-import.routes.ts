import { Router, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import { HttpError } from '../../http-error.js';
import { singleUpload } from '../../middleware/upload.js';
import { actorOf } from '../audit/actor.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { EntriesRepository } from '../entries/entries.repository.js';
import { genrePaths, type Genre, type GenresRepository } from '../genres/genres.repository.js';
import type { InfoTypesRepository } from '../info-types/info-types.repository.js';
import type { AdminAccountsRepository } from './admin-accounts.repository.js';
import type { AdminEntriesRepository } from './admin-entries.repository.js';
import { parseCsv, pathKey, toCsv, type CsvRow } from './admin-csv.js';

type Deps = {
  db: Db; entries: EntriesRepository; adminEntries: AdminEntriesRepository; genres: GenresRepository;
  infoTypes: InfoTypesRepository; accounts: AdminAccountsRepository; audit: AuditRepository; clock: Clock; verifyCsrf: RequestHandler;
};

/** Each genre's path from the top, names joined by '/' (防災/避難所運営/避難者名簿管理). */
function slashPaths(all: readonly Genre[]): Map<number, string> {
  const { path } = genrePaths(all, '/');
  return new Map(all.map((g) => [g.id, path(g.id)]));
}

/** CSV export of all entries that are not deleted, and the all-or-nothing import (contract: CSV import format). */
export function adminImportRoutes(deps: Deps): Router {
  const { db, entries, adminEntries, genres, infoTypes, accounts, audit, clock } = deps;
  const router = Router();
  const crumbs = [{ label: '事務局管理', href: '/admin' }, { label: 'CSVの取り込み' }];

  const render = (res: Response, status: number, locals: { errors?: string[]; imported?: number; createOrgs?: boolean }) =>
    res.status(status).render('admin/import', { title: 'CSVの取り込み', breadcrumbs: crumbs, errors: [], imported: undefined, createOrgs: false, ...locals });

  router.get('/export.csv', (_req, res) => {
    const paths = slashPaths(genres.listGenres());
    const genresByEntry = new Map<number, number[]>();
    for (const [entryId, genreId] of adminEntries.allEntryGenres()) genresByEntry.set(entryId, [...(genresByEntry.get(entryId) ?? []), genreId]);
    const rows: CsvRow[] = adminEntries.exportRows().map((e) => ({
      type: String(e.type), title: String(e.title), summary: String(e.summary), url: String(e.url),
      genres: (genresByEntry.get(Number(e.id)) ?? []).map((id) => paths.get(id) ?? '').sort().join(';'),
      owner_org: String(e.ownerOrg), contact_company: String(e.contact_company), contact_department: String(e.contact_department),
      contact_name: String(e.contact_name), contact_phone: String(e.contact_phone), contact_email: String(e.contact_email),
      updated_at: String(e.updatedAt),
    }));
    const stamp = clock.now().toISOString().slice(0, 10).replaceAll('-', '');
    res.set('Content-Type', 'text/csv; charset=utf-8');
    res.attachment(`entries-${stamp}.csv`);
    res.send(toCsv(rows));
  });

  router.get('/import', (_req, res) => render(res, 200, {}));

  const upload: RequestHandler = (req, res, next) =>
    singleUpload('file')(req, res, (error?: unknown) => {
      if (error instanceof multer.MulterError) return next(new HttpError(error.code === 'LIMIT_FILE_SIZE' ? 413 : 400, 'CSVファイルは10MB以内にしてください。'));
      if (error) return next(error);
      deps.verifyCsrf(req, res, next);
    });

  router.post('/import', upload, (req, res) => {
    const createOrgs = req.body?.create_orgs === '1';
    if (!req.file || req.file.size === 0) return render(res, 400, { errors: ['CSVファイルを選択してください。'], createOrgs });
    const parsed = parseCsv(req.file.buffer);
    if ('errors' in parsed) return render(res, 400, { errors: parsed.errors, createOrgs });

    const typeIds = new Map(infoTypes.listInfoTypes().map((t) => [t.name, t.id]));
    const genreIds = new Map([...slashPaths(genres.listGenres())].map(([id, path]) => [pathKey(path), id]));
    const orgs = new Map(accounts.listOrganisations().map((o) => [o.name, o.id]));
    const errors: string[] = [];
    const resolved = parsed.rows.map((row, i) => {
      const problems: string[] = [];
      const typeId = typeIds.get(row.type);
      if (!typeId) problems.push(`情報種別「${row.type}」がありません`);
      const ids = row.genres.map((p) => genreIds.get(pathKey(p)));
      row.genres.forEach((p, j) => { if (!ids[j]) problems.push(`ジャンル「${p}」がありません`); });
      if (!orgs.has(row.owner_org) && !createOrgs) problems.push(`団体「${row.owner_org}」がありません（作成する場合は「ない団体を作成する」を選んでください）`);
      if (problems.length > 0) errors.push(`${i + 2}行目：${problems.join('、')}`);
      return { row, typeId: typeId ?? 0, genreIds: ids.filter((id): id is number => id !== undefined) };
    });
    if (errors.length > 0) return render(res, 400, { errors, createOrgs });

    const user = res.locals.currentUser!;
    const actor = actorOf(req, res);
    const now = clock.now().toISOString();
    const imported = db.transaction(() => {
      for (const { row, typeId, genreIds: ids } of resolved) {
        let organisationId = orgs.get(row.owner_org);
        if (organisationId === undefined) {
          organisationId = accounts.saveOrganisation({ name: row.owner_org, kind: 'vendor', ipRanges: [] }, now);
          orgs.set(row.owner_org, organisationId);
          audit.record(actor, now, 'organisation.create', { type: 'organisation', id: organisationId }, { name: [null, row.owner_org], kind: [null, 'vendor'] });
        }
        const at = row.updated_at ? new Date(row.updated_at).toISOString() : now;
        const id = entries.insertEntry({
          typeId, title: row.title, summary: row.summary, url: row.url || null,
          contactCompany: row.contact_company, contactDepartment: row.contact_department, contactName: row.contact_name,
          contactPhone: row.contact_phone, contactEmail: row.contact_email,
          registrantCompany: user.organisationName, registrantDepartment: user.department, registrantName: user.name,
          registrantPhone: user.phone, registrantEmail: user.email,
          organisationId, userId: user.id, genreIds: ids, operatorIp: actor.ip, createdAt: at, updatedAt: at,
        });
        audit.record(actor, now, 'entry.import', { type: 'entry', id }, { title: [null, row.title], owner_org: [null, row.owner_org] });
      }
      return resolved.length;
    })();
    render(res, 200, { imported, createOrgs });
  });

  return router;
}
