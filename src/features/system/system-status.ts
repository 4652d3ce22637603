import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { OutboxRepository } from '../../mail/outbox.repository.js';
import { ARCHIVE_PATTERN } from '../backup/archive.js';
import type { BackupService } from '../backup/backup.service.js';
import type { FreshnessRepository } from '../freshness/freshness.repository.js';
import { isLate } from './health.js';
import type { JobRunsRepository } from './job-runs.repository.js';

/** Japanese names of the background jobs, for the secretariat's page. */
export const JOB_LABELS: Record<string, string> = {
  sweep: '不要なファイル・下書きの掃除', 'saved-search-digests': '保存した検索のお知らせ', 'shared-address-digest': '共用アドレスのログインのまとめ',
  freshness: 'リンク確認・更新のない情報のお知らせ', backup: '夜間のバックアップ', mail: 'メールの送信',
  'pdf-text': '資料（PDF）の文字の読み取り',
};

const GB = 1024 ** 3;
/** How long the upload folder's size is reused: walking tens of thousands of files on every view would cost. */
const FOLDER_SIZE_TTL_MS = 10 * 60_000;

function folderSize(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  try {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isFile()) continue;
      files++;
      bytes += fs.statSync(path.join(dir, entry.name)).size;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return { files, bytes };
}

function freeBytes(dir: string): { free: number; total: number } | undefined {
  try {
    const s = fs.statfsSync(fs.existsSync(dir) ? dir : path.dirname(path.resolve(dir)));
    return { free: s.bavail * s.bsize, total: s.blocks * s.bsize };
  } catch {
    return undefined;
  }
}

/**
 * Everything /admin/system shows, with the warnings a person should act on. Read-only; each call
 * reads the database's own tables and the file system (the upload folder's size is cached).
 */
export function systemStatus(deps: {
  db: Db; uploadDir: string; clock: Clock; outbox: OutboxRepository; backup: BackupService; freshness: FreshnessRepository;
  jobRuns: JobRunsRepository; version: string; startedAt: Date;
}) {
  let uploads: { at: number; files: number; bytes: number } | undefined;
  return () => {
    const now = deps.clock.now();
    const dbFile = deps.db.name;
    const dbBytes = [dbFile, `${dbFile}-wal`].reduce((sum, f) => sum + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0);
    if (!uploads || Date.now() - uploads.at > FOLDER_SIZE_TTL_MS) uploads = { at: Date.now(), ...folderSize(deps.uploadDir) };
    const disks = [
      { label: 'データベース', dir: path.dirname(path.resolve(dbFile)) },
      { label: '添付ファイル', dir: deps.uploadDir },
      { label: 'バックアップ', dir: deps.backup.settings.dir },
    ].map((d) => ({ ...d, space: freeBytes(d.dir) }));
    const lastBackup = deps.backup.last();
    const lastGoodBackup = deps.backup.lastGood();
    const archives = fs.existsSync(deps.backup.settings.dir) ? fs.readdirSync(deps.backup.settings.dir).filter((n) => ARCHIVE_PATTERN.test(n)).length : 0;
    const mail = deps.outbox.backlog();
    const jobs = deps.jobRuns.all().map((job) => ({ ...job, label: JOB_LABELS[job.name] ?? job.name, late: isLate(job, now), failedLast: job.lastErrorAt !== null && job.lastErrorAt === job.lastFinishedAt }));

    const warnings: string[] = [];
    if (!lastGoodBackup) warnings.push('バックアップがまだ一度も成功していません。');
    else if (now.getTime() - Date.parse(lastGoodBackup.startedAt) > 26 * 3_600_000) warnings.push('最後に成功したバックアップから1日以上たっています。');
    if (lastBackup?.error) warnings.push(`最後のバックアップが失敗しました（${lastBackup.error}）。`);
    for (const d of disks) {
      if (d.space && (d.space.free < GB || d.space.free / d.space.total < 0.1)) warnings.push(`${d.label}の保存先の空き容量が少なくなっています。`);
    }
    if (mail.failed > 0) warnings.push(`送信をあきらめたメールが${mail.failed}通あります（メール送信箱で確かめてください）。`);
    if (mail.oldestPending && now.getTime() - Date.parse(mail.oldestPending) > 3_600_000) warnings.push('1時間以上送られていないメールがあります。メールサーバーの設定と接続を確かめてください。');
    for (const job of jobs) {
      if (job.late) warnings.push(`「${job.label}」が予定どおり動いていません。`);
      else if (job.failedLast) warnings.push(`「${job.label}」の最後の実行が失敗しました。`);
    }
    return {
      version: deps.version, node: process.version, startedAt: deps.startedAt.toISOString(), uptimeSeconds: Math.round((now.getTime() - deps.startedAt.getTime()) / 1000),
      database: { file: dbFile, bytes: dbBytes }, uploads: { files: uploads.files, bytes: uploads.bytes }, disks,
      backup: { last: lastBackup, lastGood: lastGoodBackup, archives, settings: deps.backup.settings },
      mail, lastLinkCheck: deps.freshness.lastRun(), jobs, warnings,
    };
  };
}

export type SystemStatus = ReturnType<ReturnType<typeof systemStatus>>;
