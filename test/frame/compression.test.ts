import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetSources, buildAssets } from '../../src/assets/assets.js';
import { listen } from '../helpers/browser.js';
import { attachPdf, createEntry, createUser, PASSWORD } from '../helpers/factories.js';
import { $, loggedInAgent } from '../helpers/http.js';
import { createTestPortal, tempDir, type TestPortal } from '../helpers/portal.js';

type Raw = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

/** A GET as the bytes on the wire: no client-side decompression. */
function rawGet(base: string, pathname: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    http.get(`${base}${pathname}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

const decode = (raw: Raw): Buffer => {
  const encoding = raw.headers['content-encoding'];
  if (encoding === 'br') return zlib.brotliDecompressSync(raw.body);
  if (encoding === 'gzip') return zlib.gunzipSync(raw.body);
  return raw.body;
};

describe('compression, negotiated', () => {
  const env = {} as { portal: TestPortal; served: { url: string; close(): Promise<void> }; cookie: string; entry: number };

  beforeAll(async () => {
    env.portal = createTestPortal();
    const vendor = createUser(env.portal.db, 'vendor');
    for (let i = 0; i < 40; i++) env.entry = createEntry(env.portal.db, vendor, { title: `防災製品${i}`, summary: '避難所の運営を支えます。'.repeat(5) });
    attachPdf(env.portal.db, env.portal.uploadDir, env.entry);
    env.served = await listen(env.portal.app);
    const city = createUser(env.portal.db, 'municipality');
    const agent = await loggedInAgent(env.portal.app, city.loginId, PASSWORD);
    const home = await agent.get('/');
    env.cookie = (home.request as unknown as { cookies: string }).cookies ?? '';
  });
  afterAll(() => env.served.close());

  it('a page: brotli where accepted, else gzip, else none; the same HTML either way', async () => {
    const plain = await rawGet(env.served.url, '/search/results');
    expect(plain.headers['content-encoding']).toBeUndefined();
    const gzip = await rawGet(env.served.url, '/search/results', { 'Accept-Encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    const br = await rawGet(env.served.url, '/search/results', { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    // The CSRF token differs between responses; the rest is the same page.
    const strip = (b: Buffer) => b.toString('utf8').replace(/name="_csrf" value="[^"]*"/g, '');
    expect(strip(decode(gzip))).toBe(strip(plain.body));
    expect(strip(decode(br))).toBe(strip(plain.body));
    expect(br.body.length).toBeLessThan(plain.body.length / 4);
  });

  it('the PDF download is never compressed, whatever the browser accepts', async () => {
    const pdf = await rawGet(env.served.url, `/entries/${env.entry}/attachment`, { 'Accept-Encoding': 'br, gzip', Cookie: env.cookie });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-encoding']).toBeUndefined();
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('the results CSV is compressed too', async () => {
    const csv = await rawGet(env.served.url, '/search/results.csv', { 'Accept-Encoding': 'gzip', Cookie: env.cookie });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-encoding']).toBe('gzip');
    expect(decode(csv).toString('utf8')).toContain('防災製品');
  });
});

describe('built static files: content-hashed names, precompressed, cached for a year', () => {
  it('pages link the hashed names; each is served as brotli, gzip or plain with an ETag, and answers 304 to it', async () => {
    const dir = tempDir('assets-');
    const manifest = buildAssets(dir);
    const portal = createTestPortal({ assetsDir: dir });
    const served = await listen(portal.app);
    try {
      const page = $((await rawGet(served.url, '/')).body.toString('utf8'));
      const css = page('link[rel="stylesheet"]').map((_, el) => page(el).attr('href')).get();
      expect(css).toEqual([manifest['/assets/design-tokens/tokens.css'], manifest['/css/portal.css']]);
      expect(page('script[src]').attr('src')).toBe(manifest['/js/portal.js']);
      expect(manifest['/css/portal.css']).toMatch(/^\/static\/portal\.[0-9a-f]{10}\.css$/);

      const source = fs.readFileSync(assetSources()['/css/portal.css']!);
      for (const [accept, encoding] of [['br, gzip', 'br'], ['gzip', 'gzip'], ['', undefined]] as const) {
        const res = await rawGet(served.url, manifest['/css/portal.css']!, accept ? { 'Accept-Encoding': accept } : {});
        expect(res.status).toBe(200);
        expect(res.headers['content-encoding']).toBe(encoding);
        expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
        expect(res.headers['content-type']).toMatch(/^text\/css/);
        expect(decode(res).equals(source)).toBe(true);
        const again = await rawGet(served.url, manifest['/css/portal.css']!, { ...(accept ? { 'Accept-Encoding': accept } : {}), 'If-None-Match': String(res.headers.etag) });
        expect(again.status).toBe(304);
      }
      expect(fs.existsSync(path.join(dir, `${path.basename(manifest['/js/portal.js']!)}.br`))).toBe(true);
      expect((await rawGet(served.url, '/static/portal.0000000000.css')).status).toBe(404);
    } finally {
      await served.close();
    }
  });
});
