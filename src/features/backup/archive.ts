import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as tar from 'tar';
import type { Db } from '../../db/connection.js';

/** What an archive says of itself (manifest.json): enough to check it without the portal. */
export type Manifest = {
  format: 1;
  createdAt: string;
  /** The portal's version that wrote it, and the newest migration of its database. */
  portalVersion: string;
  schemaVersion: string;
  /** Rows of the tables a person would check after a restore. */
  counts: Record<string, number>;
  /** Every file of the archive but the manifest: path inside the archive, size and SHA-256. */
  files: { path: string; bytes: number; sha256: string }[];
};

export const DATABASE_ENTRY = 'portal.db';
export const UPLOADS_ENTRY = 'uploads';
const MANIFEST_ENTRY = 'manifest.json';

/** The tables whose row counts the manifest records (and a restore compares). */
const COUNTED = ['organisations', 'users', 'entries', 'attachments', 'likes', 'genres', 'info_types', 'audit_log'] as const;

/** The upload files a database refers to: attachments, and the files of drafts and parked forms. */
const REFERENCED_FILES = `
  SELECT stored_name FROM attachments
  UNION SELECT upload_stored_name FROM entry_drafts WHERE upload_stored_name IS NOT NULL
  UNION SELECT upload_stored_name FROM parked_entry_forms WHERE upload_stored_name IS NOT NULL`;

/** An archive's name says when it was made (UTC), so names sort in time: portal-backup-20261202-031500Z.tar.gz. */
export function archiveName(at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z').replace('T', '-');
  return `portal-backup-${stamp}.tar.gz`;
}

export const ARCHIVE_PATTERN = /^portal-backup-(\d{8})-(\d{6})Z\.tar\.gz$/;

/** When an archive was made, read from its name (undefined for any other file). */
export function archiveTime(name: string): Date | undefined {
  const m = ARCHIVE_PATTERN.exec(name);
  if (!m) return undefined;
  const [d, t] = [m[1]!, m[2]!];
  return new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4)}Z`);
}

async function sha256Of(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function countsOf(db: Database.Database): Record<string, number> {
  return Object.fromEntries(COUNTED.map((table) => [table, db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number]));
}

/**
 * Writes one archive of the live database and the upload files it refers to into `dir`, and returns
 * its path. The database is copied with SQLite's online backup API, so the portal keeps serving and
 * the copy is one consistent moment; the files are those that moment refers to (the portal never
 * removes a referenced file, and the sweep leaves any file alone for an hour). The archive appears
 * under its final name only when complete.
 */
export async function writeArchive(input: { db: Db; uploadDir: string; dir: string; at: Date; portalVersion: string }): Promise<{ path: string; bytes: number; manifest: Manifest }> {
  fs.mkdirSync(input.dir, { recursive: true });
  const work = fs.mkdtempSync(path.join(input.dir, '.backup-'));
  try {
    const dbCopy = path.join(work, DATABASE_ENTRY);
    // All pages in one step: a step reads one consistent moment, while the default (100 pages a
    // step) starts again whenever another connection writes, and might never finish beside a busy
    // portal. WAL lets the portal go on writing meanwhile.
    await input.db.backup(dbCopy, { progress: () => 0x7fffffff });
    const copy = new Database(dbCopy, { readonly: true });
    let names: string[];
    let counts: Record<string, number>;
    let schemaVersion: string;
    try {
      names = copy.prepare<[], string>(REFERENCED_FILES).pluck().all();
      counts = countsOf(copy);
      schemaVersion = copy.prepare<[], string>('SELECT max(version) FROM schema_migrations').pluck().get() ?? '';
    } finally {
      copy.close();
    }
    fs.mkdirSync(path.join(work, UPLOADS_ENTRY));
    for (const name of names) {
      const source = path.join(input.uploadDir, path.basename(name));
      try {
        fs.copyFileSync(source, path.join(work, UPLOADS_ENTRY, path.basename(name)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`the database refers to an upload file that is missing: ${path.basename(name)}`);
        throw error;
      }
    }
    const files = [];
    for (const entry of [DATABASE_ENTRY, ...names.map((n) => `${UPLOADS_ENTRY}/${path.basename(n)}`).sort()]) {
      const file = path.join(work, entry);
      files.push({ path: entry, bytes: fs.statSync(file).size, sha256: await sha256Of(file) });
    }
    const manifest: Manifest = { format: 1, createdAt: input.at.toISOString(), portalVersion: input.portalVersion, schemaVersion, counts, files };
    fs.writeFileSync(path.join(work, MANIFEST_ENTRY), `${JSON.stringify(manifest, null, 2)}\n`);

    const target = path.join(input.dir, archiveName(input.at));
    const partial = `${target}.partial`;
    await tar.create({ gzip: true, file: partial, cwd: work, portable: true }, [MANIFEST_ENTRY, DATABASE_ENTRY, UPLOADS_ENTRY]);
    fs.renameSync(partial, target);
    return { path: target, bytes: fs.statSync(target).size, manifest };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Unpacks an archive into `into` and checks it: the manifest is there, every file it lists is there
 * with its size and SHA-256 and nothing else is, the database passes `PRAGMA integrity_check` and
 * holds the counts the manifest says. Throws with the reason (in Japanese) otherwise.
 */
export async function unpackAndCheck(archive: string, into: string): Promise<Manifest> {
  const problem = (why: string) => new Error(`バックアップを使えません（${path.basename(archive)}）：${why}`);
  try {
    // Plain files and folders only: a link inside an archive could point anywhere once unpacked.
    await tar.extract({
      file: archive, cwd: into, strict: true, preservePaths: false,
      filter: (_path, entry) => 'type' in entry && (entry.type === 'File' || entry.type === 'Directory'),
    });
  } catch (error) {
    throw problem(`アーカイブを展開できません（${(error as Error).message}）`);
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(into, MANIFEST_ENTRY), 'utf8')) as Manifest;
  } catch {
    throw problem('manifest.json がないか、読めません');
  }
  if (manifest.format !== 1 || !Array.isArray(manifest.files)) throw problem('manifest.json の形式が違います');
  const listed = new Set(manifest.files.map((f) => f.path));
  const present = [DATABASE_ENTRY, ...fs.readdirSync(path.join(into, UPLOADS_ENTRY)).map((n) => `${UPLOADS_ENTRY}/${n}`)];
  for (const entry of present) if (!listed.has(entry)) throw problem(`manifest にないファイルがあります：${entry}`);
  for (const f of manifest.files) {
    const file = path.join(into, f.path);
    if (!fs.existsSync(file)) throw problem(`ファイルが欠けています：${f.path}`);
    if (fs.statSync(file).size !== f.bytes || (await sha256Of(file)) !== f.sha256) throw problem(`ファイルの内容が manifest と一致しません：${f.path}`);
  }
  const db = new Database(path.join(into, DATABASE_ENTRY), { readonly: true });
  try {
    const integrity = db.prepare<[], string>('PRAGMA integrity_check').pluck().all();
    if (integrity.length !== 1 || integrity[0] !== 'ok') throw problem(`データベースの整合性検査に失敗しました（${integrity.slice(0, 3).join('、')}）`);
    const counts = countsOf(db);
    for (const [table, n] of Object.entries(manifest.counts)) {
      if (counts[table] !== n) throw problem(`${table} の件数が manifest と一致しません（${counts[table]} / ${n}）`);
    }
  } finally {
    db.close();
  }
  return manifest;
}
