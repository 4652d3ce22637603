import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveOnLoopback } from '../helpers/address-client.js';
import { createEntry, createUser, PASSWORD } from '../helpers/factories.js';
import request from 'supertest';
import { $, csrfFrom, login, sessionCookie } from '../helpers/http.js';
import { appOn, createTestPortal } from '../helpers/portal.js';

/** A raw request, written byte by byte, so the body can be anything (supertest would fix it up). */
function rawPost(port: number, path: string, cookie: string, contentType: string, body: Buffer | string) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1');
    const req = http.request({
      host: '127.0.0.1', port, path, method: 'POST',
      headers: { Cookie: cookie, 'Content-Type': contentType, 'Content-Length': bytes.length },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.write(bytes);
    req.end();
  });
}

const B = 'portal-boundary';
const part = (name: string, value: string) => `--${B}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;

/** Every malformed body of the issue, and a few neighbours, as [label, content type, body]. */
function variants(token: string, fileField: string): [string, string, string][] {
  const good = part('_csrf', token) + part('title', 'タイトル');
  const file = (filename: string) => `--${B}\r\nContent-Disposition: form-data; name="${fileField}"; filename="${filename}"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 x\r\n`;
  return [
    ['no boundary parameter', 'multipart/form-data', `${good}--${B}--\r\n`],
    ['a boundary that is not in the body', 'multipart/form-data; boundary=other', `${good}--${B}--\r\n`],
    ['an empty boundary', 'multipart/form-data; boundary=', `${good}--${B}--\r\n`],
    ['a truncated body (no closing boundary)', `multipart/form-data; boundary=${B}`, `${good}${file('a.pdf')}`],
    ['a body cut inside a header', `multipart/form-data; boundary=${B}`, `${good}--${B}\r\nContent-Disposition: form-da`],
    ['a NUL in a file name', `multipart/form-data; boundary=${B}`, `${good}${file('re\u0000port.pdf')}--${B}--\r\n`],
    ['a malformed part header', `multipart/form-data; boundary=${B}`, `${good}--${B}\r\nthis is not a header\r\n\r\nx\r\n--${B}--\r\n`],
    ['a part without a name', `multipart/form-data; boundary=${B}`, `${good}--${B}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--${B}--\r\n`],
  ];
}

const leaks = (text: string) => /node_modules|\/src\/|\/work\/|\bat [\w.<>]+ \(|Error:|\.ts:\d+/.test(text);

describe('malformed multipart bodies answer 400 with the form, never 500 (issue 15.13, contract: Trust rules)', () => {
  const portal = createTestPortal();
  const vendor = createUser(portal.db, 'vendor');
  const admin = createUser(portal.db, 'secretariat');
  const entryId = createEntry(portal.db, vendor, { title: '既存の製品' });
  // As `npm start` runs it: NODE_ENV unset means production (no stack, no paths).
  const app = appOn(portal.db, { uploadDir: portal.uploadDir, config: { nodeEnv: 'production' } });
  let server: Awaited<ReturnType<typeof serveOnLoopback>>;
  let vendorCookie = '';
  let adminCookie = '';
  let vendorToken = '';
  let adminToken = '';

  beforeAll(async () => {
    server = await serveOnLoopback(app);
    const cookieOf = async (loginId: string, page: string, action: string) => {
      const agent = request.agent(app);
      const cookie = `portal.sid=${sessionCookie((await login(agent, loginId, PASSWORD)).headers['set-cookie'])}`;
      return { cookie, token: csrfFrom((await agent.get(page)).text, action) };
    };
    ({ cookie: vendorCookie, token: vendorToken } = await cookieOf(vendor.loginId, '/my/entries/new', '/my/entries/confirm'));
    ({ cookie: adminCookie, token: adminToken } = await cookieOf(admin.loginId, '/admin/import', '/admin/import'));
  });
  afterAll(() => server.close());

  const routes = () => [
    { path: '/my/entries/confirm', cookie: vendorCookie, token: vendorToken, field: 'attachment', form: 'form[action="/my/entries/confirm"]' },
    { path: `/my/entries/${entryId}/confirm`, cookie: vendorCookie, token: vendorToken, field: 'attachment', form: `form[action="/my/entries/${entryId}/confirm"]` },
    { path: '/admin/import', cookie: adminCookie, token: adminToken, field: 'file', form: 'form[action="/admin/import"]' },
  ];

  it.each(['/my/entries/confirm', '/my/entries/:id/confirm', '/admin/import'])('%s › every malformed variant: 400, the form again with a message, no stack or path, nothing saved', async (name) => {
    const route = routes().find((r) => r.path.replace(String(entryId), ':id') === name)!;
    const before = portal.db.prepare('SELECT (SELECT count(*) FROM entries) + (SELECT count(*) FROM entry_drafts) + (SELECT count(*) FROM csv_imports)').pluck().get();
    for (const [label, type, body] of variants(route.token, route.field)) {
      const res = await rawPost(server.port, route.path, route.cookie, type, body);
      expect({ label, status: res.status }).toEqual({ label, status: 400 });
      expect({ label, leaks: leaks(res.text) }).toEqual({ label, leaks: false });
      const doc = $(res.text);
      expect({ label, form: doc(route.form).length }).toEqual({ label, form: 1 });
      expect(doc('.error-summary').text()).toContain('送信された内容を読み取れませんでした');
    }
    expect(portal.db.prepare('SELECT (SELECT count(*) FROM entries) + (SELECT count(*) FROM entry_drafts) + (SELECT count(*) FROM csv_imports)').pluck().get()).toBe(before);
  });

  it('the edit form after a malformed body › shows the entry as it is saved, not what partly arrived', async () => {
    const route = routes()[1]!;
    const res = await rawPost(server.port, route.path, route.cookie, `multipart/form-data; boundary=${B}`, `${part('_csrf', route.token)}${part('title', '書き換え')}--${B}\r\nContent-Disposition: form-da`);
    expect(res.status).toBe(400);
    expect($(res.text)('#title').val()).toBe('既存の製品');
  });
});
