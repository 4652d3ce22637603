import { z } from 'zod';
import { fieldErrors, multiLineField, type FieldErrors } from '../../validation.js';
import type { ChecklistItem } from './guidebook.checklists.js';
import { selfCheckStatuses } from './guidebook.repository.js';
import type { SubmittedCheck } from './guidebook.service.js';

/** A note's limit: the field's maxlength, its label and this check say the same number. */
export const NOTE_MAX = 200;

const versionField = z.string().optional().transform((v) => (/^\d{1,9}$/.test(v ?? '') ? Number(v) : 0));

/**
 * The self-check form of some items (the whole sheet, or one item on its commentary page), per item
 * N: status_N ('' for 未記入, or one of the three), note_N, version_N, and was_status_N / was_note_N,
 * the answer the page showed. An item whose status_N was not sent is not part of this save; one sent
 * as the page showed it is not the user's change (changed: false), so a colleague's answer saved in
 * the meantime is neither overwritten nor a conflict.
 */
export function parseChecks(items: ChecklistItem[], body: unknown): { checks: SubmittedCheck[] } | { errors: FieldErrors } {
  const form = (body ?? {}) as Record<string, unknown>;
  const sent = items.filter((i) => `status_${i.code}` in form);
  const schema = z.object(Object.fromEntries(sent.flatMap((i) => [
    [`status_${i.code}`, z.enum(['', ...selfCheckStatuses], { message: `${i.label}の状況を選び直してください。` })],
    [`note_${i.code}`, multiLineField(`${i.label}のメモ`, false, NOTE_MAX)],
    [`version_${i.code}`, versionField],
    [`was_status_${i.code}`, z.unknown().optional().transform((v) => (typeof v === 'string' ? v : ''))],
    [`was_note_${i.code}`, z.unknown().optional().transform((v) => (typeof v === 'string' ? v.replace(/\r\n?/g, '\n').trim() : ''))],
  ])));
  const parsed = schema.safeParse(form);
  if (!parsed.success) return { errors: fieldErrors(parsed.error) };
  const data = parsed.data as Record<string, string | number>;
  return {
    checks: sent.map((i) => {
      const status = String(data[`status_${i.code}`]);
      const note = String(data[`note_${i.code}`]);
      return {
        item: i.code, status: (status || null) as SubmittedCheck['status'], note, version: Number(data[`version_${i.code}`]),
        changed: status !== data[`was_status_${i.code}`] || note !== data[`was_note_${i.code}`],
      };
    }),
  };
}

/** The fields of the items the user changed, as typed: what a refused form shows again (the rest shows what is saved). */
export function typedChanges(items: ChecklistItem[], body: unknown): Record<string, string> {
  const form = (body ?? {}) as Record<string, unknown>;
  const text = (name: string) => (typeof form[name] === 'string' ? (form[name]) : '');
  return Object.fromEntries(items
    .filter((i) => `status_${i.code}` in form
      && (text(`status_${i.code}`) !== text(`was_status_${i.code}`) || text(`note_${i.code}`).trim() !== text(`was_note_${i.code}`).trim()))
    .flatMap((i) => [[`status_${i.code}`, text(`status_${i.code}`)], [`note_${i.code}`, text(`note_${i.code}`)]]));
}

/** The fiscal year a record is kept for: this one or one of the two before (a record made late). */
export const yearRecordSchema = (thisYear: number) => z.object({
  fiscal_year: z.string({ message: '年度を選択してください。' })
    .regex(/^\d{4}$/, '年度を選択してください。').transform(Number)
    .refine((y) => y <= thisYear && y >= thisYear - 2, '年度は今年度か、その前の2年度から選んでください。'),
});
