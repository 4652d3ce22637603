/**
 * The audit log in words a person reads: what each recorded action and field is called on the
 * secretariat's screens (no program codes on a page).
 */
export const ACTION_LABELS: Record<string, string> = {
  'entry.create': '新規登録', 'entry.update': '変更', 'entry.delete': '削除', 'entry.import': 'CSVで登録',
  'entry.suspend': '公開停止', 'entry.unsuspend': '公開停止の解除', 'entry.reconfirm': '内容に変更なしを確認', 'entry.review': '確認済み', 'entry.restore': '削除の取り消し',
  'like.add': '「いいね！」', 'like.remove': '「いいね！」の取り消し',
};

/** An entry's recorded fields, as the entry form calls them. */
export const ENTRY_FIELD_LABELS: Record<string, string> = {
  type: '情報種別', title: 'タイトル', summary: '概要', url: 'URL', genre: '行政課題のジャンル', genres: '行政課題のジャンル',
  contact_company: '会社・団体名', contact_department: '部署名', contact_name: '担当者名', contact_phone: '電話番号',
  contact_email: 'メールアドレス', attachment: '添付資料', owner_org: '登録団体', deleted_at: '削除', suspended_reason: '公開停止の理由',
  confirmed_at: '内容確認日', reason: '理由',
};

export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? '変更';
}

/** How each recorded login attempt ended, as the login log shows it. */
export const LOGIN_RESULT_LABELS: Record<string, string> = {
  ok: '成功', bad_credentials: 'IDまたはパスワードの誤り', inactive: '無効なアカウント', locked: 'ロック中のため拒否',
  lock_started: '失敗が続いたためIDをロック', ip_throttled: '同じアドレスからの失敗が多いため制限', outside_range_denied: '登録外のIPアドレスのため拒否',
};

/**
 * A user-agent string as a short name: 「Edge（Windows）」. Enough to tell one browser from another in
 * the login log; the page keeps the full string one click away.
 */
export function browserName(userAgent: string): string {
  const browser = /Edg\//.test(userAgent) ? 'Edge' : /Firefox\//.test(userAgent) ? 'Firefox'
    : /Chrome\/|Chromium\//.test(userAgent) ? 'Chrome' : /Safari\//.test(userAgent) ? 'Safari' : '';
  const system = /Windows/.test(userAgent) ? 'Windows' : /iPhone|iPad/.test(userAgent) ? 'iOS' : /Android/.test(userAgent) ? 'Android'
    : /Mac OS X/.test(userAgent) ? 'Mac' : /Linux/.test(userAgent) ? 'Linux' : '';
  if (!browser && !system) return userAgent === '' ? '（記録なし）' : 'その他';
  return `${browser || 'その他'}${system ? `（${system}）` : ''}`;
}
