import type { LinkTo } from '../../mail/links.js';
import type { OutgoingMail } from '../../mail/outbox.repository.js';
import type { SessionUser } from '../accounts/accounts.types.js';

/**
 * The relayed message and the sender's copy. The recipient learns the sender's organisation, department
 * and name, never an address; the copy names the receiving organisation only. Replies go through the
 * portal (the mail's From is the portal's own address), so neither side ever sees the other's.
 */
export function relayedMails(input: {
  from: SessionUser; to: { id: number; name: string }; recipients: string[]; subject: string; body: string; link: LinkTo;
}): OutgoingMail[] {
  const { from, to } = input;
  const sender = [from.organisationName, from.department, from.name].filter((s) => s !== '').join(' ');
  const quoted = `件名: ${input.subject}\n\n${input.body}`;
  return [
    {
      kind: 'peer.message',
      to: input.recipients,
      subject: `【ＡＰＰＬＩＣ マッチングポータル】${from.organisationName}からのメッセージ：${input.subject.slice(0, 40)}`,
      body: `${to.name} ご担当者 様\n\n` +
        `ＡＰＰＬＩＣ マッチングポータルの「同じ課題を持つ仲間を探す」から、${sender} さんがメッセージを送りました。\n` +
        'お互いのメールアドレスは相手に知らされません。このメールへの返信は相手に届きませんので、' +
        `返信はポータルからお送りください: ${input.link(`/peers/${from.organisationId}/message`)}\n\n` +
        `----------------------------------------\n${quoted}\n----------------------------------------\n`,
    },
    {
      kind: 'peer.message.copy',
      to: [from.email],
      subject: `【ＡＰＰＬＩＣ マッチングポータル】${to.name}へのメッセージを送りました：${input.subject.slice(0, 40)}`,
      body: `${from.name || 'ご担当者'} 様\n\n${to.name}へ次のメッセージをお送りしました（送信控え）。\n` +
        `先方の返信もポータルを通じて届きます。\n\n----------------------------------------\n${quoted}\n----------------------------------------\n`,
    },
  ];
}
