import { describe, expect, it } from 'vitest';
import { axeViolations, browserAvailable, loginAs, useDemoBrowser } from '../helpers/browser.js';

// A demo municipality with an issue profile, whose page shows it.
let cityWithProfile = 0;
const env = useDemoBrowser((portal) => {
  const { db } = portal;
  cityWithProfile = db.prepare('SELECT organisation_id FROM organisation_profiles ORDER BY organisation_id LIMIT 1').pluck().get() as number;
  db.prepare(`INSERT INTO login_events (at, login_id, ip, success, reason) VALUES ('2026-11-26T00:00:00Z', 'x', '127.0.0.9', 1, 'ok')`).run();
  db.prepare(`INSERT INTO login_anomalies (kind, login_event_id, at, ip, detail) VALUES ('shared-ip', 1, '2026-11-26T00:00:00Z', '127.0.0.9', '{}')`).run();
  // A ledger record from /contact, answered, with its history (issue 21.4).
  db.prepare(`INSERT INTO qa_records (category, subject, body, status, answer, entry_id, asker_user_id, asker_organisation_id, source, created_at, updated_at, answered_at)
              SELECT 'product', '価格について', '概算を知りたい', 'answered', '登録団体を紹介しました。', 1, u.id, u.organisation_id, 'contact', '2026-11-26T00:00:00Z', '2026-11-27T00:00:00Z', '2026-11-27T00:00:00Z'
                FROM users u WHERE u.login_id = 'fujisawa'`).run();
  db.prepare(`INSERT INTO audit_log (at, user_id, organisation_id, ip, action, target_type, target_id, diff)
              SELECT '2026-11-27T00:00:00Z', u.id, u.organisation_id, '127.0.0.1', 'qa.update', 'qa_record', 1, '{"status":["open","answered"]}' FROM users u WHERE u.login_id = 'admin'`).run();
});

describe.skipIf(!browserAvailable)('secretariat screens in a real browser', () => {
  it('axe-core finds no WCAG 2.0 A/AA violation on any admin page', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await loginAs(page, env.base.url, 'admin');
    const pages = ['/admin', '/admin/entries', '/admin/entries/1', '/admin/genres', '/admin/genres/2', '/admin/types', '/admin/orgs',
      '/admin/orgs/1', `/admin/orgs/${cityWithProfile}`, '/admin/users', '/admin/users/1', '/admin/security', '/admin/mail', '/admin/import', '/admin/freshness', '/admin/review', '/admin/system', '/admin/security/shared-ranges', '/admin/synonyms',
      '/admin/qa', '/admin/qa/1'];
    const found: Record<string, string[]> = {};
    for (const path of pages) {
      const res = await page.goto(env.base.url + path);
      expect(res?.status(), path).toBe(200);
      const violations = await axeViolations(page);
      if (violations.length > 0) found[path] = violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
    }
    expect(found).toEqual({});
    await context.close();
  });
});
