import type { Express, Router } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createUser, PASSWORD } from '../helpers/factories.js';
import { csrfFrom, loggedInAgent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';

type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle: { stack?: Layer[] }; matchers?: unknown; name?: string };

type Matcher = (path: string) => unknown;

/** Where a mounted router sits: at the root, at /admin/insights or at /admin (Express keeps only a matcher). */
function mountOf(layer: Layer): string | undefined {
  // A router mounted at the root is Express's `slash` layer, which never calls its matchers.
  if ((layer as { slash?: boolean }).slash) return '';
  const matches = (path: string) => ((layer as { matchers?: Matcher[] }).matchers ?? []).some((m) => m(path));
  if (matches('/admin/insights/zz') && !matches('/admin/zz')) return '/admin/insights';
  if (matches('/admin/zz')) return '/admin';
  return undefined;
}

/**
 * Every method and path under /admin, read from the app's routers themselves: the admin router, the
 * features mounted at /admin or below, and the root-mounted ones' routes that begin with /admin.
 */
function adminRoutes(app: Express): { method: string; path: string }[] {
  const appRouter = (app as unknown as { router: Router }).router as unknown as { stack: Layer[] };
  const out: { method: string; path: string }[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) out.push({ method, path: `${prefix}${layer.route.path === '/' && prefix ? '' : layer.route.path}` });
      } else if (layer.handle.stack) {
        const mount = mountOf(layer);
        if (mount !== undefined) walk(layer.handle.stack, prefix + mount);
      }
    }
  };
  walk(appRouter.stack, '');
  return out.filter((r) => r.path.startsWith('/admin')).map((r) => ({ ...r, path: r.path.replace(/:id/g, '1').replace(/:year/g, '2026') }));
}

describe('every /admin route', () => {
  it('is found by walking the router (so a new route cannot escape this check)', () => {
    const { app } = createTestPortal();
    const routes = adminRoutes(app);
    expect(routes.length).toBeGreaterThan(20);
    expect(routes).toContainEqual({ method: 'post', path: '/admin/entries/1/suspend' });
    expect(routes).toContainEqual({ method: 'get', path: '/admin/export.csv' });
    // The features mounted beside the admin router (issue 22) are walked too.
    expect(routes).toContainEqual({ method: 'post', path: '/admin/genres/1/merge' });
    expect(routes).toContainEqual({ method: 'get', path: '/admin/insights' });
    expect(routes).toContainEqual({ method: 'post', path: '/admin/insights/genres/1/request' });
    expect(routes).toContainEqual({ method: 'get', path: '/admin/surveys/1/results.csv' });
    expect(routes).toContainEqual({ method: 'get', path: '/admin/qa.csv' });
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
