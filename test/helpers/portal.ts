import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import pino from 'pino';
import { createPortal, type AppDeps } from '../../src/app.js';
import type { Clock } from '../../src/clock.js';
import { openDatabase, type Db } from '../../src/db/connection.js';
import { migrate } from '../../src/db/migrate.js';
import { auditRepository } from '../../src/features/audit/audit.repository.js';
import { entriesRepository } from '../../src/features/entries/entries.repository.js';
import { entryLinksRepository } from '../../src/features/entry-links/entry-links.repository.js';
import { myEntriesRepository } from '../../src/features/my-entries/my-entries.repository.js';
import { myEntriesService } from '../../src/features/my-entries/my-entries.service.js';
import { linkTo } from '../../src/mail/links.js';
import { outboxRepository } from '../../src/mail/outbox.repository.js';
import { migrationsDir } from '../../src/paths.js';

/** Where the test portal says it lives, in the links of its mails. */
export const PUBLIC_URL = 'https://portal.applic.example.jp';

export const TEST_SESSION_SECRET = 'test-session-secret-that-is-long-enough-0123456789';

/** A clock the test can move; starts at a fixed instant. */
export function testClock(start = '2026-11-26T04:11:00.000Z'): Clock & { advance(ms: number): void } {
  let now = Date.parse(start);
  return { now: () => new Date(now), advance: (ms) => void (now += ms) };
}

export function tempDir(prefix = 'portal-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export type TestPortal = {
  app: Express;
  db: Db;
  dbPath: string;
  clock: ReturnType<typeof testClock>;
  uploadDir: string;
  /** A second app on the same database file, as after a restart of the server. */
  restart(): Express;
};

type PortalOptions = Partial<Pick<AppDeps, 'lockPolicy' | 'ipThrottle' | 'clock' | 'mailer' | 'linkCheck' | 'assetsDir' | 'pdfText'>> & {
  config?: Partial<AppDeps['config']>;
  uploadDir?: string;
};

/** The real app on a given database, with silent logs and the test session secret. */
export function appOn(db: Db, options: PortalOptions = {}): Express {
  return portalOn(db, options).app;
}

/** The app and its background jobs (the saved searches' digests), sharing one search index. */
export function portalOn(db: Db, options: PortalOptions = {}): ReturnType<typeof createPortal> {
  return createPortal({
    db,
    config: {
      nodeEnv: 'test', trustProxy: false, sessionIdleMinutes: 30, uploadDir: options.uploadDir ?? tempDir('uploads-'),
      adminEmail: 'secretariat@applic.example.jp', publicUrl: PUBLIC_URL,
      backup: { dir: tempDir('backups-'), keepDaily: 7, keepWeekly: 8, hour: 3 }, usageRetentionDays: 730, ...options.config,
    },
    mailer: options.mailer,
    sessionSecret: TEST_SESSION_SECRET,
    clock: options.clock ?? testClock(),
    logger: pino({ level: 'silent' }),
    lockPolicy: options.lockPolicy,
    ipThrottle: options.ipThrottle,
    linkCheck: options.linkCheck,
    // Read at normal priority here (pdf-text.extractor.ts, `nice`): the tests share the cores.
    pdfText: { nice: 0, ...options.pdfText },
    assetsDir: options.assetsDir,
  });
}

/**
 * A migrated database in a fresh temporary file and the real app on it. Its clock starts at a fixed
 * instant, or at `startsAt` (a test whose times are judged by another party too: an OIDC issuer).
 */
export function createTestPortal(options: Omit<PortalOptions, 'clock'> & { startsAt?: string } = {}): TestPortal {
  const dbPath = path.join(tempDir(), 'portal.db');
  const db = openDatabase(dbPath);
  migrate(db, migrationsDir);
  const { startsAt, ...appOptions } = options;
  const clock = testClock(startsAt);
  const uploadDir = options.uploadDir ?? tempDir('uploads-');
  const build = (database: Db) => appOn(database, { ...appOptions, clock, uploadDir });
  return { app: build(db), db, dbPath, clock, uploadDir, restart: () => build(openDatabase(dbPath)) };
}

/** The registrant-side service on a test database, for what runs outside requests (draft cleanup). */
export function myEntriesServiceOn(db: Db, uploadDir: string, clock: Clock) {
  return myEntriesService({
    db, repository: myEntriesRepository(db), entries: entriesRepository(db), links: entryLinksRepository(db), audit: auditRepository(db),
    outbox: outboxRepository(db), clock, logger: pino({ level: 'silent' }), uploadDir, adminEmail: 'secretariat@applic.example.jp',
    link: linkTo(PUBLIC_URL),
  });
}
