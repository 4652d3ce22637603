import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { csrfFrom } from './http.js';

/** Serves the app on 127.0.0.1 (reachable from every loopback address) and returns its port. */
export async function serveOnLoopback(app: Express): Promise<{ port: number; close(): Promise<void> }> {
  const server = app.listen(0, '0.0.0.0');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

type Response = { status: number; location?: string; text: string };

/**
 * A browser-like client whose connections leave from a chosen loopback address (127.0.0.2,
 * 127.0.0.3 …: all of 127.0.0.0/8 is loopback on Linux), so the portal sees a real client IP.
 * Keeps the portal's cookies like a browser.
 */
export function clientFrom(localAddress: string, port: number, extraHeaders: Record<string, string> = {}) {
  // Every cookie the portal sets, by name, as a browser keeps them (session and anonymous form token).
  const cookies = new Map<string, string>();
  const send = (method: string, path: string, form?: Record<string, string>, multipart = false) =>
    new Promise<Response>((resolve, reject) => {
      const boundary = 'portal-test-boundary';
      const body = !form
        ? undefined
        : multipart
          ? Object.entries(form).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('') + `--${boundary}--\r\n`
          : new URLSearchParams(form).toString();
      const type = multipart ? `multipart/form-data; boundary=${boundary}` : 'application/x-www-form-urlencoded';
      const req = http.request(
        {
          host: '127.0.0.1', port, path, method, localAddress,
          headers: {
            ...extraHeaders,
            ...(cookies.size > 0 ? { Cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
            ...(body ? { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) } : {}),
          },
        },
        (res) => {
          for (const set of res.headers['set-cookie'] ?? []) {
            const [pair] = set.split(';');
            const at = pair!.indexOf('=');
            cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
          }
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, text }));
        },
      );
      req.on('error', reject);
      if (body) req.write(body);
      req.end();
    });
  return {
    get: (path: string) => send('GET', path),
    post: (path: string, form: Record<string, string>) => send('POST', path, form),
    postMultipart: (path: string, form: Record<string, string>) => send('POST', path, form, true),
    async login(loginId: string, password: string): Promise<Response> {
      const page = await send('GET', '/login');
      return send('POST', '/login', { _csrf: csrfFrom(page.text, '/login'), login_id: loginId, password });
    },
  };
}
