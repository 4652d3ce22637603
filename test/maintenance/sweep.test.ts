import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { attachPdf, createEntry, createUser } from '../helpers/factories.js';
import { createTestPortal, portalOn, tempDir } from '../helpers/portal.js';
import { freePort, startServer } from '../helpers/spawn.js';
import { until } from '../helpers/wait.js';

/** What a crash between writing an upload and committing its row leaves: a file under a stored name, no row. */
function leftBehind(uploadDir: string, ageMs: number, bytes = 2 * 1024 * 1024, now = Date.now()): string {
  const name = crypto.randomBytes(16).toString('hex');
  const file = path.join(uploadDir, name);
  fs.writeFileSync(file, Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(bytes)]));
  const at = new Date(now - ageMs);
  fs.utimesSync(file, at, at);
  return name;
}

describe('the sweep of files nothing points to (issue 15.12)', () => {
  it('removes upload files older than an hour that no attachment or draft refers to, and nothing else', () => {
    const portal = createTestPortal();
    const vendor = createUser(portal.db, 'vendor');
    const now = portal.clock.now().getTime();
    const hours = (n: number) => n * 60 * 60_000;
    const orphan = leftBehind(portal.uploadDir, hours(2), 2 * 1024 * 1024, now);
    const young = leftBehind(portal.uploadDir, 10 * 60_000, 1024, now);
    attachPdf(portal.db, portal.uploadDir, createEntry(portal.db, vendor));
    const attached = portal.db.prepare('SELECT stored_name FROM attachments').pluck().get() as string;
    fs.utimesSync(path.join(portal.uploadDir, attached), new Date(now - hours(48)), new Date(now - hours(48)));
    const drafted = leftBehind(portal.uploadDir, hours(3), 1024, now);
    portal.db.prepare(`INSERT INTO entry_drafts (key, user_id, organisation_id, payload, upload_stored_name, upload_original_name,
      upload_size, upload_sha256, created_at) VALUES ('k', ?, ?, '{}', ?, 'a.pdf', 1, ?, ?)`)
      .run(vendor.id, vendor.organisationId, drafted, 'a'.repeat(64), portal.clock.now().toISOString());
    fs.writeFileSync(path.join(portal.uploadDir, 'README.txt'), 'not the portal\'s');

    const { jobs } = portalOn(portal.db, { clock: portal.clock, uploadDir: portal.uploadDir });
    expect(jobs.sweep.run()).toEqual({ drafts: 0, previews: 0, files: 1 });
    expect(fs.readdirSync(portal.uploadDir).sort()).toEqual([attached, drafted, young, 'README.txt'].sort());
    expect(fs.existsSync(path.join(portal.uploadDir, orphan))).toBe(false);
  });

  it('a draft past its lifetime goes, and its file with it on the same pass', async () => {
    const portal = createTestPortal();
    const vendor = createUser(portal.db, 'vendor');
    const now = portal.clock.now().getTime();
    const file = leftBehind(portal.uploadDir, 30 * 60 * 60_000, 1024, now);
    portal.db.prepare(`INSERT INTO entry_drafts (key, user_id, organisation_id, payload, upload_stored_name, upload_original_name,
      upload_size, upload_sha256, created_at) VALUES ('old', ?, ?, '{"values":{},"removeAttachment":false}', ?, 'a.pdf', 1, ?, ?)`)
      .run(vendor.id, vendor.organisationId, file, 'a'.repeat(64), new Date(now - 25 * 60 * 60_000).toISOString());
    const { jobs } = portalOn(portal.db, { clock: portal.clock, uploadDir: portal.uploadDir });
    expect(jobs.sweep.run()).toMatchObject({ drafts: 1 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fs.readdirSync(portal.uploadDir)).toEqual([]);
  });

  it('the server sweeps at start-up › a 2 MB file a crash left behind is gone once it listens, and the log says how many', async () => {
    const dir = tempDir();
    const uploadDir = path.join(dir, 'uploads');
    fs.mkdirSync(uploadDir);
    const orphan = leftBehind(uploadDir, 2 * 60 * 60_000);
    const server = await startServer({
      PORT: String(await freePort()), DATABASE_PATH: path.join(dir, 'portal.db'), UPLOAD_DIR: uploadDir, SEED_DEMO: '0', LOG_LEVEL: 'info',
    });
    try {
      expect(fs.existsSync(path.join(uploadDir, orphan))).toBe(false);
      await until(() => server.output.includes('orphaned upload files removed'));
      expect(server.output).toMatch(/"files":1\b.*orphaned upload files removed/);
    } finally {
      await server.stop();
    }
  });
});
