import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { HttpError, idParam, NotFoundError } from '../../http-error.js';
import { deliveryProblemText } from '../../mail/delivery-problem.js';
import type { OutboxRepository } from '../../mail/outbox.repository.js';
import { answerSave, fieldErrors, formValues, versionOf, type SaveOutcome } from '../../validation.js';
import { actorOf } from '../audit/actor.js';
import { browserName, LOGIN_RESULT_LABELS } from '../audit/audit-labels.js';
import type { SecurityRepository } from '../security/security.repository.js';
import type { SecurityService } from '../security/security.service.js';
import type { AdminSecurityService } from './admin-security.service.js';
import { policyForm, sharedRangeForm } from './admin.schemas.js';

const logFilter = z.object({
  login_id: z.string().optional().transform((v) => (v ?? '').trim().slice(0, 64)),
  organisation: z.string().optional().transform((v) => (v ?? '').trim().slice(0, 100)),
  ip: z.string().optional().transform((v) => (v ?? '').trim().slice(0, 64)),
  outcome: z.enum(['', 'success', 'failure']).optional().transform((v) => v || undefined),
});

type Deps = {
  service: AdminSecurityService; security: SecurityRepository; sharedRangeOf: SecurityService['sharedRangeOf']; outbox: OutboxRepository;
  oidcEnabled: boolean;
};

const RANGE_FIELDS = ['name', 'ip_ranges', 'note', 'version'] as const;

/** The login log and anomalies with the outside-range policy and shared egress ranges (管理者側機能 5), and the mail outbox. */
export function adminSecurityRoutes({ service, security, sharedRangeOf, outbox, oidcEnabled }: Deps): Router {
  const router = Router();
  const securitySection = { label: 'ログインの監視', href: '/admin/security' };
  const rangesSection = { label: '共用の出口IPアドレス', href: '/admin/security/shared-ranges' };

  router.get('/security', (req, res) => {
    const parsed = logFilter.safeParse(req.query);
    if (!parsed.success) throw new HttpError(400, '絞り込み条件の指定が正しくありません。');
    const filter = parsed.data;
    const ranges = service.sharedRanges();
    res.render('admin/security', {
      title: securitySection.label, breadcrumbs: [{ label: '事務局管理', href: '/admin' }, { label: securitySection.label }],
      policy: security.policy(), twoFactorRequired: security.twoFactorRequiredForSecretariat(),
      oidc: oidcEnabled ? { required: security.oidcRequiredForMembers() } : undefined, anomalies: security.recentAnomalies(100), sharedRanges: ranges,
      log: security.loginLog({ loginId: filter.login_id, organisation: filter.organisation, ip: filter.ip, outcome: filter.outcome }, 300),
      filter: { ...filter, outcome: filter.outcome ?? '' },
      browserName, loginResultLabels: LOGIN_RESULT_LABELS, sharedRangeOf: (ip: string) => sharedRangeOf(ip, ranges),
    });
  });

  router.post('/security/policy', (req, res) => {
    const parsed = policyForm.safeParse(req.body ?? {});
    if (!parsed.success) throw new HttpError(400, '方針は「通知」か「拒否」を選択してください。');
    service.savePolicy(parsed.data.policy, actorOf(req, res));
    res.redirect(303, '/admin/security?done=policy-saved');
  });

  router.post('/security/two-factor', (req, res) => {
    const required = (req.body as Record<string, unknown> | undefined)?.required === '1';
    service.saveTwoFactorRequirement(required, actorOf(req, res));
    res.redirect(303, `/admin/security?done=${required ? 'two-factor-required' : 'two-factor-optional'}`);
  });

  // Only where the issuer is configured: requiring it otherwise would leave members no way in.
  router.post('/security/oidc-required', (req, res) => {
    if (!oidcEnabled) throw new NotFoundError();
    const required = (req.body as Record<string, unknown> | undefined)?.required === '1';
    service.saveOidcRequirement(required, actorOf(req, res));
    res.redirect(303, `/admin/security?done=${required ? 'oidc-required' : 'oidc-optional'}#oidc-required`);
  });

  const rangesPage = () => ({
    title: rangesSection.label, breadcrumbs: [{ label: '事務局管理', href: '/admin' }, securitySection, { label: rangesSection.label }],
    ranges: service.sharedRanges(), errors: {}, values: { name: '', ip_ranges: '', note: '' },
  });
  const rangePage = (id: number) => {
    const range = service.sharedRange(id);
    if (!range) throw new NotFoundError();
    return {
      title: `共用の出口IPアドレス「${range.name}」`,
      breadcrumbs: [{ label: '事務局管理', href: '/admin' }, securitySection, rangesSection, { label: range.name }],
      range, errors: {}, values: { name: range.name, ip_ranges: range.cidrs.join('\n'), note: range.note, version: String(range.version) },
    };
  };

  router.get('/security/shared-ranges', (_req, res) => res.render('admin/shared-ranges', rangesPage()));
  router.get('/security/shared-ranges/:id', (req, res) => res.render('admin/shared-range', rangePage(idParam(req))));

  const saveRange = (req: Request, res: Response, id: number | undefined) => {
    const values = formValues(req.body, ...RANGE_FIELDS);
    const parsed = sharedRangeForm.safeParse(req.body ?? {});
    const outcome: SaveOutcome = parsed.success
      ? service.saveSharedRange(id, versionOf(req.body), parsed.data, actorOf(req, res)) : { errors: fieldErrors(parsed.error) };
    answerSave(res, outcome, {
      done: () => `/admin/security/shared-ranges?done=shared-range-${id === undefined ? 'created' : 'updated'}`, values,
      view: id === undefined ? 'admin/shared-ranges' : 'admin/shared-range', locals: () => (id === undefined ? rangesPage() : rangePage(id)),
      currentVersion: () => String(service.sharedRange(id!)!.version),
    });
  };

  router.post('/security/shared-ranges', (req, res) => saveRange(req, res, undefined));
  router.post('/security/shared-ranges/:id', (req, res) => {
    const id = idParam(req);
    if (!service.sharedRange(id)) throw new NotFoundError();
    saveRange(req, res, id);
  });
  router.post('/security/shared-ranges/:id/delete', (req, res) => {
    if (!service.deleteSharedRange(idParam(req), actorOf(req, res))) throw new NotFoundError();
    res.redirect(303, '/admin/security/shared-ranges?done=shared-range-deleted');
  });

  router.get('/mail', (_req, res) => {
    res.render('admin/mail', {
      title: 'メール送信箱', breadcrumbs: [{ label: '事務局管理', href: '/admin' }, { label: 'メール送信箱' }],
      messages: outbox.list(300), deliveryProblemText,
    });
  });

  return router;
}
