/**
 * What the secretariat's last action did, said on the page it leads to: a redirect carries
 * `?done=KEY`, and the page shows the message for it (an unknown key shows nothing).
 */
export const DONE_MESSAGES = {
  'genre-created': 'ジャンルを追加しました。',
  'genre-updated': 'ジャンルを保存しました。',
  'genre-retired': 'ジャンルを非表示にしました（下位のジャンルも）。登録済みの情報はジャンルを保ったままです。',
  'genre-restored': 'ジャンルを再び表示するようにしました（下位のジャンルも）。',
  'genre-merged': 'ジャンルを統合しました。統合したジャンルの情報・保存した検索・課題の登録は統合先に移り、統合したジャンルは非表示になりました。',
  'genre-moved': 'ジャンルを下位のジャンルごと移動しました。',
  'genre-split': 'ジャンルを分割しました。選んだ情報は新しいジャンルに移りました。',
  'snapshot-saved': 'ジャンル体系を年度版として保存しました。',
  'type-created': '情報種別を追加しました。',
  'type-updated': '情報種別を保存しました。',
  'org-created': '団体を追加しました。',
  'org-updated': '団体を保存しました。',
  'user-created': 'アカウントを追加しました。',
  'user-created-invited': 'アカウントを追加し、本人にパスワード設定の案内（招待メール）を送りました。',
  'user-updated': 'アカウントを保存しました。',
  'freshness-saved': '鮮度の設定を保存しました。',
  'synonyms-saved': '同じ意味の言葉を保存しました。キーワード検索にすぐ反映しています。',
  'two-factor-required': '事務局のアカウントに二要素認証を必須にしました。設定していないアカウントは、次の操作で設定の画面に案内されます。',
  'two-factor-optional': '事務局のアカウントの二要素認証を任意にしました。',
  'oidc-required': '特別会員・一般会員のアカウントは、ＡＰＰＬＩＣ会員IDでのみログインできるようにしました。事務局のアカウントは引き続きポータルのパスワードでもログインできます。',
  'oidc-optional': '特別会員・一般会員のアカウントも、ポータルのパスワードでログインできるようにしました。',
  'user-invited': '招待メールを送りました。以前の招待のリンクは使えなくなりました。',
  'two-factor-reset': '二要素認証を解除しました。本人にメールで知らせました。',
  'policy-saved': '登録外のIPアドレスからのログインの方針を保存しました。',
  'shared-range-created': '共用の出口IPアドレスを登録しました。この範囲からのログインは記録だけし、通知しません。',
  'shared-range-updated': '共用の出口IPアドレスを保存しました。',
  'shared-range-deleted': '共用の出口IPアドレスの登録を削除しました。以後この範囲からのログインも通知の対象になります。',
  'qa-created': 'QA・インシデント管理台帳に記録しました。',
  'qa-updated': '記録を保存しました。',
  reviewed: '確認済みにしました。',
  // The guidebook's self-check (guidebook.routes.ts), for municipality users.
  'self-check-saved': 'セルフチェックを保存しました。変更した項目に、今日の日付とあなたの名前を記録しました。',
  'self-check-unchanged': '変更した項目がなかったため、保存する内容はありませんでした。',
  'oidc-linked': 'ＡＰＰＬＩＣ会員IDを結び付けました。次からそのIDでこのアカウントにログインできます。',
  'oidc-unlinked': 'ＡＰＰＬＩＣ会員IDの結び付けを外しました。',
  'guidebook-links-saved': 'ガイドブックの項目と情報の対応を保存しました。項目の解説のページにすぐ表示されます。',
  'self-check-year-kept': '現在のセルフチェックを年度の記録として保存しました。',
  // The owner organisation is mailed in each of these (admin-entries.service.ts).
  suspended: '公開を停止しました。登録団体にメールで知らせました。',
  unsuspended: '公開を再開しました。登録団体にメールで知らせました。',
  deleted: '削除しました。登録団体にメールで知らせました。この画面から元に戻せます。',
  restored: '削除を取り消し、元に戻しました。登録団体にメールで知らせました。',
} as const;

export type DoneKey = keyof typeof DONE_MESSAGES;

export function doneMessage(query: unknown): string | undefined {
  return typeof query === 'string' && Object.hasOwn(DONE_MESSAGES, query) ? DONE_MESSAGES[query as DoneKey] : undefined;
}

declare module 'express-serve-static-core' {
  interface Locals {
    /** The message of `?done=` for the page (views/partials/done-notice.ejs, in the page head). */
    done?: string;
  }
}
