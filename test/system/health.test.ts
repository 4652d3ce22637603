import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { backupRepository } from '../../src/features/backup/backup.repository.js';
import { backupService } from '../../src/features/backup/backup.service.js';
import { jobRunsRepository } from '../../src/features/system/job-runs.repository.js';
import { startScheduler } from '../../src/features/system/scheduler.js';
import { outboxRepository } from '../../src/mail/outbox.repository.js';
import { createUser, PASSWORD } from '../helpers/factories.js';
import { $, loggedInAgent } from '../helpers/http.js';
import { createTestPortal, tempDir } from '../helpers/portal.js';
import { until } from '../helpers/wait.js';

const silent = pino({ level: 'silent' });

describe('GET /healthz', () => {
  it('200 while the background work runs on time; 503 with the reason when it stops; 200 again when it runs', async () => {
    const portal = createTestPortal();
    const jobRuns = jobRunsRepository(portal.db);
    let runs = 0;
    const scheduler = startScheduler({ jobs: [{ name: 'mail', everyMs: 50, run: () => void runs++ }], jobRuns, clock: portal.clock, logger: silent });
    await until(() => runs >= 2);
    const ok = await request(portal.app).get('/healthz');
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ ok: true, checkedAt: portal.clock.now().toISOString() });
    expect(ok.headers['set-cookie']).toBeUndefined();

    scheduler.stop();
    // Late means no finished run for twice the interval and five minutes more.
    portal.clock.advance(6 * 60_000);
    const down = await request(portal.app).get('/healthz');
    expect(down.status).toBe(503);
    expect((down.body as { problems: string[] }).problems).toEqual([expect.stringContaining('background job mail: no run since')]);

    const again = startScheduler({ jobs: [{ name: 'mail', everyMs: 50, run: () => void runs++ }], jobRuns, clock: portal.clock, logger: silent });
    const before = runs;
    await until(() => runs > before);
    expect((await request(portal.app).get('/healthz')).status).toBe(200);
    again.stop();
  });

  it('503 before any background work has started; no member data in either answer', async () => {
    const portal = createTestPortal();
    createUser(portal.db, 'municipality');
    const res = await request(portal.app).get('/healthz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ ok: false, checkedAt: portal.clock.now().toISOString(), problems: ['background work: not started'] });
  });
});

describe('/admin/system and the dashboard', () => {
  it('the secretariat sees version, sizes, disk, backup, mail and job times, with a warning where a person is needed', async () => {
    const portal = createTestPortal();
    const admin = createUser(portal.db, 'secretariat');
    const agent = await loggedInAgent(portal.app, admin.loginId, PASSWORD);
    const page = $((await agent.get('/admin/system')).text);
    expect(page('h1').text()).toBe('システムの状態');
    expect(page('[data-system-warnings]').text()).toContain('バックアップがまだ一度も成功していません。');
    expect(page('body').text()).toContain('ポータルのバージョン');
    expect($((await agent.get('/admin')).text)('[data-backup-summary]').text()).toContain('まだ一度も成功していません');
    const vendor = createUser(portal.db, 'vendor');
    expect((await (await loggedInAgent(portal.app, vendor.loginId, PASSWORD)).get('/admin/system')).status).toBe(403);
  });

  it('a backup that fails is recorded, mailed to the secretariat, and shown; a good one clears the warning', async () => {
    const portal = createTestPortal();
    const blocked = path.join(tempDir(), 'not-a-folder');
    fs.writeFileSync(blocked, 'a file where the backup folder should be');
    const outbox = outboxRepository(portal.db);
    const make = (dir: string) => backupService({
      db: portal.db, repository: backupRepository(portal.db), outbox, clock: portal.clock, logger: silent,
      uploadDir: portal.uploadDir, adminEmail: 'secretariat@applic.example.jp', portalVersion: 'test', settings: { dir, retention: { daily: 7, weekly: 8 }, hour: 3 },
    });
    const failed = await make(blocked).backup('schedule');
    expect(failed.error).toBeTruthy();
    const mail = outbox.list(5).find((m) => m.kind === 'backup.failed')!;
    expect(mail.to).toEqual(['secretariat@applic.example.jp']);
    expect(mail.subject).toBe('【ＡＰＰＬＩＣ マッチングポータル】バックアップに失敗しました');
    // Not tried again at every check: an hour later.
    expect(make(blocked).nightlyDue()).toBe(false);
    portal.clock.advance(61 * 60_000);
    expect(make(blocked).nightlyDue()).toBe(true);

    const admin = createUser(portal.db, 'secretariat');
    const agent = await loggedInAgent(portal.app, admin.loginId, PASSWORD);
    expect($((await agent.get('/admin')).text)('[data-backup-warning]').text()).toContain('最後のバックアップが失敗しました');
    expect((await make(tempDir('archives-')).backup('schedule')).error).toBeNull();
    expect($((await agent.get('/admin')).text)('[data-backup-warning]').length).toBe(0);
    expect($((await agent.get('/admin/system')).text)('[data-backup-state]').attr('data-backup-state')).toBe('ok');
  });
});
