import { Router, type Response } from 'express';
import type { Clock } from '../../clock.js';
import { homePathFor, safeNextPath } from '../../middleware/auth.js';
import { SESSION_COOKIE } from '../../middleware/session.js';
import { fieldErrors, type FieldErrors, formValue } from '../../validation.js';
import type { AccountsRepository } from './accounts.repository.js';
import { loginSchema } from './accounts.schemas.js';
import type { AccountsService } from './accounts.service.js';

export const BAD_CREDENTIALS_MESSAGE = 'IDまたはパスワードが正しくありません。';

const EXPIRED_NOTICE = '一定時間操作がなかったため、自動的にログアウトしました。もう一度ログインしてください。';
const EXPIRED_WITH_FORM_NOTICE =
  '一定時間操作がなかったため、自動的にログアウトしました。送信された入力内容（添付ファイルを含む）は保存してあります。もう一度ログインすると、入力画面に戻ります。';

type Deps = { accounts: AccountsRepository; service: AccountsService; clock: Clock };

export function accountsRoutes({ accounts, service, clock }: Deps): Router {
  const router = Router();

  const render = (res: Response, status: number, next: string | null, loginId: string, errors: FieldErrors, message?: string) =>
    res.status(status).render('accounts/login', { next, values: { login_id: loginId }, errors, message });

  router.get('/login', (req, res) => {
    const next = safeNextPath(req.query.next);
    const user = res.locals.currentUser;
    // The spec: no login screen when a session already exists.
    if (user) return res.redirect(302, next ?? homePathFor(user.organisationKind));
    res.locals.expiredNotice = req.query.expired === '1'
      ? (next?.startsWith('/my/entries/resume/') ? EXPIRED_WITH_FORM_NOTICE : EXPIRED_NOTICE)
      : undefined;
    render(res, 200, next, '', {});
  });

  router.post('/login', async (req, res) => {
    const next = safeNextPath(formValue(req.body, 'next'));
    const parsed = loginSchema.safeParse(req.body ?? {});
    if (!parsed.success) return render(res, 400, next, formValue(req.body, 'login_id'), fieldErrors(parsed.error));

    const { login_id: loginId, password } = parsed.data;
    const outcome = await service.login({ loginId, password, ip: req.ip ?? '', userAgent: req.get('user-agent') ?? '' });
    if (!outcome.ok && outcome.reason === 'ip_throttled') {
      return render(res, 429, next, loginId, {},
        'このアドレスからのログイン失敗が続いたため、一時的にログインを制限しています。しばらくしてから再度お試しください。');
    }
    if (!outcome.ok && outcome.reason === 'locked') {
      res.set('Retry-After', String(outcome.retryAfterSeconds));
      return render(res, 429, next, loginId, {},
        `ログインの失敗が続いたため、このIDでのログインを一時的に停止しています。${Math.ceil(outcome.retryAfterSeconds / 60)}分ほどしてから再度お試しください。`);
    }
    if (!outcome.ok) return render(res, 401, next, loginId, {}, BAD_CREDENTIALS_MESSAGE);

    // A new session id at login, so a session id planted before login is worth nothing after it.
    await new Promise<void>((resolve, reject) => req.session.regenerate((err: unknown) => (err ? reject(new Error('session regenerate failed', { cause: err })) : resolve())));
    req.session.userId = outcome.userId;
    req.session.loginAt = clock.now().toISOString();
    // Edits and deletions made in this session are mailed to the secretariat with their diff.
    if (outcome.outsideRange) req.session.outsideRange = true;
    const user = accounts.findSessionUser(outcome.userId);
    res.redirect(302, next ?? homePathFor(user?.organisationKind ?? 'municipality'));
  });

  /**
   * 「ログインを延長する」 in the timeout dialog (public/js/portal.js). Any request renews the idle
   * timeout; this one does nothing else, and says when the session now ends. A plain form post (no
   * JavaScript) goes back to `next`.
   */
  router.post('/session/extend', (req, res) => {
    const wantsJson = req.accepts(['html', 'json']) === 'json';
    if (!res.locals.currentUser) return wantsJson ? res.status(401).json({ loggedIn: false }) : res.redirect(303, '/login?expired=1');
    req.session.extendedAt = clock.now().toISOString(); // a change, so the store rewrites the row's expiry
    if (wantsJson) return res.json({ loggedIn: true, endsAt: res.locals.sessionEndsAt, remainingSeconds: res.locals.sessionIdleSeconds });
    res.redirect(303, safeNextPath(formValue(req.body, 'next')) ?? '/');
  });

  router.post('/logout', async (req, res) => {
    await new Promise<void>((resolve, reject) => req.session.destroy((err: unknown) => (err ? reject(new Error('session destroy failed', { cause: err })) : resolve())));
    res.clearCookie(SESSION_COOKIE);
    res.redirect(302, '/');
  });

  return router;
}
