/** The ledger's words for its codes (no program codes on a page, in the CSV either). */
export const QA_CATEGORIES = ['product', 'operation', 'function', 'other'] as const;
export type QaCategory = (typeof QA_CATEGORIES)[number];
export const QA_STATUSES = ['open', 'review', 'answered', 'closed'] as const;
export type QaStatus = (typeof QA_STATUSES)[number];

export const CATEGORY_LABELS: Record<QaCategory, string> = {
  product: '製品・事例に関する問い合わせ', operation: 'システム運用面', function: 'システム機能面', other: 'その他',
};

/** What the spec has the secretariat do with each kind (５．オペレーション仕様（２）). */
export const CATEGORY_HANDLING: Record<QaCategory, string> = {
  product: '問い合わせた方に、その情報を登録した団体（詳細画面の「この情報について問い合わせる」）を紹介します。',
  operation: '運用会社に確認し、その結果を回答します。',
  function: '記録し、検討会で対応を決めてから回答します。',
  other: '内容に応じて対応します。',
};

export const STATUS_LABELS: Record<QaStatus, string> = { open: '受付', review: '検討会で検討中', answered: '回答済み', closed: '完了' };

/** What a member picks on /contact: the same categories in the member's words. */
export const CONTACT_CATEGORY_LABELS: Record<QaCategory, string> = {
  product: '掲載されている製品・事例・人材について', operation: 'ポータルの使い方・ログイン・不具合', function: 'ポータルの機能へのご要望', other: 'その他',
};
