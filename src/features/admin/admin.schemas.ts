import { z } from 'zod';
import { idList, pageField } from '../search/search.schemas.js';

/** GET /admin/review?page=N */
export const reviewQuerySchema = z.object({ page: pageField(), reviewed: z.string().regex(/^\d{1,4}$/).optional().transform((v) => (v === undefined ? undefined : Number(v))) });

/**
 * POST /admin/review: the ticked `entry` ids, or — with the button 「このページのすべてを確認済みにする」
 * (`scope=page`) — every `page_entry` id of the page the form was on. `page` brings the user back.
 */
export const reviewFormSchema = z.object({
  entry: idList('確認済みにする情報の指定が正しくありません。'),
  page_entry: idList('確認済みにする情報の指定が正しくありません。'),
  scope: z.enum(['selected', 'page']).optional().transform((v) => v ?? 'selected'),
  page: pageField(),
}).transform((form) => ({ ids: form.scope === 'page' ? form.page_entry : form.entry, page: form.page }))
  .refine((form) => form.ids.length > 0, { message: '確認済みにする情報を選んでください。', path: ['entry'] });
