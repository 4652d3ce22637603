import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemo } from '../../src/demo/seed.js';
import { projectRoot, seedsDir } from '../../src/paths.js';
import { createUser } from '../helpers/factories.js';
import { login } from '../helpers/http.js';
import { createTestPortal, testClock } from '../helpers/portal.js';

const count = (db: ReturnType<typeof createTestPortal>['db'], sql: string) => db.prepare(sql).pluck().get() as number;

describe('demo data', () => {
  it('an empty database › gets a three-level genre tree of at least 10 issues', async () => {
    const { db } = createTestPortal();
    await seedDemo(db, seedsDir, testClock());
    const tops = db.prepare('SELECT name FROM genres WHERE parent_id IS NULL').pluck().all();
    expect(tops.length).toBeGreaterThanOrEqual(10);
    expect(tops).toEqual(expect.arrayContaining(['防災', '観光', '教育', '環境', '産業', '福祉', '医療', '交通', '子育て', '行政運営']));
    const depth = count(db, `
      WITH RECURSIVE tree(id, depth) AS (
        SELECT id, 1 FROM genres WHERE parent_id IS NULL
        UNION ALL SELECT g.id, t.depth + 1 FROM genres g JOIN tree t ON g.parent_id = t.id)
      SELECT max(depth) FROM tree`);
    expect(depth).toBe(3);
  });

  it('an empty database › gets municipalities, vendors and the secretariat, each with users', async () => {
    const { db } = createTestPortal();
    await seedDemo(db, seedsDir, testClock());
    const municipalities = db.prepare(`SELECT name FROM organisations WHERE kind = 'municipality'`).pluck().all();
    expect(municipalities).toEqual(expect.arrayContaining(['藤沢市', '三鷹市', '倉敷市']));
    expect(count(db, `SELECT count(*) FROM organisations WHERE kind = 'vendor'`)).toBeGreaterThanOrEqual(3);
    expect(count(db, `SELECT count(*) FROM organisations WHERE kind = 'secretariat'`)).toBe(1);
    expect(count(db, `SELECT count(*) FROM organisations o WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.organisation_id = o.id)`)).toBe(0);
  });

  it('an empty database › gets at least 70 entries across the three info types, all indexed for keywords, and likes', async () => {
    const { db } = createTestPortal();
    await seedDemo(db, seedsDir, testClock());
    expect(count(db, 'SELECT count(*) FROM entries')).toBeGreaterThanOrEqual(70);
    const perType = db.prepare('SELECT t.name, count(e.id) AS n FROM info_types t LEFT JOIN entries e ON e.type_id = t.id GROUP BY t.id').all() as { n: number }[];
    for (const { n } of perType) expect(n).toBeGreaterThanOrEqual(10);
    expect(count(db, 'SELECT count(*) FROM entry_search')).toBe(count(db, 'SELECT count(*) FROM entries'));
    expect(count(db, `SELECT count(*) FROM entries e WHERE NOT EXISTS (SELECT 1 FROM entry_genres g WHERE g.entry_id = e.id)`)).toBe(0);
    expect(count(db, 'SELECT count(*) FROM likes')).toBeGreaterThan(10);
    // Likes come from municipalities only, as in the portal.
    expect(count(db, `SELECT count(*) FROM likes l JOIN organisations o ON o.id = l.organisation_id WHERE o.kind <> 'municipality'`)).toBe(0);
  });

  it('some demo products have a downloadable PDF brochure in the upload folder', async () => {
    const { app, db, uploadDir } = createTestPortal();
    await seedDemo(db, seedsDir, testClock(), uploadDir);
    const attachments = db.prepare('SELECT entry_id AS entryId, stored_name AS storedName, size FROM attachments').all() as { entryId: number; storedName: string; size: number }[];
    expect(attachments.length).toBeGreaterThanOrEqual(10);
    for (const a of attachments) {
      const bytes = fs.readFileSync(path.join(uploadDir, a.storedName));
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(bytes.length).toBe(a.size);
    }
    const agent = request.agent(app);
    await login(agent, 'fujisawa', DEMO_PASSWORD);
    const res = await agent.get(`/entries/${attachments[0]!.entryId}/attachment`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
  });

  it('the demo logins work with the printed password', async () => {
    const { app, db } = createTestPortal();
    const logins = await seedDemo(db, seedsDir, testClock());
    expect(logins?.map((l) => l.loginId)).toEqual(expect.arrayContaining(['admin', 'vendor1', 'fujisawa']));
    expect((await login(request.agent(app), 'admin', DEMO_PASSWORD)).status).toBe(302);
  });

  it('a second run, or a database with real data, is left untouched', async () => {
    const { db } = createTestPortal();
    await seedDemo(db, seedsDir, testClock());
    const entries = count(db, 'SELECT count(*) FROM entries');
    expect(await seedDemo(db, seedsDir, testClock())).toBeNull();
    expect(count(db, 'SELECT count(*) FROM entries')).toBe(entries);

    const other = createTestPortal();
    createUser(other.db, 'secretariat');
    expect(await seedDemo(other.db, seedsDir, testClock())).toBeNull();
    expect(count(other.db, 'SELECT count(*) FROM entries')).toBe(0);
    expect(count(other.db, 'SELECT count(*) FROM genres')).toBe(0);
  });

  it('the README lists every demo login', async () => {
    const { db } = createTestPortal();
    const logins = (await seedDemo(db, seedsDir, testClock())) ?? [];
    const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
    expect(readme).toContain(DEMO_PASSWORD);
    for (const { loginId } of logins) expect(readme).toContain(`\`${loginId}\``);
  });
});
