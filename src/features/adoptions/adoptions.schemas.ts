import { z } from 'zod';
import { adoptionVisibilities } from './adoptions.repository.js';

/** The earliest year the form offers: before it, a municipality leaves the year out. */
export const FIRST_ADOPTION_YEAR = 2000;

/**
 * POST /entries/:id/adoption. The year is a choice among those the form offers (this year back to
 * FIRST_ADOPTION_YEAR, or none); the visibility one of three, with no default a tampered form could fall into.
 */
export const adoptionFormSchema = (thisYear: number) => z.object({
  since_year: z
    .string()
    .optional()
    .transform((v) => (v ?? '').trim())
    .refine((v) => v === '' || (/^\d{4}$/.test(v) && Number(v) >= FIRST_ADOPTION_YEAR && Number(v) <= thisYear), '導入した年は一覧から選んでください。')
    .transform((v) => (v === '' ? null : Number(v))),
  visibility: z.enum(adoptionVisibilities, { message: '団体名を誰に表示するかを選んでください。' }),
});

export type AdoptionForm = z.infer<ReturnType<typeof adoptionFormSchema>>;
