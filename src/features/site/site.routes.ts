import { Router } from 'express';
import type { Guidebook } from '../guidebook/guidebook.content.js';
import { ACCESSIBILITY_POLICY, ROLE_LABELS, TESTED_PAGE_KINDS } from './accessibility-report.js';

type Deps = { guidebook: Guidebook; adminEmail: string; usageRetentionDays: number; sessionIdleMinutes: number };

/**
 * The pages every Japanese public site carries (総務省「みんなの公共サイト運用ガイドライン」), each linked
 * from the footer: accessibility policy with its test results, terms, privacy, help, sitemap.
 * お問い合わせ lives with the QA ledger (qa/contact.routes.ts). The privacy page states the retention
 * the portal is configured with, not a number written into the text.
 */
export function siteRoutes({ guidebook, adminEmail, usageRetentionDays, sessionIdleMinutes }: Deps): Router {
  const router = Router();
  const page = (title: string) => ({ title, breadcrumbs: [{ label: title }] });

  router.get('/accessibility', (_req, res) => {
    res.render('site/accessibility', {
      ...page('ウェブアクセシビリティ方針'), policy: ACCESSIBILITY_POLICY, pageKinds: TESTED_PAGE_KINDS, roleLabels: ROLE_LABELS,
    });
  });
  router.get('/terms', (_req, res) => res.render('site/terms', page('利用規約')));
  router.get('/privacy', (_req, res) => {
    res.render('site/privacy', { ...page('プライバシーポリシー'), adminEmail, usageRetentionDays, sessionIdleMinutes });
  });
  router.get('/help', (_req, res) => res.render('site/help', page('ヘルプ・よくある質問')));
  router.get('/sitemap', (_req, res) => res.render('site/sitemap', { ...page('サイトマップ'), guidebook }));

  return router;
}
