import { z } from 'zod';
import { charCount, multiLineField, optionalIdField, singleLineField } from '../../validation.js';
import { QA_CATEGORIES, QA_STATUSES } from './qa.labels.js';

export const SUBJECT_MAX = 100;
export const TEXT_MAX = 4000;

const subject = singleLineField('件名が正しくありません。')
  .pipe(z.string().min(1, '件名を入力してください。').refine((v) => charCount(v) <= SUBJECT_MAX, `件名は${SUBJECT_MAX}文字以内で入力してください。`));

const text = (label: string, required: boolean) => multiLineField(label, required, TEXT_MAX);

const category = z.enum(QA_CATEGORIES, { message: '区分を選んでください。' });

/** POST /admin/qa and /admin/qa/:id (the contract's fields, with the owner and the entry concerned). */
export const qaForm = z.object({
  category,
  subject,
  body: text('内容', true),
  status: z.enum(QA_STATUSES, { message: '状態を選んでください。' }),
  answer: text('回答', false),
  owner: optionalIdField('担当者の指定が正しくありません。'),
  entry_id: optionalIdField('関係する情報のIDは数字で入力してください。'),
});
export type QaForm = z.infer<typeof qaForm>;

/** GET /admin/qa's filters: anything unknown is simply no filter. */
export const qaFilterQuery = z.object({
  category: z.enum(QA_CATEGORIES).optional().catch(undefined).transform((v) => v ?? null),
  status: z.enum(QA_STATUSES).optional().catch(undefined).transform((v) => v ?? null),
});

/** POST /contact (logged-in members). */
export const contactForm = z.object({ category, subject, body: text('お問い合わせの内容', true) });
export type ContactForm = z.infer<typeof contactForm>;
