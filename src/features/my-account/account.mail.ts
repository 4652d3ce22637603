import type { LinkTo } from '../../mail/links.js';
import type { OutgoingMail } from '../../mail/outbox.repository.js';
import { formatDateTime } from '../../text.js';
import { normaliseIp } from '../security/ip-ranges.js';

const SUBJECT = '【ＡＰＰＬＩＣ マッチングポータル】';
const SIGNATURE = '\n――\nＡＰＰＬＩＣ マッチングポータル（一般財団法人 全国地域情報化推進協会）\nこのメールに心当たりのない場合は、ＡＰＰＬＩＣ事務局にお知らせください。\n';

type To = { email: string; name: string; loginId: string };
const greeting = (to: To) => `${to.name || 'ご担当者'} 様（ログインID：${to.loginId}）\n\n`;

/**
 * 「パスワードが変更されました」: when and from which address, and no link to click, so that a mail
 * imitating it (phishing) is easy to tell from the real one.
 */
export function passwordChangedMail(to: To, at: string, ip: string, how: 'change' | 'reset' | 'invite'): OutgoingMail {
  const what = how === 'invite' ? 'パスワードが設定されました' : 'パスワードが変更されました';
  return {
    kind: 'account.password-changed', to: [to.email], subject: `${SUBJECT}${what}`,
    body: `${greeting(to)}アカウントの${what}。\n\n日時：${formatDateTime(at)}\n操作したアドレス：${normaliseIp(ip)}\n\n` +
      (how === 'invite' ? '' : 'この操作でほかの端末のログインはすべて終了しました。\n') +
      'ご自身の操作でない場合は、すぐにＡＰＰＬＩＣ事務局にご連絡ください。\n' + SIGNATURE,
  };
}

export function resetLinkMail(to: To, token: string, link: LinkTo, minutes: number): OutgoingMail {
  return {
    kind: 'account.password-reset', to: [to.email], subject: `${SUBJECT}パスワード再設定のご案内`,
    body: `${greeting(to)}パスワード再設定のお申し込みを受け付けました。次のリンクから新しいパスワードを設定してください。\n\n` +
      `${link(`/password-reset/${token}`)}\n\nこのリンクは${minutes}分間、1回だけ使えます。再度お申し込みになると、このリンクは使えなくなります。\n` +
      'お申し込みに心当たりがない場合は、このメールを破棄してください。パスワードは変わりません。\n' + SIGNATURE,
  };
}

export function invitationMail(to: To & { organisationName: string }, token: string, link: LinkTo, days: number): OutgoingMail {
  return {
    kind: 'account.invitation', to: [to.email], subject: `${SUBJECT}アカウントのご案内（パスワードの設定）`,
    body: `${greeting(to)}ＡＰＰＬＩＣ事務局が、${to.organisationName}のアカウントを作成しました。\n` +
      `次のリンクからパスワードを設定すると、ログインID「${to.loginId}」でログインできます。\n\n${link(`/invite/${token}`)}\n\n` +
      `このリンクは${days}日間、1回だけ使えます。期限が過ぎた場合は、ＡＰＰＬＩＣ事務局に再送を依頼してください。\n` + SIGNATURE,
  };
}

export function twoFactorMail(to: To, at: string, change: 'enabled' | 'disabled' | 'reset'): OutgoingMail {
  const what = { enabled: '二要素認証を設定しました', disabled: '二要素認証を解除しました', reset: 'ＡＰＰＬＩＣ事務局が二要素認証を解除しました' }[change];
  return {
    kind: 'account.two-factor', to: [to.email], subject: `${SUBJECT}${what}`,
    body: `${greeting(to)}${what}。\n\n日時：${formatDateTime(at)}\n\n` +
      (change === 'enabled' ? '次回からのログインでは、パスワードのあとに認証アプリの確認コードを入力します。\n'
        : '次回からのログインはIDとパスワードだけになります。マイページの「二要素認証」から再び設定できます。\n') +
      'ご自身（またはご依頼）の操作でない場合は、すぐにＡＰＰＬＩＣ事務局にご連絡ください。\n' + SIGNATURE,
  };
}
