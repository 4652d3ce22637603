import type { Express, Router } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createUser, PASSWORD } from '../helpers/factories.js';
import { csrfFrom, loggedInAgent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle: { stack?: Layer[] }; matchers?: unknown; name?: string };

/** Every method and path registered below the admin router, read from the router itself. */
function adminRoutes(app: Express): { method: string; path: string }[] {
  const appRouter = (app as unknown as { router: Router }).router as unknown as { stack: Layer[] };
  const adminLayer = appRouter.stack.find((l) => l.handle.stack && (l as { matchers?: ((p: string) => unknown)[] }).matchers?.some((m) => m('/admin/x')));
  if (!adminLayer) throw new Error('admin router not found');
  const out: { method: string; path: string }[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) out.push({ method, path: `/admin${layer.route.path === '/' ? '' : layer.route.path}` });
      } else if (layer.handle.stack) walk(layer.handle.stack);
    }
  };
  walk(adminLayer.handle.stack!);
  return out.map((r) => ({ ...r, path: r.path.replace(/:id/g, '1') }));
}

describe('every /admin route', () => {
  it('is found by walking the router (so a new route cannot escape this check)', () => {
    const { app } = createTestPortal();
    const routes = adminRoutes(app);
    expect(routes.length).toBeGreaterThan(20);
    expect(routes).toContainEqual({ method: 'post', path: '/admin/entries/1/suspend' });
    expect(routes).toContainEqual({ method: 'get', path: '/admin/export.csv' });
  });

  it('› 302 to the login page for anonymous visitors, 403 for municipality and vendor users', async () => {
    const { app, db } = createTestPortal();
    const routes = adminRoutes(app);
    const agents = [];
    for (const kind of ['municipality', 'vendor'] as const) {
      const user = createUser(db, kind);
      const agent = await loggedInAgent(app, user.loginId, PASSWORD);
      const token = csrfFrom((await agent.get('/')).text, '/logout');
      agents.push({ agent, token });
    }
    const anonymous = request.agent(app);
    const anonymousToken = csrfFrom((await anonymous.get('/login')).text, '/login');
    for (const { method, path } of routes) {
      const anon = method === 'get' ? await anonymous.get(path) : await anonymous.post(path).type('form').send({ _csrf: anonymousToken });
      expect([anon.status, anon.headers.location], `${method} ${path}`).toEqual([302, `/login?next=${encodeURIComponent(path)}`]);
      for (const { agent, token } of agents) {
        const res = method === 'get' ? await agent.get(path) : await agent.post(path).type('form').send({ _csrf: token });
        expect(res.status, `${method} ${path}`).toBe(403);
      }
    }
  });
});
