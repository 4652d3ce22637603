import { Router, type Request, type Response } from 'express';
import type { TokenPurpose } from '../accounts/credentials.repository.js';
import { newPasswordForm } from '../accounts/accounts.schemas.js';
import { PASSWORD_HINT } from '../accounts/password-rules.js';
import { carryNotice } from '../../middleware/locals.js';
import { fieldErrors, formValue, renderInvalid } from '../../validation.js';
import { INVITATION_DAYS, RESET_MINUTES, type AccountLinksService } from './account-links.service.js';

/** The contract's answer to every reset request, whatever was typed. */
export const RESET_REQUESTED = 'パスワード再設定の案内をお送りしました。';

const pages: Record<TokenPurpose, { path: string; title: string; lead: string; failed: string }> = {
  reset: {
    path: '/password-reset', title: '新しいパスワードの設定',
    lead: '新しいパスワードを設定してください。設定すると、ほかの端末のログインはすべて終了します。',
    failed: `このリンクは使えません。有効期限（${RESET_MINUTES}分）が過ぎたか、既に使われたか、あとから新しい案内が送られています。もう一度お申し込みください。`,
  },
  invite: {
    path: '/invite', title: 'パスワードの設定（アカウントのご案内）',
    lead: 'ＡＰＰＬＩＣ事務局が作成したアカウントのパスワードを設定してください。設定後、ログインIDとこのパスワードでログインできます。',
    failed: `このリンクは使えません。有効期限（${INVITATION_DAYS}日）が過ぎたか、既に使われたか、あとから新しい案内が送られています。ＡＰＰＬＩＣ事務局に再送を依頼してください。`,
  },
};

/** 「パスワードを忘れた方」 and the links the portal mails (password reset, invitation). Anyone may reach them. */
export function accountLinksRoutes({ service, oidcEnabled = false }: { service: AccountLinksService; oidcEnabled?: boolean }): Router {
  const router = Router();

  router.get('/password-reset', (_req, res) => res.render('account-links/request', { errors: {}, values: { login_id: '' }, requested: false }));

  router.post('/password-reset', (req, res) => {
    const loginId = formValue(req.body, 'login_id').trim();
    if (loginId === '' || [...loginId].length > 64) {
      return renderInvalid(res, 'account-links/request', { login_id: 'ログインIDを入力してください（64文字以内）。' }, { login_id: loginId.slice(0, 64) }, { requested: false });
    }
    service.requestReset(loginId, req.ip ?? '');
    res.render('account-links/request', { errors: {}, values: { login_id: '' }, requested: true });
  });

  const linkPage = (purpose: TokenPurpose, token: string, loginId: string) => ({
    ...pages[purpose], action: `${pages[purpose].path}/${token}`, loginId, passwordHint: PASSWORD_HINT,
    // An invitation may instead be accepted by signing in with the association's ID (oidc.routes.ts).
    oidcAcceptPath: purpose === 'invite' && oidcEnabled ? `${pages[purpose].path}/${token}/oidc` : undefined,
  });

  /** A link that does not work gets one answer, whether it never existed, was used, voided or expired. */
  const failed = (res: Response, purpose: TokenPurpose) =>
    res.status(410).render('account-links/failed', { title: pages[purpose].title, message: pages[purpose].failed, purpose });

  for (const purpose of ['reset', 'invite'] as const) {
    const path = `${pages[purpose].path}/:token`;
    const tokenOf = (req: Request) => String(req.params.token ?? '');

    router.get(path, (req, res) => {
      const user = service.linkFor(tokenOf(req), purpose);
      if (!user) return failed(res, purpose);
      res.render('account-links/set-password', { ...linkPage(purpose, tokenOf(req), user.loginId), errors: {} });
    });

    router.post(path, async (req, res) => {
      const token = tokenOf(req);
      const user = service.linkFor(token, purpose);
      if (!user) return failed(res, purpose);
      const parsed = newPasswordForm(user.loginId).safeParse(req.body ?? {});
      if (!parsed.success) return renderInvalid(res, 'account-links/set-password', fieldErrors(parsed.error), {}, linkPage(purpose, token, user.loginId));
      if (!(await service.setPasswordFromLink(token, purpose, parsed.data, req.ip ?? ''))) return failed(res, purpose);
      carryNotice(res, 'password-set');
      res.redirect(303, '/login');
    });
  }

  return router;
}
