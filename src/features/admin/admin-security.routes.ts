import { Router } from 'express';
import { z } from 'zod';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import { HttpError } from '../../http-error.js';
import type { OutboxRepository } from '../../mail/outbox.repository.js';
import { actorOf } from '../audit/actor.js';
import { browserName, LOGIN_RESULT_LABELS } from '../audit/audit-labels.js';
import { normaliseIp } from '../security/ip-ranges.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { SecurityRepository } from '../security/security.repository.js';

const logFilter = z.object({
  login_id: z.string().optional().transform((v) => (v ?? '').trim().slice(0, 64)),
  organisation: z.string().optional().transform((v) => (v ?? '').trim().slice(0, 100)),
  ip: z.string().optional().transform((v) => (v ?? '').trim().slice(0, 64)),
  outcome: z.enum(['', 'success', 'failure']).optional().transform((v) => v || undefined),
});

const policyForm = z.object({ policy: z.enum(['notify', 'deny'], { message: '方針を選択してください。' }) });

type Deps = { db: Db; security: SecurityRepository; outbox: OutboxRepository; audit: AuditRepository; clock: Clock };

/** The login log and anomalies with the outside-range policy (管理者側機能 5), and the mail outbox. */
export function adminSecurityRoutes({ db, security, outbox, audit, clock }: Deps): Router {
  const router = Router();

  router.get('/security', (req, res) => {
    const parsed = logFilter.safeParse(req.query);
    if (!parsed.success) throw new HttpError(400, '絞り込み条件の指定が正しくありません。');
    const filter = parsed.data;
    res.render('admin/security', {
      title: 'ログインの監視', breadcrumbs: [{ label: '事務局管理', href: '/admin' }, { label: 'ログインの監視' }],
      policy: security.policy(), anomalies: security.recentAnomalies(100),
      log: security.loginLog({ loginId: filter.login_id, organisation: filter.organisation, ip: filter.ip, outcome: filter.outcome }, 300),
      filter: { ...filter, outcome: filter.outcome ?? '' },
      normaliseIp, browserName, loginResultLabels: LOGIN_RESULT_LABELS,
    });
  });

  router.post('/security/policy', (req, res) => {
    const parsed = policyForm.safeParse(req.body ?? {});
    if (!parsed.success) throw new HttpError(400, '方針は「通知」か「拒否」を選択してください。');
    const before = security.policy();
    const at = clock.now().toISOString();
    db.transaction(() => {
      security.setPolicy(parsed.data.policy, at);
      audit.record(actorOf(req, res), at, 'security.policy', { type: 'setting', id: 0 }, { outside_range_policy: [before, parsed.data.policy] });
    })();
    res.redirect(303, '/admin/security?done=policy-saved');
  });

  router.get('/mail', (_req, res) => {
    res.render('admin/mail', {
      title: 'メール送信箱', breadcrumbs: [{ label: '事務局管理', href: '/admin' }, { label: 'メール送信箱' }],
      messages: outbox.list(300),
    });
  });

  return router;
}
