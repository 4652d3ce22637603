import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_UPLOAD_BYTES } from '../../src/middleware/upload.js';
import { projectRoot } from '../../src/paths.js';
import { listen } from '../helpers/browser.js';
import { createGenre, createUser, PASSWORD } from '../helpers/factories.js';
import { PDF_BYTES } from '../helpers/entry-form.js';
import { $ } from '../helpers/http.js';
import { createTestPortal, tempDir, type TestPortal } from '../helpers/portal.js';
import { freePort } from '../helpers/spawn.js';

const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
/** Like the browser tests: where nginx is missing a local run says so; CI installs it and always runs this. */
const nginxAvailable = fs.existsSync(NGINX) || process.env.CI === 'true';
if (!nginxAvailable) console.warn(`\n⚠ nginx のテストを実行しませんでした：${NGINX} がありません（Debian: apt-get install -y nginx）。\n`);

/** The client comes from a loopback address of its own, so the portal can tell it from nginx (127.0.0.1). */
const CLIENT_ADDRESS = '127.0.0.2';

/** Resolves once something accepts connections on the port (nginx writes its pid before it listens). */
async function accepting(port: number): Promise<void> {
  const end = Date.now() + 10_000;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.end(() => resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > end) throw new Error(`nothing listens on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

type Answer = { status: number; headers: http.IncomingHttpHeaders; body: string };

/** One request over HTTPS to nginx, trusting only the test's own certificate, with the cookies of `jar`. */
function send(port: number, ca: Buffer, jar: Map<string, string>, method: string, pathname: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const req = https.request({
      host: '127.0.0.1', port, method, path: pathname, ca, servername: 'localhost', localAddress: CLIENT_ADDRESS,
      headers: { ...(cookie ? { Cookie: cookie } : {}), ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}), ...headers },
    }, (res) => {
      for (const line of res.headers['set-cookie'] ?? []) {
        const [pair] = line.split(';');
        const at = pair!.indexOf('=');
        jar.set(pair!.slice(0, at), pair!.slice(at + 1));
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function multipart(fields: Record<string, string | string[]>, file?: { name: string; bytes: Buffer }): { body: Buffer; type: string } {
  const boundary = `----portal-test-${Date.now()}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${v}\r\n`));
  }
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="attachment"; filename="${file.name}"\r\nContent-Type: application/pdf\r\n\r\n`), file.bytes, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

describe.skipIf(!nginxAvailable)('the deployment: the portal behind Debian\'s nginx with TLS (deploy/nginx/applic-portal.conf)', () => {
  const env = {} as { portal: TestPortal; served: { url: string; close(): Promise<void> }; nginx: ChildProcess; https: number; http: number; ca: Buffer; dir: string };

  beforeAll(async () => {
    env.dir = tempDir('nginx-');
    const { dir } = env;
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    env.ca = fs.readFileSync(path.join(dir, 'cert.pem'));
    // TRUST_PROXY=1, as deploy/systemd/env.example sets it.
    env.portal = createTestPortal({ config: { trustProxy: 1 } });
    env.served = await listen(env.portal.app);
    const appPort = new URL(env.served.url).port;
    [env.https, env.http] = [await freePort(), await freePort()];

    // The shipped site, with only the loopback ports, certificate, upstream and folders put in.
    const site = fs.readFileSync(path.join(projectRoot, 'deploy', 'nginx', 'applic-portal.conf'), 'utf8')
      .replace(/^\s*listen \[::\].*$/gm, '')
      .replace('listen 80;', `listen 127.0.0.1:${env.http};`)
      .replace('listen 443 ssl http2;', `listen 127.0.0.1:${env.https} ssl http2;`)
      .replace('/etc/ssl/applic-portal/fullchain.pem', path.join(dir, 'cert.pem'))
      .replace('/etc/ssl/applic-portal/privkey.pem', path.join(dir, 'key.pem'))
      .replace('http://127.0.0.1:3000', `http://127.0.0.1:${appPort}`)
      .replace('/opt/applic-portal/deploy/nginx', path.join(projectRoot, 'deploy', 'nginx'))
      .replace(/\/var\/log\/nginx\//g, `${dir}/`);
    expect(site.replace(/#.*$/gm, '')).not.toMatch(/3000|\/etc\/ssl|\/var\/log|\/opt\//);
    fs.writeFileSync(path.join(dir, 'site.conf'), site);
    fs.writeFileSync(path.join(dir, 'nginx.conf'), `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n` +
      `  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;\n` +
      `  access_log ${dir}/access.log;\n  include ${dir}/site.conf;\n}\n`);
    execFileSync(NGINX, ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: 'pipe' });
    env.nginx = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
    for (const port of [env.http, env.https]) await accepting(port);
  });

  afterAll(async () => {
    env.nginx?.kill('SIGQUIT');
    await env.served?.close();
  });

  it('HTTP moves to HTTPS; over HTTPS the session cookie is Secure; the login rules see the client\'s address and not one it wrote itself', async () => {
    const redirect = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: env.http, path: '/search?x=1', localAddress: CLIENT_ADDRESS }, resolve).on('error', reject);
    });
    expect(redirect.statusCode).toBe(301);
    expect(redirect.headers.location).toMatch(/^https:\/\/127\.0\.0\.1(:\d+)?\/search\?x=1$/);

    const user = createUser(env.portal.db, 'municipality');
    const jar = new Map<string, string>();
    const page = await send(env.https, env.ca, jar, 'GET', '/login');
    expect(page.status).toBe(200);
    expect(page.headers['strict-transport-security']).toMatch(/^max-age=31536000/);
    expect(page.headers['strict-transport-security']).not.toContain(', max-age'); // once: from the portal, not again from nginx
    const token = $(page.body)('form[action="/login"] input[name="_csrf"]').val() as string;
    const form = new URLSearchParams({ _csrf: token, login_id: user.loginId, password: PASSWORD }).toString();
    const login = await send(env.https, env.ca, jar, 'POST', '/login', form, {
      'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': '203.0.113.9',
    });
    expect(login.status).toBe(302);
    const sessionCookie = (login.headers['set-cookie'] ?? []).find((c) => c.startsWith('portal.sid='))!;
    expect(sessionCookie).toMatch(/;\s*Secure/i);
    expect(sessionCookie).toMatch(/;\s*HttpOnly/i);
    const event = env.portal.db.prepare(`SELECT ip FROM login_events WHERE login_id = ? ORDER BY id DESC`).pluck().get(user.loginId);
    expect(event).toBe(CLIENT_ADDRESS);
    // Logged in through nginx.
    expect($((await send(env.https, env.ca, jar, 'GET', '/')).body)('.account-state').length).toBe(1);
  });

  it('an entry with a PDF just under the upload limit passes through nginx to the portal; a larger body gets nginx\'s Japanese page', async () => {
    const genre = createGenre(env.portal.db, '防災');
    const vendor = createUser(env.portal.db, 'vendor');
    const jar = new Map<string, string>();
    const loginPage = await send(env.https, env.ca, jar, 'GET', '/login');
    const token = $(loginPage.body)('form[action="/login"] input[name="_csrf"]').val() as string;
    await send(env.https, env.ca, jar, 'POST', '/login', new URLSearchParams({ _csrf: token, login_id: vendor.loginId, password: PASSWORD }).toString(), { 'Content-Type': 'application/x-www-form-urlencoded' });
    const formPage = $((await send(env.https, env.ca, jar, 'GET', '/my/entries/new')).body);
    const fields = {
      _csrf: formPage('form[enctype="multipart/form-data"] input[name="_csrf"]').val() as string,
      type: '1', title: '大きなカタログ', summary: '10MBに近いPDFです。', genre: [String(genre)], contact_company: '株式会社テスト',
      contact_name: '山田', contact_phone: '03-1234-5678', contact_email: 'yamada@example.jp', agree_terms: '1',
    };
    const nearLimit = Buffer.concat([PDF_BYTES, Buffer.alloc(MAX_UPLOAD_BYTES - PDF_BYTES.length - 1024, 0x20)]);
    const upload = multipart(fields, { name: 'catalog.pdf', bytes: nearLimit });
    const confirm = await send(env.https, env.ca, jar, 'POST', '/my/entries/confirm', upload.body, { 'Content-Type': upload.type });
    expect(confirm.status).toBe(200);
    expect($(confirm.body)('h1').text()).toContain('確認');
    expect(confirm.body).toContain('catalog.pdf');

    const tooLarge = multipart(fields, { name: 'huge.pdf', bytes: Buffer.alloc(12 * 1024 * 1024, 0x20) });
    const refused = await send(env.https, env.ca, jar, 'POST', '/my/entries/confirm', tooLarge.body, { 'Content-Type': tooLarge.type });
    expect(refused.status).toBe(413);
    expect($(refused.body)('h1').text()).toBe('送信できる大きさを超えています');
    expect($(refused.body)('html').attr('lang')).toBe('ja');
  });
});
