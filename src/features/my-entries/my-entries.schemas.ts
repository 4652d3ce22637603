import { z } from 'zod';
import { idList, keywordField, pageField } from '../search/search.schemas.js';
import { charCount, idField } from '../../validation.js';


/** Related entries an entry may link to: enough for a product's cases, few enough to read. */
export const MAX_RELATED = 30;

const text = (label: string, max: number, required: boolean) =>
  z
    .string()
    .optional()
    .transform((v) => (v ?? '').trim())
    .pipe(
      z
        .string()
        .refine((v) => !required || v !== '', `${label}を入力してください。`)
        .refine((v) => charCount(v) <= max, `${label}は${max}文字以内で入力してください。`),
    );


/**
 * The entry form of the contract. Fields not listed here (an organisation id, registrant fields) are
 * dropped: ownership and the registrant come from the session, never from the form.
 */
export const entryFormSchema = z.object({
  type: idField('情報種別を選択してください。'),
  title: text('タイトル', 100, true),
  summary: text('概要', 4000, true),
  url: z
    .string()
    .optional()
    .transform((v) => (v ?? '').trim())
    .pipe(
      z
        .string()
        .refine((v) => charCount(v) <= 2000, 'URLは2000文字以内で入力してください。')
        .refine((v) => v === '' || /^https?:\/\/[^\s/?#]+[^\s]*$/i.test(v), 'URLは http:// または https:// で始まる形式で入力してください。'),
    ),
  genre: idList('行政課題のジャンルの指定が正しくありません。').pipe(
    z.array(z.number()).min(1, '行政課題のジャンルを1つ以上選択してください。').max(50, '行政課題のジャンルは50個までにしてください。'),
  ),
  // Other published entries this one is linked with (issue 21.1); which ones exist is checked by the route.
  related: idList('関連する情報の指定が正しくありません。').pipe(z.array(z.number()).max(MAX_RELATED, `関連する情報は${MAX_RELATED}件までにしてください。`)),
  contact_company: text('会社名', 100, true),
  contact_department: text('部署名', 100, false),
  contact_name: text('担当者名', 100, true),
  contact_phone: text('電話番号', 30, true).refine(
    (v) => v === '' || /^[0-9０-９+＋()（）\-－ー‐ ]+$/.test(v),
    '電話番号は数字とハイフンで入力してください。',
  ),
  contact_email: text('メールアドレス', 254, true).refine(
    (v) => v === '' || z.email().safeParse(v).success,
    'メールアドレスの形式が正しくありません。',
  ),
  agree_terms: z.literal('1', { message: '登録の規約を確認し、同意してください。' }),
  remove_attachment: z.literal('1').optional(),
  draft_key: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/).optional(),
});

export type EntryForm = z.infer<typeof entryFormSchema>;

/** The values of an entry as the form and the confirmation page show them. */
export type EntryValues = Omit<EntryForm, 'agree_terms' | 'remove_attachment' | 'draft_key'>;

/** Just the entry's values of a parsed form (not the terms tick, the draft key or the file options). */
export function entryValues(form: EntryForm): EntryValues {
  const { type, title, summary, url, genre, related, contact_company, contact_department, contact_name, contact_phone, contact_email } = form;
  return { type, title, summary, url, genre, related, contact_company, contact_department, contact_name, contact_phone, contact_email };
}

/** The own list's filter: keyword, genres (OR, subtrees) and page, as in the search. */
export const ownListQuerySchema = z.object({
  q: keywordField(),
  genre: idList('ジャンルの指定が正しくありません。'),
  page: pageField(),
});

export type OwnListQuery = z.infer<typeof ownListQuerySchema>;
