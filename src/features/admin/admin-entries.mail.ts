import type { LinkTo } from '../../mail/links.js';
import type { OutgoingMail } from '../../mail/outbox.repository.js';

type Owned = { id: number; title: string; organisationName: string; ownerEmails: string | null };

const SUBJECT = '【ＡＰＰＬＩＣ マッチングポータル】';

/** What the secretariat did to an organisation's entry, for the organisation's active users. */
export function ownerMail(kind: 'suspended' | 'unsuspended' | 'deleted' | 'restored', entry: Owned, link: LinkTo, reason = ''): OutgoingMail {
  const to = (entry.ownerEmails ?? '').split(',');
  const head = `${entry.organisationName} ご担当者様\n\n`;
  const facts = `情報ID: ${entry.id}\nタイトル: ${entry.title}\n`;
  const title = entry.title.slice(0, 40);
  switch (kind) {
    case 'suspended':
      return {
        kind: 'entry.suspended', to, subject: `${SUBJECT}登録情報の公開を停止しました（${title}）`,
        body: `${head}登録いただいた次の情報の公開を、ＡＰＰＬＩＣ事務局が一時的に停止しました。\n\n${facts}理由: ${reason}\n\n` +
          `内容を修正のうえ、ＡＰＰＬＩＣ事務局までご連絡ください。自団体の登録情報一覧には「公開停止中」と表示されます。\n${link(`/my/entries/${entry.id}`)}\n`,
      };
    case 'unsuspended':
      return {
        kind: 'entry.unsuspended', to, subject: `${SUBJECT}登録情報の公開を再開しました（${title}）`,
        body: `${head}公開を停止していた次の情報の公開を、ＡＰＰＬＩＣ事務局が再開しました。特別会員の検索結果に再び表示されます。\n\n${facts}\n${link(`/my/entries/${entry.id}`)}\n`,
      };
    case 'deleted':
      return {
        kind: 'entry.deleted', to, subject: `${SUBJECT}登録情報を削除しました（${title}）`,
        body: `${head}登録いただいた次の情報を、ＡＰＰＬＩＣ事務局が削除しました。検索結果にも詳細画面にも表示されません。\n\n${facts}理由: ${reason}\n\n` +
          'お心当たりがない場合や、元に戻す必要がある場合は、ＡＰＰＬＩＣ事務局までご連絡ください（事務局が元に戻せます）。\n',
      };
    case 'restored':
      return {
        kind: 'entry.restored', to, subject: `${SUBJECT}削除された登録情報を元に戻しました（${title}）`,
        body: `${head}削除されていた次の情報を、ＡＰＰＬＩＣ事務局が元に戻しました。削除される前と同じ状態で表示されます。\n\n${facts}\n${link(`/my/entries/${entry.id}`)}\n`,
      };
  }
}
