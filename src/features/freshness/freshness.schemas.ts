import { z } from 'zod';
import { checkboxField } from '../../validation.js';

/** /admin/freshness settings: whether the checker may request internal addresses, and the stale age. */
export const freshnessSettingsSchema = z.object({
  allow_private: checkboxField(),
  stale_after_months: z
    .string({ message: '月数を入力してください。' })
    .trim()
    .regex(/^\d{1,3}$/, { message: '月数は1から60までの半角数字で入力してください。' })
    .transform(Number)
    .refine((n) => n >= 1 && n <= 60, { message: '月数は1から60までの半角数字で入力してください。' }),
});
