import { Router, type Request, type Response } from 'express';
import type { Clock } from '../../clock.js';
import { homePathFor, safeNextPath } from '../../middleware/auth.js';
import { carryNotice } from '../../middleware/locals.js';
import { SESSION_COOKIE } from '../../middleware/session.js';
import { fieldErrors, type FieldErrors, formValue } from '../../validation.js';
import type { AccountsRepository } from './accounts.repository.js';
import { loginSchema } from './accounts.schemas.js';
import type { AccountsService } from './accounts.service.js';
import { startSession } from './login-session.js';
import { typedCode } from './two-factor.js';

export const BAD_CREDENTIALS_MESSAGE = 'IDまたはパスワードが正しくありません。';

/** How long the code step of a login waits after the password, and how many wrong codes it takes. */
const SECOND_FACTOR_MINUTES = 5;
const SECOND_FACTOR_TRIES = 5;
const SECOND_FACTOR_EXPIRED_MESSAGE = '確認コードの入力の期限が切れました。もう一度IDとパスワードからログインしてください。';

const EXPIRED_NOTICE = '一定時間操作がなかったため、自動的にログアウトしました。もう一度ログインしてください。';
const EXPIRED_WITH_FORM_NOTICE =
  '一定時間操作がなかったため、自動的にログアウトしました。送信された入力内容（添付ファイルを含む）は保存してあります。もう一度ログインすると、入力画面に戻ります。';

type Deps = {
  accounts: AccountsRepository; service: AccountsService; clock: Clock;
  /** With the association's issuer configured (issue 24): the login page offers it, and logout ends its session too. */
  oidc?: { endSessionUrl(idToken: string): Promise<string | undefined> };
};

export function accountsRoutes({ accounts, service, clock, oidc }: Deps): Router {
  const router = Router();

  const render = (res: Response, status: number, next: string | null, loginId: string, errors: FieldErrors, message?: string) =>
    res.status(status).render('accounts/login', { next, values: { login_id: loginId }, errors, message, oidc: oidc !== undefined });

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
    if (!outcome.ok && outcome.reason === 'oidc_required') {
      return render(res, 403, next, loginId, {},
        'このアカウントは、ＡＰＰＬＩＣ会員IDでログインしてください。ＡＰＰＬＩＣ事務局の定めにより、特別会員・一般会員のアカウントはポータルのパスワードではログインできません。');
    }
    if (!outcome.ok) return render(res, 401, next, loginId, {}, BAD_CREDENTIALS_MESSAGE);
    if (outcome.secondFactor) {
      // Not logged in yet: the session only remembers whose code it waits for, for a few minutes.
      req.session.pendingLogin = { userId: outcome.userId, loginId, next, outsideRange: outcome.outsideRange, startedAt: clock.now().toISOString(), failures: 0 };
      return res.render('accounts/two-factor-login', { errors: {}, message: undefined });
    }
    await completeLogin(req, res, outcome.userId, outcome.outsideRange, next);
  });

  /** Logged in (login-session.ts), then on to `next`. */
  const completeLogin = async (req: Request, res: Response, userId: number, outsideRange: boolean, next: string | null, notice?: string) => {
    await startSession(req, clock, userId, { outsideRange, notice });
    const user = accounts.findSessionUser(userId);
    res.redirect(302, next ?? homePathFor(user?.organisationKind ?? 'municipality'));
  };

  // The second step of a login with two-factor login on (contract: POST /login for an account with TOTP).
  router.post('/login/two-factor', async (req, res) => {
    const pending = req.session.pendingLogin;
    const startedAt = pending ? Date.parse(pending.startedAt) : NaN;
    if (!pending || !(clock.now().getTime() - startedAt < SECOND_FACTOR_MINUTES * 60_000)) {
      delete req.session.pendingLogin;
      return render(res, 400, pending?.next ?? null, pending?.loginId ?? '', {}, SECOND_FACTOR_EXPIRED_MESSAGE);
    }
    const code = typedCode(formValue(req.body, 'otp'));
    if (code === '') return res.status(400).render('accounts/two-factor-login', { errors: { otp: '確認コードを入力してください。' }, message: undefined });
    const outcome = service.completeSecondFactor({
      userId: pending.userId, loginId: pending.loginId, code, ip: req.ip ?? '', userAgent: req.get('user-agent') ?? '', outsideRange: pending.outsideRange,
    });
    if (outcome.ok) {
      const notice = outcome.usedRecoveryCode
        ? `回復コードでログインしました。残りの回復コードは${outcome.recoveryCodesLeft}個です。${outcome.recoveryCodesLeft <= 3 ? 'マイページの「二要素認証」で新しい回復コードを作ってください。' : ''}`
        : undefined;
      return completeLogin(req, res, outcome.userId, pending.outsideRange, pending.next, notice);
    }
    pending.failures += 1;
    if (outcome.reason === 'locked' || pending.failures >= SECOND_FACTOR_TRIES) {
      delete req.session.pendingLogin;
      if (outcome.reason === 'locked') res.set('Retry-After', String(outcome.retryAfterSeconds));
      return render(res, outcome.reason === 'locked' ? 429 : 401, pending.next, pending.loginId, {}, outcome.reason === 'locked'
        ? `ログインの失敗が続いたため、このIDでのログインを一時的に停止しています。${Math.ceil(outcome.retryAfterSeconds / 60)}分ほどしてから再度お試しください。`
        : '確認コードの誤りが続いたため、ログインを中止しました。もう一度IDとパスワードからやり直してください。');
    }
    res.status(401).render('accounts/two-factor-login', {
      errors: { otp: `確認コードが正しくありません。認証アプリに表示されている6桁の数字か、回復コードを入力してください（あと${SECOND_FACTOR_TRIES - pending.failures}回）。` },
      message: undefined,
    });
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
    const idToken = req.session.oidcIdToken;
    await new Promise<void>((resolve, reject) => req.session.destroy((err: unknown) => (err ? reject(new Error('session destroy failed', { cause: err })) : resolve())));
    res.clearCookie(SESSION_COOKIE);
    carryNotice(res, 'logged-out');
    // Signed in through the issuer: its session ends too, where it says how (its end-session endpoint).
    const endSession = idToken && oidc ? await oidc.endSessionUrl(idToken).catch(() => undefined) : undefined;
    res.redirect(302, endSession ?? '/');
  });

  return router;
}
