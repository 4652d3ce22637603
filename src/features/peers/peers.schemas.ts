import { z } from 'zod';
import { charCount, checkboxField, fieldErrors, type FieldErrors, optionalIdField, singleLineField } from '../../validation.js';
import { idList, pageField } from '../search/search.schemas.js';
import { issueStatuses, populationBands, type IssueStatus } from './regions.js';

export const NOTE_MAX = 100;

const checkbox = checkboxField();
const optionalId = optionalIdField;
const prefectureField = (required: boolean) =>
  z.string({ message: '都道府県の指定が正しくありません。' }).optional().transform((v) => v ?? '')
    .pipe(z.string().regex(required ? /^([1-9]|[1-3]\d|4[0-7])$/ : /^(([1-9]|[1-3]\d|4[0-7]))?$/,
      required ? '都道府県を選択してください。' : '都道府県の指定が正しくありません。'))
    .transform((v) => (v === '' ? null : Number(v)));
const bandField = (required: boolean) =>
  z.string({ message: '人口規模の指定が正しくありません。' }).optional().transform((v) => v ?? '')
    .pipe(z.enum([...populationBands, ''], { message: '人口規模の指定が正しくありません。' }))
    .refine((v) => !required || v !== '', '人口規模を選択してください。')
    .transform((v) => (v === '' ? null : v));

/** /my/issues without the per-genre fields, which depend on the genres ticked. */
export const profileForm = z.object({
  genre: idList('ジャンルの指定が正しくありません。'),
  prefecture: prefectureField(true),
  population_band: bandField(true),
  visible: checkbox,
  show_likes: checkbox,
  contact_user: optionalId('連絡担当者の指定が正しくありません。'),
  publish_contact: checkbox,
});

export type ProfileForm = z.infer<typeof profileForm>;

/** One ticked genre's status (検討中 when a newly ticked genre has none yet) and one-line note. */
const issueFields = (label: string) => z.object({
  status: z.string({ message: `「${label}」の状況が正しくありません。` }).optional().transform((v) => v ?? 'considering')
    .pipe(z.enum(issueStatuses, { message: `「${label}」の状況を選択してください。` })),
  note: singleLineField(`「${label}」のメモが正しくありません。`)
    .pipe(z.string().refine((v) => charCount(v) <= NOTE_MAX, `「${label}」のメモは${NOTE_MAX}文字以内で入力してください。`)),
});

/** The status and note of each ticked genre; errors come back under status_ID and note_ID. */
export function parseIssueFields(body: Record<string, unknown>, genres: { id: number; label: string }[]):
  { issues: { genreId: number; status: IssueStatus; note: string }[]; errors: FieldErrors } {
  const issues: { genreId: number; status: IssueStatus; note: string }[] = [];
  const errors: FieldErrors = {};
  for (const { id, label } of genres) {
    const parsed = issueFields(label).safeParse({ status: body[`status_${id}`], note: body[`note_${id}`] });
    if (parsed.success) issues.push({ genreId: id, ...parsed.data });
    else for (const [field, message] of Object.entries(fieldErrors(parsed.error))) errors[`${field}_${id}`] ??= message;
  }
  return { issues, errors };
}

/** /peers filters. `near` adds the neighbouring prefectures; `for` (secretariat) ranks from that municipality. */
export const peersQuery = z.object({
  prefecture: prefectureField(false),
  near: checkbox,
  population_band: bandField(false),
  genre: optionalId('ジャンルの指定が正しくありません。'),
  for: optionalId('基準にする団体の指定が正しくありません。'),
  page: pageField(),
});

export type PeersQuery = z.infer<typeof peersQuery>;


export const SUBJECT_MAX = 100;
export const BODY_MAX = 2000;

/** A message relayed to another municipality. */
export const messageForm = z.object({
  subject: singleLineField('件名が正しくありません。')
    .pipe(z.string().min(1, '件名を入力してください。').refine((v) => charCount(v) <= SUBJECT_MAX, `件名は${SUBJECT_MAX}文字以内で入力してください。`)),
  body: z.string({ message: '本文が正しくありません。' }).optional()
    .transform((v) => (v ?? '').replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]+/g, ' ').trim())
    .pipe(z.string().min(1, '本文を入力してください。').refine((v) => charCount(v) <= BODY_MAX, `本文は${BODY_MAX}文字以内で入力してください。`)),
});
