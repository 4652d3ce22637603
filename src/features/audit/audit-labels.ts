/**
 * The audit log in words a person reads: what each recorded action and field is called on the
 * secretariat's screens (no program codes on a page).
 */
export const ACTION_LABELS: Record<string, string> = {
  'entry.create': '新規登録', 'entry.update': '変更', 'entry.delete': '削除', 'entry.import': 'CSVで登録',
  'entry.suspend': '公開停止', 'entry.unsuspend': '公開停止の解除', 'entry.reconfirm': '内容に変更なしを確認', 'entry.review': '確認済み', 'entry.restore': '削除の取り消し',
  'like.add': '「いいね！」', 'like.remove': '「いいね！」の取り消し',
  'entry.inquiry': 'お問い合わせの送信',
  'qa.create': 'QA・インシデント管理台帳への記録', 'qa.update': 'QA・インシデント管理台帳の記録の変更', 'qa.contact': 'お問い合わせフォームからの受付',
  'adoption.set': '「導入しています」の登録', 'adoption.remove': '「導入しています」の取り消し',
  'user.create': 'アカウントの追加', 'user.update': 'アカウントの変更', 'organisation.create': '団体の追加', 'organisation.update': '団体の変更',
  'genre.create': 'ジャンルの追加', 'genre.update': 'ジャンルの変更', 'genre.retire': 'ジャンルの非表示', 'genre.restore': 'ジャンルの再表示',
  'type.create': '情報種別の追加', 'type.update': '情報種別の変更', 'security.policy': '登録外IPアドレスの方針の変更',
  'freshness.settings': '鮮度の設定の変更', 'freshness.check': 'リンクの一斉確認', 'issue_profile.update': '課題の登録の変更',
  'saved_search.create': '検索条件の保存', 'saved_search.update': '保存した検索の変更', 'saved_search.delete': '保存した検索の削除',
  'self_check.update': 'セルフチェックの記録', 'self_check.year': 'セルフチェックの年度の記録', 'guidebook.links': 'ガイドブックの項目と情報の対応の変更', 'user.oidc_link': 'ＡＰＰＬＩＣ会員IDの結び付け', 'message.relay': 'メッセージの送信',
  'shared_range.create': '共用の出口IPアドレスの登録', 'shared_range.update': '共用の出口IPアドレスの変更',
  'shared_range.delete': '共用の出口IPアドレスの削除',
  'account.profile': 'プロフィールの変更', 'account.mail': 'メールの設定の変更', 'account.password': 'パスワードの変更',
  'account.password_reset': 'パスワードの再設定', 'account.invitation_accepted': '招待によるパスワードの設定',
  'account.two_factor_on': '二要素認証の設定', 'account.two_factor_off': '二要素認証の解除',
  'user.invite': '招待メールの送信', 'user.two_factor_reset': '事務局による二要素認証の解除',
  'security.two_factor': '事務局アカウントの二要素認証の設定', 'security.oidc_required': 'ＡＰＰＬＩＣ会員IDでのログインの必須化の設定',
  'oidc.import': 'ＡＰＰＬＩＣ会員IDの一括結び付け', 'synonyms.update': '同じ意味の言葉の変更',
  'entry_link.hide': '他団体からの関連付けの非表示', 'entry_link.show': '他団体からの関連付けの再表示',
  'genre.merge': 'ジャンルの統合', 'genre.move': 'ジャンルの移動（下位のジャンルごと）', 'genre.split': 'ジャンルの分割',
  'genre.snapshot': 'ジャンル体系の年度版の保存', 'genre.registration_request': '登録依頼メールの送信',
  'survey.create': '利用者アンケートの作成', 'survey.update': '利用者アンケートの変更',
};

/** Fields of the other records the audit log holds (accounts, organisations, genres, settings). */
export const OTHER_FIELD_LABELS: Record<string, string> = {
  loginId: 'ログインID', organisationId: '所属団体', name: '名前', department: '部署名', phone: '電話番号', email: 'メールアドレス',
  active: 'ログインできる', password: 'パスワード', kind: '種別', ip_ranges: 'IPアドレスの範囲', parent_id: '親ジャンル',
  sort_order: '並び順', retired: '非表示', outside_range_policy: '登録外IPアドレスの方針', subject: '件名', alert: 'お知らせメール',
  conditions: '検索条件', note: 'メモ', mail_freshness: '登録情報のお知らせメール', two_factor_required: '事務局アカウントの二要素認証を必須にする',
  oidc_required_members: '特別会員・一般会員はＡＰＰＬＩＣ会員IDでのみログインする', oidc_links: '結び付けたアカウントの数',
  synonyms: '同じ意味の言葉', since_year: '導入した年', inquiry: 'お問い合わせの番号', visibility: '団体名の表示',
  merged_into: '統合先', entries: '情報の件数', saved_searches: '保存した検索の件数', issue_profiles: '課題の登録の件数',
  child_genres: '下位のジャンル', moved_to: '移動先', genre_count: 'ジャンルの数', new_genre: '新しいジャンル', split_from: '分割元',
  fiscal_year: '年度', organisations: '送り先の団体数', since_snapshot: '基準とした年度版',
  questions: '設問の数', opens_on: '開始日', closes_on: '終了日',
  oidc_subject: 'ＡＰＰＬＩＣ会員IDの識別子', guidebook_genres: '対応する行政課題のジャンル（番号）', guidebook_entries: '対応する情報（番号）',
};

/** Any recorded field's label (entry fields first), for mails and screens. */
export function fieldLabel(field: string): string {
  const known = ENTRY_FIELD_LABELS[field] ?? OTHER_FIELD_LABELS[field];
  if (known) return known;
  // The self-check's items (guidebook.service.ts): item_3 on the main checklist, mynumber_item_2-1 on the My Number one.
  if (/^item_\d+$/.test(field)) return `チェック項目${field.slice(5)}`;
  if (/^mynumber_item_\d-\d$/.test(field)) return `事業チェックリスト項目${field.slice(14)}`;
  return '項目';
}

/** Recorded values that are codes, by field. */
const VALUE_LABELS: Record<string, Record<string, string>> = {
  outside_range_policy: { notify: '通知', deny: '拒否' },
  visibility: { none: '表示しない', municipalities: '地方公共団体と事務局に表示', all: '企業にも表示' },
  kind: { municipality: '特別会員（地方公共団体）', vendor: '一般会員', secretariat: 'ＡＰＰＬＩＣ事務局' },
};

/** A recorded value in a mail: （なし） for nothing, codes by their names, lists joined, the rest as text. */
export function valueText(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '（なし）';
  if (typeof value === 'string' && VALUE_LABELS[field]?.[value]) return VALUE_LABELS[field][value];
  if (typeof value === 'boolean') return value ? 'はい' : 'いいえ';
  if (Array.isArray(value)) return value.map((v) => String(v)).join('、') || '（なし）';
  return typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/** An entry's recorded fields, as the entry form calls them. */
export const ENTRY_FIELD_LABELS: Record<string, string> = {
  type: '情報種別', title: 'タイトル', summary: '概要', url: 'URL', genre: '行政課題のジャンル', genres: '行政課題のジャンル',
  contact_company: '会社・団体名', contact_department: '部署名', contact_name: '担当者名', contact_phone: '電話番号',
  contact_email: 'メールアドレス', attachment: '添付資料', owner_org: '登録団体', deleted_at: '削除', suspended_reason: '公開停止の理由',
  confirmed_at: '内容確認日', reason: '理由', updated_at: '更新日時', related: '関連する情報',
};

export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? '変更';
}

/** How each recorded login attempt ended, as the login log shows it. */
export const LOGIN_RESULT_LABELS: Record<string, string> = {
  ok: '成功', bad_credentials: 'IDまたはパスワードの誤り', inactive: '無効なアカウント', locked: 'ロック中のため拒否',
  lock_started: '失敗が続いたためIDをロック', ip_throttled: '同じアドレスからの失敗が多いため制限', outside_range_denied: '登録外のIPアドレスのため拒否',
  second_factor: 'パスワード確認済み（確認コード待ち）', bad_otp: '確認コードの誤り',
  oidc_refused: 'ＡＰＰＬＩＣ会員IDの応答を確認できないため拒否', oidc_unlinked: 'どのアカウントにも結び付いていないＡＰＰＬＩＣ会員ID',
  password_not_allowed: 'ＡＰＰＬＩＣ会員IDでのログインが必須のため拒否',
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
