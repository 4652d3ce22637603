import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { archiveName } from '../../src/features/backup/archive.js';
import { backupRepository } from '../../src/features/backup/backup.repository.js';
import { backupService } from '../../src/features/backup/backup.service.js';
import { archivesToKeep } from '../../src/features/backup/retention.js';
import { outboxRepository } from '../../src/mail/outbox.repository.js';
import { createTestPortal, tempDir } from '../helpers/portal.js';

const DAY = 86_400_000;

describe('retention: 7 daily and 8 weekly', () => {
  it('over a simulated two months of nightly backups (03:00 in Japan), exactly the newest of the last 7 days and of the last 8 weeks stay', async () => {
    const portal = createTestPortal();
    const dir = tempDir('archives-');
    // 2026-10-01 03:00 JST is 2026-09-30 18:00 UTC; the portal's clock walks a night at a time.
    portal.clock.advance(Date.parse('2026-09-30T18:00:00Z') - portal.clock.now().getTime());
    const service = backupService({
      db: portal.db, repository: backupRepository(portal.db), outbox: outboxRepository(portal.db), clock: portal.clock, logger: pino({ level: 'silent' }),
      uploadDir: portal.uploadDir, adminEmail: 'secretariat@applic.example.jp', portalVersion: 'test',
      settings: { dir, retention: { daily: 7, weekly: 8 }, hour: 3 },
    });
    const made: string[] = [];
    for (let night = 0; night < 61; night++) {
      expect(service.nightlyDue()).toBe(true);
      const run = await service.backup('schedule');
      made.push(path.basename(run.archive!));
      expect(service.nightlyDue()).toBe(false); // once a night
      portal.clock.advance(DAY);
    }
    // The last night is 2026-11-30 (a Monday). Daily: 11-24 … 11-30. Weekly (Monday-first weeks):
    // the newest of each of the 8 newest weeks: 11-30, and the Sundays 11-29, 11-22, 11-15, 11-08, 11-01, 10-25, 10-18.
    const day = (d: string) => archiveName(new Date(`${d}T18:00:00Z`));
    const expected = ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29',
      '2026-11-21', '2026-11-14', '2026-11-07', '2026-10-31', '2026-10-24', '2026-10-17'].map(day);
    expect(fs.readdirSync(dir).sort()).toEqual([...new Set(expected)].sort());
    expect(made).toHaveLength(61);
  });

  it('names that are not archives are never removed; a policy of 1 daily 0 weekly keeps only the newest', () => {
    const names = ['notes.txt', archiveName(new Date('2026-11-01T18:00:00Z')), archiveName(new Date('2026-11-02T18:00:00Z'))];
    expect([...archivesToKeep(names, { daily: 1, weekly: 0 })]).toEqual([names[2]]);
  });
});
