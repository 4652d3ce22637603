import { Router, type Request, type Response } from 'express';
import type { SessionUser } from '../accounts/accounts.types.js';
import { mailPreferencesForm, parsePasswordChange, profileForm } from '../accounts/accounts.schemas.js';
import { PASSWORD_HINT } from '../accounts/password-rules.js';
import { newTotpSecret, totpQrSvg, typedCode } from '../accounts/two-factor.js';
import { actorOf } from '../audit/actor.js';
import type { SavedSearchesRepository } from '../saved-searches/saved-searches.repository.js';
import type { QaRecord } from '../qa/qa.repository.js';
import { requireLogin } from '../../middleware/auth.js';
import { fieldErrors, formValue, formValues, renderInvalid } from '../../validation.js';
import type { MyAccountService } from './my-account.service.js';

type Deps = {
  service: MyAccountService; savedSearches: SavedSearchesRepository; twoFactorRequired: (user: SessionUser) => boolean;
  /** The user's questions to the secretariat (/contact) with their answers, newest first (qa.repository.ts). */
  questionsOf: (userId: number) => QaRecord[];
};

const PROFILE_FIELDS = ['name', 'department', 'phone', 'email'] as const;
const LIKED_SHOWN = 50;

const crumbs = (label?: string) => (label ? [{ label: 'マイページ', href: '/account' }, { label }] : [{ label: 'マイページ' }]);

/**
 * マイページ (issue 17.1): the user's profile (the registrant information of new entries), password,
 * two-factor login and mails, and for a municipality what its organisation liked and saved.
 */
export function myAccountRoutes({ service, savedSearches, twoFactorRequired, questionsOf }: Deps): Router {
  const router = Router();
  router.use('/account', requireLogin);

  const accountPage = (user: SessionUser) => {
    const profile = service.profile(user)!;
    return {
      title: 'マイページ', breadcrumbs: crumbs(), profile, twoFactor: service.twoFactorState(user),
      liked: user.organisationKind === 'municipality' ? service.likedBy(user, LIKED_SHOWN) : undefined,
      searches: savedSearches.listOwn(user.id),
      isMunicipality: user.organisationKind === 'municipality',
      questions: questionsOf(user.id),
    };
  };
  const savedValues = (user: SessionUser) => {
    const profile = service.profile(user)!;
    return { name: profile.name, department: profile.department, phone: profile.phone, email: profile.email };
  };

  router.get('/account', (_req, res) => {
    const user = res.locals.currentUser!;
    res.render('my-account/index', { ...accountPage(user), errors: {}, values: savedValues(user) });
  });

  router.post('/account', (req, res) => {
    const user = res.locals.currentUser!;
    const parsed = profileForm.safeParse(req.body ?? {});
    if (!parsed.success) return renderInvalid(res, 'my-account/index', fieldErrors(parsed.error), formValues(req.body, ...PROFILE_FIELDS), accountPage(user));
    service.saveProfile(user, parsed.data, actorOf(req, res));
    req.session.notice = 'プロフィールを保存しました。これから登録する情報の登録者情報に使われます。';
    res.redirect(303, '/account');
  });

  router.post('/account/mail', (req, res) => {
    const parsed = mailPreferencesForm.parse(req.body ?? {});
    service.saveMailPreferences(res.locals.currentUser!, parsed.mail_freshness, actorOf(req, res));
    req.session.notice = 'メールの設定を保存しました。';
    res.redirect(303, '/account#mail');
  });

  // ---- password ---------------------------------------------------------------------------------
  const passwordPage = () => ({ title: 'パスワードの変更', breadcrumbs: crumbs('パスワードの変更'), passwordHint: PASSWORD_HINT, values: {} });

  router.get('/account/password', (_req, res) => res.render('my-account/password', { ...passwordPage(), errors: {} }));

  router.post('/account/password', async (req, res) => {
    const user = res.locals.currentUser!;
    const parsed = parsePasswordChange(req.body, user.loginId);
    if ('errors' in parsed) return renderInvalid(res, 'my-account/password', parsed.errors, {}, passwordPage());
    const errors = await service.changePassword(user, parsed, req.sessionID, actorOf(req, res));
    if (errors) return renderInvalid(res, 'my-account/password', errors, {}, passwordPage());
    req.session.notice = 'パスワードを変更しました。ほかの端末のログインはすべて終了しました。確認のメールをお送りしました。';
    res.redirect(303, '/account');
  });

  // ---- two-factor login -------------------------------------------------------------------------
  /** The set-up keeps its secret in the session until a code of it is confirmed; a reload shows the same one. */
  const setupSecret = (req: Request) => (req.session.totpSetupSecret ??= newTotpSecret());

  const twoFactorPage = async (req: Request, res: Response) => {
    const user = res.locals.currentUser!;
    const state = service.twoFactorState(user);
    const enabled = Boolean(state?.enabledAt);
    const secret = enabled ? undefined : setupSecret(req);
    return {
      title: '二要素認証', breadcrumbs: crumbs('二要素認証'), enabled, enabledAt: state?.enabledAt ?? null,
      unusedRecoveryCodes: state?.unusedRecoveryCodes ?? 0, secret, qrSvg: secret ? await totpQrSvg(secret, user.loginId) : undefined,
      required: twoFactorRequired(user) && !enabled, recoveryCodes: undefined as string[] | undefined, values: {},
    };
  };

  router.get('/account/two-factor', async (req, res) => res.render('my-account/two-factor', { ...(await twoFactorPage(req, res)), errors: {} }));

  router.post('/account/two-factor', async (req, res) => {
    const user = res.locals.currentUser!;
    const secret = req.session.totpSetupSecret;
    const code = typedCode(formValue(req.body, 'otp'));
    const outcome = secret && !service.twoFactorState(user)?.enabledAt
      ? service.enableTwoFactor(user, secret, code, actorOf(req, res))
      : { errors: { otp: '設定の画面を開き直してから、もう一度お試しください。' } };
    if ('errors' in outcome) return renderInvalid(res, 'my-account/two-factor', outcome.errors, {}, await twoFactorPage(req, res));
    delete req.session.totpSetupSecret;
    // Shown this once: only their hashes are kept.
    res.render('my-account/two-factor', { ...(await twoFactorPage(req, res)), recoveryCodes: outcome.codes, errors: {} });
  });

  router.post('/account/two-factor/disable', async (req, res) => {
    const user = res.locals.currentUser!;
    if (twoFactorRequired(user)) {
      return renderInvalid(res, 'my-account/two-factor', { otp: '事務局のアカウントは二要素認証が必須のため、解除できません。' }, {}, await twoFactorPage(req, res), 403);
    }
    const errors = service.disableTwoFactor(user, typedCode(formValue(req.body, 'otp')), actorOf(req, res));
    if (errors) return renderInvalid(res, 'my-account/two-factor', errors, {}, await twoFactorPage(req, res));
    req.session.notice = '二要素認証を解除しました。';
    res.redirect(303, '/account');
  });

  return router;
}
