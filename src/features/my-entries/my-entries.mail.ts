import type { LinkTo } from '../../mail/links.js';
import type { OutgoingMail } from '../../mail/outbox.repository.js';
import type { SessionUser } from '../accounts/accounts.types.js';
import type { Registrant } from './my-entries.repository.js';
import type { EntryValues } from './my-entries.schemas.js';

/**
 * The spec's 登録処理済メール to the registrant, and a notice to the secretariat, who reviews new and
 * changed entries (5．オペレーション仕様: 登録後、登録処理済メール ⇒ ＡＰＰＬＩＣ事務局が登録内容を確認).
 */
export function registrationMails(input: {
  entryId: number; values: EntryValues; user: SessionUser; registrant: Registrant; adminEmail: string; created: boolean; link: LinkTo;
}): OutgoingMail[] {
  const { entryId, values, registrant, created } = input;
  const what = created ? '登録' : '更新';
  const summary = [
    `情報ID: ${entryId}`,
    `タイトル: ${values.title}`,
    `連絡先: ${values.contact_company} ${values.contact_department} ${values.contact_name}`.trim(),
    `登録者: ${registrant.company} ${registrant.department} ${registrant.name}`.trim(),
    `自団体の登録情報: ${input.link(`/my/entries/${entryId}`)}`,
  ].join('\n');
  return [
    {
      kind: created ? 'entry.registered' : 'entry.updated',
      to: [registrant.email],
      subject: `【ＡＰＰＬＩＣ マッチングポータル】情報の${what}を受け付けました（${values.title.slice(0, 40)}）`,
      body: `${registrant.name || 'ご担当者'} 様\n\nＡＰＰＬＩＣ マッチングポータルへの情報の${what}を受け付けました。\n` +
        `ＡＰＰＬＩＣ事務局が内容を確認します。\n\n${summary}\n\n` +
        'このメールは送信専用です。お問い合わせはＡＰＰＬＩＣ事務局までお願いします。\n',
    },
    {
      kind: created ? 'entry.registered.secretariat' : 'entry.updated.secretariat',
      to: [input.adminEmail],
      subject: `【要確認】情報が${what}されました：${values.title.slice(0, 40)}`,
      body: `次の情報が${what}されました。内容をご確認ください。\n\n${summary}\n管理画面: ${input.link(`/admin/entries/${entryId}`)}\n`,
    },
  ];
}
