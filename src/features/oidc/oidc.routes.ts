import { Router, type Request, type Response } from 'express';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import { homePathFor, safeNextPath } from '../../middleware/auth.js';
import type { AccountsRepository } from '../accounts/accounts.repository.js';
import type { AccountsService } from '../accounts/accounts.service.js';
import type { AccountLinksService } from '../account-links/account-links.service.js';
import type { OidcService } from './oidc.service.js';
import { startSession } from '../accounts/login-session.js';
import type { OidcClient } from './oidc.client.js';
import type { OidcRepository } from './oidc.repository.js';

/** How long a started login waits for the issuer to send the browser back. */
const PENDING_MINUTES = 10;

const RETRY_MESSAGE = 'ＡＰＰＬＩＣ会員IDでのログインを確認できませんでした。期限が切れたか、手続きが正しくありません。もう一度ログインしてください。';

const INVITATION_FAILED_MESSAGE = 'この招待のリンクは使えません。有効期限が過ぎたか、既に使われたか、あとから新しい案内が送られています。ＡＰＰＬＩＣ事務局に再送を依頼してください。';

type Deps = {
  client: OidcClient; repository: OidcRepository; accounts: AccountsRepository; service: AccountsService;
  /** Invitations, which a sign-in through the issuer may accept (linking its subject), and the link itself. */
  invitations: AccountLinksService; links: OidcService;
  clock: Clock; logger: Logger; publicUrl: string;
};

/**
 * GET /auth/oidc and its callback: sign-in through the association's issuer (issue 24), onto a
 * linked account; and GET /invite/:token/oidc, an invitation accepted by signing in there, which
 * links the subject to the invited account instead of setting a password.
 */
export function oidcRoutes({ client, repository, accounts, service, invitations, links, clock, logger, publicUrl }: Deps): Router {
  const router = Router();
  const invitationFailed = (res: Response) => res.status(410).render('oidc/refused', {
    title: 'パスワードの設定（アカウントのご案内）', breadcrumbs: [{ label: 'ログイン', href: '/login' }, { label: 'アカウントのご案内' }], message: INVITATION_FAILED_MESSAGE,
  });

  router.get('/auth/oidc', (req, res) => {
    const next = safeNextPath(req.query.next);
    if (res.locals.currentUser) return res.redirect(302, next ?? homePathFor(res.locals.currentUser.organisationKind));
    return startAt(req, res, next);
  });

  router.get('/invite/:token/oidc', (req, res) => {
    const token = String(req.params.token ?? '');
    if (!invitations.linkFor(token, 'invite')) return invitationFailed(res);
    return startAt(req, res, null, token);
  });

  /** Sends the browser to the issuer, keeping in the session what its return is checked against. */
  async function startAt(req: Request, res: Response, next: string | null, invitation?: string) {
    let started;
    try {
      started = await client.start(next, clock.now(), invitation);
    } catch (error) {
      logger.error({ err: error }, 'the OpenID Connect issuer could not be reached');
      // The way in when the issuer is down is the portal's own login: the page says so.
      return res.status(503).render('oidc/refused', {
        title: 'ＡＰＰＬＩＣ会員IDでログインできません', breadcrumbs: [{ label: 'ログイン', href: '/login' }, { label: 'ＡＰＰＬＩＣ会員IDでログインできません' }],
        message: 'ＡＰＰＬＩＣ会員IDのログインの窓口に接続できません。しばらくしてからお試しいただくか、ポータルのIDとパスワードでログインしてください。',
      });
    }
    req.session.oidcPending = started.pending;
    res.redirect(303, started.url);
  }

  router.get('/auth/oidc/callback', async (req, res) => {
    // Used once: a second arrival (a replayed code, a reloaded page) finds nothing to check against.
    const pending = req.session.oidcPending;
    delete req.session.oidcPending;
    const attempt = { ip: req.ip ?? '', userAgent: req.get('user-agent') ?? '' };
    const refuse = (reason: string, error?: unknown) => {
      logger.warn({ err: error, reason, ip: req.ip }, 'OpenID Connect login refused');
      service.recordRefusedOidc({ ...attempt, reason: 'oidc_refused' });
      return res.status(400).render('oidc/refused', { title: 'ログインできませんでした', breadcrumbs: [{ label: 'ログイン', href: '/login' }, { label: 'ログインできませんでした' }], message: RETRY_MESSAGE });
    };
    if (!pending) return refuse('no login was started in this session');
    if (clock.now().getTime() - Date.parse(pending.startedAt) > PENDING_MINUTES * 60_000) return refuse('the started login expired');

    let identity;
    try {
      identity = await client.finish(new URL(req.originalUrl, publicUrl), pending);
    } catch (error) {
      return refuse('the issuer\'s answer did not check out', error);
    }
    let userId = repository.userOf(identity.issuer, identity.subject);
    if (pending.invitation !== undefined) {
      const invitee = invitations.linkFor(pending.invitation, 'invite');
      if (!invitee) return invitationFailed(res);
      if (userId !== undefined && userId !== invitee.id) {
        logger.warn({ subject: identity.subject, ip: req.ip }, 'an invitation was accepted with an ID already linked to another account');
        return res.status(409).render('oidc/refused', {
          title: 'アカウントを受け取れませんでした', breadcrumbs: [{ label: 'ログイン', href: '/login' }, { label: 'アカウントを受け取れませんでした' }],
          message: 'このＡＰＰＬＩＣ会員IDは、すでにポータルの別のアカウントに結び付けられています。招待されたアカウントを受け取るには、パスワードを設定するか、ＡＰＰＬＩＣ事務局にお問い合わせください。',
        });
      }
      const accepted = invitations.acceptInvitationBy(pending.invitation, req.ip ?? '', (actor) => links.link(actor, invitee.id, identity.subject) === 'linked');
      if (!accepted) return invitationFailed(res);
      userId = accepted.id;
    }
    if (userId === undefined) {
      logger.warn({ issuer: identity.issuer, subject: identity.subject, ip: req.ip }, 'OpenID Connect subject not linked to any account');
      service.recordRefusedOidc({ ...attempt, reason: 'oidc_unlinked', subject: identity.subject.slice(0, 255) });
      return res.status(403).render('oidc/unlinked', { subject: identity.subject, title: 'アカウントが結び付けられていません', breadcrumbs: [{ label: 'ログイン', href: '/login' }, { label: 'アカウントが結び付けられていません' }] });
    }
    const outcome = service.loginLinked({ userId, ...attempt });
    if (!outcome.ok) {
      return res.status(401).render('oidc/refused', {
        title: 'ログインできませんでした', breadcrumbs: [{ label: 'ログイン', href: '/login' }, { label: 'ログインできませんでした' }],
        message: 'このアカウントではログインできません。ご不明な点はＡＰＰＬＩＣ事務局にお問い合わせください。',
      });
    }
    await startSession(req, clock, userId, { outsideRange: outcome.outsideRange, oidcIdToken: identity.idToken });
    res.redirect(302, pending.next ?? homePathFor(accounts.findSessionUser(userId)?.organisationKind ?? 'municipality'));
  });

  return router;
}
