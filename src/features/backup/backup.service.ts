import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { Logger } from '../../logger.js';
import type { OutboxRepository } from '../../mail/outbox.repository.js';
import { formatDateTime } from '../../text.js';
import { ARCHIVE_PATTERN, writeArchive } from './archive.js';
import type { BackupRepository, BackupRun } from './backup.repository.js';
import { archivesToKeep, type RetentionPolicy } from './retention.js';

export type BackupSettings = {
  dir: string;
  retention: RetentionPolicy;
  /** The hour (Japan time, 0–23) from which the nightly backup is due. */
  hour: number;
};

type Deps = {
  db: Db; repository: BackupRepository; outbox: OutboxRepository; clock: Clock; logger: Logger;
  uploadDir: string; adminEmail: string; portalVersion: string; settings: BackupSettings; onMailQueued?: () => void;
};

/** Midnight of the current day in Japan, as an instant. */
function tokyoMidnight(now: Date): Date {
  const tokyo = new Date(now.getTime() + 9 * 3_600_000);
  return new Date(Date.UTC(tokyo.getUTCFullYear(), tokyo.getUTCMonth(), tokyo.getUTCDate()) - 9 * 3_600_000);
}

/**
 * Backups (issue 18.1): one archive at a time, recorded in backup_runs, old archives pruned by the
 * retention policy after each good one, and a failure mailed to the secretariat through the outbox.
 */
export function backupService(deps: Deps) {
  const { repository, clock, logger, settings } = deps;
  let running: Promise<BackupRun> | null = null;

  function prune(): string[] {
    const names = fs.readdirSync(settings.dir).filter((n) => ARCHIVE_PATTERN.test(n));
    const keep = archivesToKeep(names, settings.retention);
    const removed = names.filter((n) => !keep.has(n));
    for (const name of removed) fs.rmSync(path.join(settings.dir, name), { force: true });
    return removed;
  }

  async function run(trigger: BackupRun['trigger']): Promise<BackupRun> {
    const started = clock.now();
    const id = repository.start(trigger, started.toISOString());
    try {
      const written = await writeArchive({ db: deps.db, uploadDir: deps.uploadDir, dir: settings.dir, at: started, portalVersion: deps.portalVersion });
      repository.finish(id, clock.now().toISOString(), { archive: written.path, bytes: written.bytes });
      const removed = prune();
      logger.info({ archive: written.path, bytes: written.bytes, removed: removed.length }, 'backup written');
    } catch (error) {
      const message = (error as Error).message;
      const at = clock.now().toISOString();
      repository.finish(id, at, { error: message });
      deps.outbox.enqueue({
        kind: 'backup.failed', to: [deps.adminEmail], subject: '【ＡＰＰＬＩＣ マッチングポータル】バックアップに失敗しました',
        body: `${formatDateTime(started)}に始めたバックアップ（${trigger === 'schedule' ? '夜間の自動実行' : 'コマンド'}）に失敗しました。\n\n` +
          `理由：${message}\n保存先：${path.resolve(settings.dir)}\n\n` +
          'ディスクの空き容量と保存先の書き込み権限を確かめ、システムの保守担当者に連絡してください。\n' +
          '「事務局管理」→「システムの状態」で、最後に成功したバックアップを確かめられます。\n',
      }, at);
      deps.onMailQueued?.();
      logger.error({ err: error }, 'backup failed');
    }
    return repository.last()!;
  }

  return {
    /** Takes a backup now; a call while one runs waits for that one instead of starting a second. */
    backup(trigger: BackupRun['trigger']): Promise<BackupRun> {
      running ??= run(trigger).finally(() => (running = null));
      return running;
    },

    /**
     * The nightly backup is due from `hour` o'clock in Japan until one has succeeded that day, and at
     * once while none ever has; after a failure it is tried again an hour later (not at every check:
     * each failure is a mail).
     */
    nightlyDue(): boolean {
      const now = clock.now();
      const last = repository.last();
      if (last?.error && now.getTime() - Date.parse(last.startedAt) < 3_600_000) return false;
      // A portal that has never been backed up (a new installation) is backed up at once.
      if (!repository.lastGood()) return true;
      const midnight = tokyoMidnight(now);
      if (now.getTime() < midnight.getTime() + settings.hour * 3_600_000) return false;
      return !repository.succeededSince(new Date(midnight.getTime() + settings.hour * 3_600_000).toISOString());
    },

    last: () => repository.last(),
    lastGood: () => repository.lastGood(),
    settings,
  };
}

export type BackupService = ReturnType<typeof backupService>;
