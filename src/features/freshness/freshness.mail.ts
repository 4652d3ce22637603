import type { LinkTo } from '../../mail/links.js';
import type { OutgoingMail } from '../../mail/outbox.repository.js';
import { formatDate } from '../../text.js';
import type { FailingLink, StaleEntry } from './freshness.repository.js';

const STATE_LABELS: Record<FailingLink['state'], string> = {
  ok: '正常', broken: 'エラー応答', unreachable: '応答なし', refused: '確認対象外',
};

/** Two-strikes digest: every link of one organisation that failed twice in a row and was not yet reported. */
export function brokenLinksMail(organisationName: string, to: string[], links: FailingLink[], link: LinkTo): OutgoingMail {
  const lines = links.map((l) => `・${l.title}\n  URL: ${l.url}\n  状態: ${STATE_LABELS[l.state]}（${l.detail}）、${formatDate(l.checkedAt)}確認\n  修正: ${link(`/my/entries/${l.entryId}/edit`)}`);
  return {
    kind: 'freshness.broken-links',
    to,
    subject: `【ＡＰＰＬＩＣ マッチングポータル】掲載情報のリンク切れ（${links.length}件）のお知らせ`,
    body: `${organisationName} ご担当者 様\n\n貴団体が登録した情報のうち、次の${links.length}件のURLが、続けて2回の確認でつながりませんでした。` +
      '製品の販売終了やページの移動があった場合は、URLの修正または情報の更新・削除をお願いします。\n\n' +
      `${lines.join('\n\n')}\n\n登録情報の一覧: ${link('/my/entries')}\n` +
      '※ 一時的な障害の場合は、次回以降の確認で自動的に解消されます。\n',
  };
}

/** Stale reminder: one organisation's entries not updated or confirmed for the configured months. */
export function staleEntriesMail(organisationName: string, to: string[], entries: StaleEntry[], months: number, link: LinkTo): OutgoingMail {
  const lines = entries.map((e) => `・${e.title}（最終更新・確認 ${formatDate(e.freshAt)}）\n  ${link(`/my/entries/${e.entryId}`)}`);
  return {
    kind: 'freshness.stale-entries',
    to,
    subject: `【ＡＰＰＬＩＣ マッチングポータル】${months}か月以上更新のない登録情報（${entries.length}件）のご確認のお願い`,
    body: `${organisationName} ご担当者 様\n\n貴団体が登録した情報のうち、次の${entries.length}件は${months}か月以上更新されていません。` +
      '自治体の皆様が最新の情報を参照できるよう、内容をご確認ください。\n\n' +
      `${lines.join('\n')}\n\n` +
      `内容に変更がない場合: 登録情報一覧（${link('/my/entries')}）の各情報にある「内容に変更なし」ボタンを押すと、確認日が記録されます。\n` +
      '変更がある場合: 各情報の「編集する」から更新してください。販売を終了した製品は削除をお願いします。\n',
  };
}
