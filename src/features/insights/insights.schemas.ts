import { z } from 'zod';
import { charCount, dayField, multiLineField, singleLineField } from '../../validation.js';
import { idList } from '../search/search.schemas.js';

/** ?who=municipality: municipalities' usage alone; anything else is everyone's. */
export const audienceQuery = z.object({
  who: z.enum(['municipality']).optional().catch(undefined).transform((v) => v ?? 'all' as const),
});

/** GET /admin/insights/report: the period (the trial's), both days included. */
export const reportQuery = z.object({ from: dayField('開始日'), to: dayField('終了日') })
  .refine((p) => p.from <= p.to, { path: ['to'], message: '終了日は開始日以降の日付にしてください。' });

/** POST /admin/insights/genres/:id/request: the 登録依頼 as the secretariat edited it. */
export const registrationRequestForm = z.object({
  organisation: idList('送り先の指定が正しくありません。').refine((ids) => ids.length > 0, '送り先の団体を1つ以上選んでください。'),
  subject: singleLineField('件名が正しくありません。')
    .pipe(z.string().min(1, '件名を入力してください。').refine((v) => charCount(v) <= 100, '件名は100文字以内で入力してください。')),
  body: multiLineField('本文', true, 4000),
});
