import { describe, expect, it } from 'vitest';
import { axeViolations, browserAvailable, loginAs, useDemoBrowser } from '../helpers/browser.js';

// A demo municipality with an issue profile, whose page shows it.
let cityWithProfile = 0;
// Issue 22: a genre no entry is tagged with (with a search for it), a genre to merge into, a fiscal-year
// tree, a survey with answers.
let unsuppliedGenre = 0;
let mergeTarget = 0;
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
  unsuppliedGenre = db.prepare(`SELECT id FROM genres g WHERE NOT EXISTS (SELECT 1 FROM entry_genres WHERE genre_id = g.id) AND parent_id IS NOT NULL ORDER BY id LIMIT 1`).pluck().get() as number;
  mergeTarget = db.prepare(`SELECT id FROM genres WHERE parent_id IS NULL AND id <> 2 AND id NOT IN (SELECT parent_id FROM genres WHERE id = 2) ORDER BY id DESC LIMIT 1`).pluck().get() as number;
  db.prepare(`INSERT INTO usage_searches (at, day, organisation_kind, q, genre_ids, hits) VALUES ('2026-11-26T00:00:00Z', '2026-11-26', 'municipality', '', ?, 0)`).run(`[${unsuppliedGenre}]`);
  db.prepare(`INSERT INTO usage_daily_genres (day, genre_id, organisation_kind, searches, found_nothing) VALUES ('2026-11-26', ?, 'municipality', 1, 1)`).run(unsuppliedGenre);
  db.prepare(`INSERT INTO genre_snapshots (fiscal_year, genres, created_at) VALUES (2026, '[]', '2026-11-01T00:00:00Z')`).run();
  db.prepare(`INSERT INTO surveys (title, description, audience, opens_on, closes_on, created_at, updated_at) VALUES ('試行の評価', '', 'both', '2026-11-01', '2099-12-31', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')`).run();
  db.prepare(`INSERT INTO survey_questions (survey_id, position, kind, text, choices, required) VALUES (1, 1, 'choice', '役に立ちましたか', '["はい","いいえ"]', 1), (1, 2, 'scale', '使いやすさ', '[]', 0), (1, 3, 'text', 'ご意見', '[]', 0)`).run();
  db.prepare(`INSERT INTO survey_responses (survey_id, user_id, organisation_kind, submitted_at) SELECT 1, id, 'municipality', '2026-11-26T00:00:00Z' FROM users WHERE login_id = 'fujisawa'`).run();
  db.prepare(`INSERT INTO survey_answers (response_id, question_id, choice, scale, text) VALUES (1, 1, 0, NULL, NULL), (1, 2, NULL, 4, NULL), (1, 3, NULL, NULL, '便利です')`).run();
});

describe.skipIf(!browserAvailable)('secretariat screens in a real browser', () => {
  it('axe-core finds no WCAG 2.0 A/AA violation on any admin page', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await loginAs(page, env.base.url, 'admin');
    const pages = ['/admin', '/admin/entries', '/admin/entries/1', '/admin/genres', '/admin/genres/2', '/admin/types', '/admin/orgs',
      '/admin/orgs/1', `/admin/orgs/${cityWithProfile}`, '/admin/users', '/admin/users/1', '/admin/security', '/admin/mail', '/admin/import', '/admin/freshness', '/admin/review', '/admin/system', '/admin/security/shared-ranges', '/admin/synonyms',
      '/admin/qa', '/admin/qa/1', '/admin/insights', `/admin/insights/genres/${unsuppliedGenre}/request`, '/admin/insights/report',
      '/admin/genres/2/merge', `/admin/genres/2/merge?into=${mergeTarget}`, '/admin/genres/2/move', `/admin/genres/2/move?parent_id=${mergeTarget}`,
      '/admin/genres/2/split', '/admin/genres/snapshots', '/admin/genres/snapshots/2026', '/admin/surveys', '/admin/surveys/new', '/admin/surveys/1',
      '/admin/surveys/1/edit'];
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
