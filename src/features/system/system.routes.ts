import cluster from 'node:cluster';
import { Router } from 'express';
import { requireKind } from '../../middleware/auth.js';
import type { Health } from './health.js';
import type { SystemStatus } from './system-status.js';

/**
 * GET /healthz for a monitor (contract: Command line). Mounted before the session, so a monitor's
 * request every minute never reads or writes a session row.
 */
export function healthRoutes(health: () => Health): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    const answer = health();
    // Which worker answered (0: a single process), for a monitor that checks each of them.
    res.set({ 'Cache-Control': 'no-store', 'X-Portal-Worker': String(cluster.worker?.id ?? 0) }).status(answer.ok ? 200 : 503).json(answer);
  });
  return router;
}

/** /admin/system: the server's state for the secretariat, with what needs a person (issue 18.2). */
export function systemPageRoutes(status: () => SystemStatus): Router {
  const router = Router();
  router.get('/admin/system', requireKind('secretariat'), (_req, res) => {
    res.render('admin/system', {
      title: 'システムの状態', breadcrumbs: [{ label: '事務局管理', href: '/admin' }, { label: 'システムの状態' }], status: status(),
    });
  });
  return router;
}
