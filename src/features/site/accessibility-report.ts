/**
 * What the ウェブアクセシビリティ方針 (/accessibility) may claim, kept in one place with what the tests do:
 * test/e2e/public-site.test.ts visits every page kind listed here as its role, runs axe-core, checks
 * reflow at 320 px and fails when this list and the pages it tested differ. A page kind added here
 * without a test, or a claim the test does not back, breaks the build — the policy says only what
 * was tested (総務省「みんなの公共サイト運用ガイドライン」, WAIC 対応度表記ガイドライン).
 */
export type TestedRole = 'guest' | 'municipality' | 'vendor' | 'secretariat';

export const ROLE_LABELS: Record<TestedRole, string> = {
  guest: 'ログインしていない利用者',
  municipality: '特別会員（地方公共団体）',
  vendor: '一般会員（企業・団体）',
  secretariat: 'ＡＰＰＬＩＣ事務局',
};

/** `path` is the page the test opens; `:entry` stands for a published entry of the demo data. */
export type TestedPageKind = { kind: string; label: string; role: TestedRole; path: string };

export const TESTED_PAGE_KINDS: readonly TestedPageKind[] = [
  { kind: 'home', label: 'ホーム', role: 'guest', path: '/' },
  { kind: 'login', label: 'ログイン', role: 'guest', path: '/login' },
  { kind: 'search', label: '検索画面（行政課題のジャンルと情報種別）', role: 'guest', path: '/search' },
  { kind: 'guidebook', label: 'ガイドブック', role: 'guest', path: '/guidebook' },
  { kind: 'guidebook-item', label: 'ガイドブックの項目の解説', role: 'guest', path: '/guidebook/items/1' },
  { kind: 'mynumber', label: 'マイナンバー利活用シーン 実務読み替え版', role: 'guest', path: '/guidebook/mynumber' },
  { kind: 'mynumber-item', label: '実務読み替え版の項目', role: 'guest', path: '/guidebook/mynumber/items/1' },
  { kind: 'accessibility', label: 'ウェブアクセシビリティ方針', role: 'guest', path: '/accessibility' },
  { kind: 'terms', label: '利用規約', role: 'guest', path: '/terms' },
  { kind: 'privacy', label: 'プライバシーポリシー', role: 'guest', path: '/privacy' },
  { kind: 'help', label: 'ヘルプ・よくある質問', role: 'guest', path: '/help' },
  { kind: 'contact', label: 'お問い合わせ', role: 'guest', path: '/contact' },
  { kind: 'sitemap', label: 'サイトマップ', role: 'guest', path: '/sitemap' },
  { kind: 'member-home', label: 'ログイン後のホーム', role: 'municipality', path: '/' },
  { kind: 'results', label: '検索結果一覧', role: 'municipality', path: '/search/results?type=1' },
  { kind: 'entry', label: '情報の詳細', role: 'municipality', path: '/entries/:entry' },
  { kind: 'inquiry', label: '登録団体への問い合わせ', role: 'municipality', path: '/entries/:entry/inquiry' },
  { kind: 'self-check', label: 'ガイドブックのセルフチェック', role: 'municipality', path: '/guidebook/self-check' },
  { kind: 'self-check-history', label: 'セルフチェックの履歴と年度の比較', role: 'municipality', path: '/guidebook/self-check/history' },
  { kind: 'peers', label: '同じ課題を持つ仲間を探す', role: 'municipality', path: '/peers' },
  { kind: 'issues', label: '課題の登録', role: 'municipality', path: '/my/issues' },
  { kind: 'saved-searches', label: '保存した検索', role: 'municipality', path: '/my/searches' },
  { kind: 'account', label: 'マイページ', role: 'municipality', path: '/account' },
  { kind: 'member-contact', label: 'お問い合わせ（フォーム）', role: 'municipality', path: '/contact' },
  { kind: 'my-entries', label: '登録情報一覧', role: 'vendor', path: '/my/entries' },
  { kind: 'entry-form', label: '情報の登録フォーム', role: 'vendor', path: '/my/entries/new' },
  { kind: 'registration-terms', label: '登録の規約', role: 'vendor', path: '/my/entries/terms' },
  { kind: 'admin', label: '事務局管理のトップ', role: 'secretariat', path: '/admin' },
  { kind: 'admin-entries', label: '登録情報の管理（事務局）', role: 'secretariat', path: '/admin/entries' },
  { kind: 'admin-genres', label: '行政課題のジャンルの編集', role: 'secretariat', path: '/admin/genres' },
  { kind: 'admin-orgs', label: '団体の管理', role: 'secretariat', path: '/admin/orgs' },
  { kind: 'admin-users', label: '利用者の管理', role: 'secretariat', path: '/admin/users' },
  { kind: 'admin-security', label: '不審なログイン', role: 'secretariat', path: '/admin/security' },
  { kind: 'admin-insights', label: '利用状況の分析', role: 'secretariat', path: '/admin/insights' },
  { kind: 'admin-guidebook', label: 'ガイドブックの項目と情報の対応', role: 'secretariat', path: '/admin/guidebook' },
  { kind: 'admin-guidebook-item', label: 'ガイドブックの項目と情報の対応の編集', role: 'secretariat', path: '/admin/guidebook/items/1' },
];

/** The policy's dates and level; change `testedOn` when the tests or the pages they cover change. */
export const ACCESSIBILITY_POLICY = {
  decidedOn: '2026-12-02',
  testedOn: '2026-12-03',
  standard: 'JIS X 8341-3:2016',
  targetLevel: 'AA',
};
