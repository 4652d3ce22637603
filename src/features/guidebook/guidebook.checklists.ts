import type { Guidebook } from './guidebook.content.js';

/** The two checklists a municipality can answer: the guidebook's ten items, and the My Number version's. */
export const checklistKeys = ['main', 'mynumber'] as const;
export type ChecklistKey = (typeof checklistKeys)[number];

export type ChecklistItem = {
  /** '1' … '10' on the main checklist, '1-1' … '5-3' on the My Number one (guidebook_checks.item). */
  code: string;
  /** As a person names it: 「項目3」, 「項目2-1」. */
  label: string;
  title: string;
  /** Where the item is explained. */
  href: string;
};

export type Checklist = {
  key: ChecklistKey;
  /** What the self-check is of, for headings and the print page. */
  title: string;
  items: ChecklistItem[];
  /** The page with the whole self-check form, its anchor included. */
  formPage: string;
  /** Where the paths of this self-check start: POST `${base}/self-check`, GET `${base}/self-check/history` … */
  base: string;
};

/**
 * The old checklist (平成26年度成果物, numbered 1-1 … 5-3, the numbering the My Number version's
 * 事業チェックリスト keeps) against the ten items of Ver.2.0 (平成27年度成果物), as the source's
 * 「新旧対応の解説（１）〜（４）」 gives it: 「3-1 … 4-1 … については『1.パートナーを探す』という視点でま
 * とめた」 and so on. Item 10 is new (「『10.まずはやってみよう』を追加した」), so no old item leads to it.
 */
export const OLD_TO_NEW: Readonly<Record<string, readonly number[]>> = {
  '1-1': [2, 7],
  '1-2': [2, 3],
  '2-1': [6],
  '2-2': [8],
  '3-1': [1, 8],
  '3-2': [8],
  '4-1': [1, 5],
  '4-2': [5],
  '5-1': [3, 9],
  '5-2': [3, 4],
  '5-3': [4, 7, 9],
};

/** The old items an item of Ver.2.0 was made from (the reverse of OLD_TO_NEW). */
export function oldItemsOf(newNumber: number): string[] {
  return Object.entries(OLD_TO_NEW).filter(([, news]) => news.includes(newNumber)).map(([code]) => code);
}

export function checklistsOf(guidebook: Guidebook): Record<ChecklistKey, Checklist> {
  return {
    main: {
      key: 'main',
      title: 'ＩＣＴ地域イノベーション・ガイドブック チェックリスト',
      items: guidebook.items.map((i) => ({ code: String(i.number), label: `項目${i.number}`, title: i.checklistTitle, href: `/guidebook/items/${i.number}` })),
      formPage: '/guidebook#self-check',
      base: '/guidebook',
    },
    mynumber: {
      key: 'mynumber',
      title: '事業チェックリスト（マイナンバー利活用シーン向け読み替え版）',
      items: guidebook.myNumber.checklist.flatMap((group) => group.items.map((i) => ({
        code: i.code, label: `項目${i.code}`, title: i.question, href: `/guidebook/mynumber#check-${i.code}`,
      }))),
      formPage: '/guidebook/mynumber#self-check',
      base: '/guidebook/mynumber',
    },
  };
}
