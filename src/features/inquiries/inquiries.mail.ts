import type { LinkTo } from '../../mail/links.js';
import type { OutgoingMail } from '../../mail/outbox.repository.js';
import type { SessionUser } from '../accounts/accounts.types.js';

/**
 * The inquiry to the entry's contact, and the asker's copy. The portal sends both; the contact's
 * mail names the asker's organisation, department and name in its text and carries the asker's address
 * only in Reply-To, so a plain reply reaches the asker (the portal receives no mail to relay one).
 */
export function inquiryMails(input: {
  from: SessionUser; entry: { id: number; title: string; contactEmail: string; contactCompany: string; contactName: string };
  subject: string; body: string; link: LinkTo;
}): OutgoingMail[] {
  const { from, entry } = input;
  const asker = [from.organisationName, from.department, from.name].filter((s) => s !== '').join(' ');
  const quoted = `件名: ${input.subject}\n\n${input.body}`;
  return [
    {
      kind: 'entry.inquiry',
      to: [entry.contactEmail],
      replyTo: from.email,
      subject: `【ＡＰＰＬＩＣ マッチングポータル】${from.organisationName}からのお問い合わせ：${entry.title.slice(0, 40)}`,
      body: `${entry.contactCompany} ${entry.contactName} 様\n\n` +
        `ＡＰＰＬＩＣ マッチングポータルに掲載の「${entry.title}」について、${asker} さんからお問い合わせがありました。\n` +
        'このメールに返信すると、お問い合わせいただいた方に直接届きます。\n' +
        `掲載情報: ${input.link(`/my/entries/${entry.id}`)}\n\n` +
        `----------------------------------------\n${quoted}\n----------------------------------------\n`,
    },
    {
      kind: 'entry.inquiry.copy',
      to: [from.email],
      subject: `【ＡＰＰＬＩＣ マッチングポータル】お問い合わせを送りました：${entry.title.slice(0, 40)}`,
      body: `${from.name || 'ご担当者'} 様\n\n「${entry.title}」の連絡先（${entry.contactCompany}）へ次のお問い合わせをお送りしました（送信控え）。\n` +
        '先方からの返信は、このメールアドレスに直接届きます。\n' +
        `送ったお問い合わせの一覧: ${input.link('/my/inquiries')}\n\n` +
        `----------------------------------------\n${quoted}\n----------------------------------------\n`,
    },
  ];
}
