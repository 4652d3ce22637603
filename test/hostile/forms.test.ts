import * as cheerio from 'cheerio';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { seedDemo, DEMO_PASSWORD } from '../../src/demo/seed.js';
import { seedsDir } from '../../src/paths.js';
import { createUser, PASSWORD } from '../helpers/factories.js';
import { loggedInAgent, type Agent } from '../helpers/http.js';
import { createTestPortal, testClock } from '../helpers/portal.js';

const PAYLOADS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' OR 1=1 --",
  'a'.repeat(100_000),
  'ctl\u0000\u0001\u0007\u001b[31m\u007f',
  // Spreadsheet formulas (issue 15.4): stored as typed, never run from a CSV.
  '=HYPERLINK("http://x","y")',
  "+cmd|' /C calc'!A0",
];
const RAW_MARKERS = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>'];

type Form = { page: string; action: string; method: string; multipart: boolean; fields: [string, string][]; textFields: string[] };

/** Every form on a page as a browser would submit it: its current values, and which fields take text. */
function formsOn(page: string, html: string): Form[] {
  const $ = cheerio.load(html);
  return $('form').map((_, form) => {
    const f = $(form);
    const fields: [string, string][] = [];
    const textFields: string[] = [];
    f.find('input, textarea, select').each((__, el) => {
      const input = $(el);
      const name = input.attr('name');
      const type = (input.attr('type') ?? (el.tagName === 'textarea' ? 'textarea' : el.tagName === 'select' ? 'select' : 'text')).toLowerCase();
      if (!name || type === 'file' || type === 'submit') return;
      if ((type === 'checkbox' || type === 'radio') && input.attr('checked') === undefined) return;
      const value = el.tagName === 'textarea' ? input.text() : el.tagName === 'select' ? String(input.find('option[selected]').val() ?? input.find('option').eq(1).val() ?? '') : String(input.val() ?? '');
      fields.push([name, value]);
      if (['text', 'textarea', 'search', 'email', 'url', 'tel', 'password'].includes(type) && name !== '_csrf') textFields.push(name);
    });
    return { page, action: f.attr('action') ?? page, method: (f.attr('method') ?? 'get').toLowerCase(), multipart: f.attr('enctype') === 'multipart/form-data', fields, textFields: [...new Set(textFields)] };
  }).get();
}

async function submit(agent: Agent, form: Form, field: string, payload: string) {
  const values = form.fields.map(([k, v]): [string, string] => [k, k === field ? payload : v]);
  if (form.method === 'get') return agent.get(`${form.action}?${new URLSearchParams(values).toString()}`);
  let req = agent.post(form.action);
  if (form.multipart) {
    for (const [k, v] of values) req = req.field(k, v);
    return req;
  }
  return req.type('form').send(new URLSearchParams(values).toString());
}

describe('hostile input in every text field of every form', () => {
  it('never a 500, never echoed unescaped', async () => {
    const { app, db } = createTestPortal({ ipThrottle: { maxFailures: 10_000, windowMs: 60_000 } });
    await seedDemo(db, seedsDir, testClock());
    // The secretariat role is played by an extra account, so payloads may rewrite the demo accounts
    // (user 1 is the demo admin) without locking the test out.
    const tester = createUser(db, 'secretariat');
    // A survey open for members, with a free-text question (issue 22.4).
    db.prepare(`INSERT INTO surveys (title, audience, opens_on, closes_on, created_at, updated_at) VALUES ('評価', 'both', '2026-01-01', '2099-12-31', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`).run();
    db.prepare(`INSERT INTO survey_questions (survey_id, position, kind, text) VALUES (1, 1, 'text', 'ご意見')`).run();
    const password = (loginId: string) => (loginId === tester.loginId ? PASSWORD : DEMO_PASSWORD);
    const pagesByRole: [string | null, string[]][] = [
      [null, ['/', '/login', '/search', '/guidebook']],
      ['fujisawa', ['/search', '/guidebook', '/entries/1', '/my/issues', '/peers', '/peers/3/message', '/surveys/1']],
      ['vendor1', ['/my/entries', '/my/entries/new', '/my/entries/1/edit', '/my/entries/1/delete']],
      [tester.loginId, ['/admin', '/admin/entries', '/admin/entries/1', '/admin/genres', '/admin/genres/2', '/admin/types', '/admin/orgs', '/admin/orgs/1', '/admin/users', '/admin/users/1', '/admin/security', '/admin/freshness', '/admin/synonyms',
        '/admin/insights', '/admin/insights/genres/3/request', '/admin/insights/report', '/admin/genres/3/split', '/admin/genres/snapshots', '/admin/surveys/new',
        '/admin/surveys/1/edit']],
    ];
    const failures: string[] = [];
    let submissions = 0;
    for (const [loginId, pages] of pagesByRole) {
      for (const page of pages) {
        // A fresh session for each page, so a payload that logs out or changes a password cannot hide the next.
        const fresh = async () => (loginId ? loggedInAgent(app, loginId, password(loginId)) : request.agent(app));
        let agent = await fresh();
        const forms = formsOn(page, (await agent.get(page)).text).filter((f) => f.action !== '/logout');
        for (const form of forms) {
          for (const field of form.textFields) {
            for (const payload of PAYLOADS) {
              const res = await submit(agent, form, field, payload);
              submissions++;
              const label = `${form.method.toUpperCase()} ${form.action} [${field}] ${JSON.stringify(payload.slice(0, 20))} → ${res.status}`;
              if (res.status >= 500) failures.push(label);
              const body = res.text ?? '';
              if (RAW_MARKERS.some((m) => body.includes(m))) failures.push(`${label}: echoed unescaped`);
              if (res.status === 303 || res.status === 302) {
                const follow = await agent.get(res.headers.location!);
                if (follow.status >= 500 || RAW_MARKERS.some((m) => follow.text.includes(m))) failures.push(`${label} then ${res.headers.location}`);
              }
              if (form.action === '/login' || res.status === 403) agent = await fresh();
            }
          }
        }
      }
    }
    expect(submissions).toBeGreaterThan(300);
    expect(failures).toEqual([]);
    // Whatever was stored is shown escaped everywhere: the admin lists carry no raw markup.
    const admin = await loggedInAgent(app, tester.loginId, PASSWORD);
    for (const page of ['/admin/genres', '/admin/types', '/admin/orgs', '/admin/users', '/admin/entries', '/search/results', '/', '/admin/insights', '/admin/surveys', '/admin/surveys/1']) {
      const html = (await admin.get(page)).text;
      expect(RAW_MARKERS.filter((m) => html.includes(m)), page).toEqual([]);
    }
    // Whatever was stored, no cell of a CSV the portal writes begins as a formula.
    for (const csv of ['/admin/export.csv', '/search/results.csv', '/admin/insights/found-nothing-keywords.csv', '/admin/surveys/1/results.csv']) {
      const cells = (parse((await admin.get(csv)).text, { bom: true, relax_column_count: true })).flat();
      expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c)), csv).toEqual([]);
    }
  }, 240_000);
});

describe('hostile requests', () => {
  it('invalid UTF-8 percent-encodings, path traversal on id and file routes, wrong methods › 4xx, never 500', async () => {
    const { app, db } = createTestPortal();
    await seedDemo(db, seedsDir, testClock());
    const agent = await loggedInAgent(app, 'admin', DEMO_PASSWORD);
    const paths = [
      '/search/results?q=%E0%A4%A', '/search/results?q=%FF%FE', '/search/results?genre=%C0%AF', '/login?next=%E0%A4%A',
      '/entries/..%2F..%2Fpackage.json', '/entries/1/attachment/..%2F..%2Fetc%2Fpasswd', '/entries/%2E%2E/attachment',
      '/my/entries/..%2F1', '/admin/entries/..%2F..', '/admin/genres/%00', '/guidebook/items/..%2F1', '/peers/..%2F3/message', '/peers/%00/message', '/css/..%2F..%2Fpackage.json',
      '/assets/design-tokens/..%2F..%2F..%2Fpackage.json', '/js/%2e%2e/%2e%2e/package.json', '/%E0%A4%A',
    ];
    for (const path of paths) {
      const res = await agent.get(path);
      expect(res.status, path).toBeLessThan(500);
      expect(res.text, path).not.toContain('"name": "applic-matching-portal"');
    }
    for (const [method, path] of [['put', '/login'], ['delete', '/entries/1'], ['patch', '/admin/genres/1'], ['put', '/my/entries/1']] as const) {
      const res = await agent[method](path);
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD, POST');
    }
  });

  it('a login form POSTed from another origin without the token › 403', async () => {
    const { app } = createTestPortal();
    const res = await request(app).post('/login').set('Origin', 'https://evil.example').type('form').send({ login_id: 'admin', password: 'x' });
    expect(res.status).toBe(403);
  });
});
