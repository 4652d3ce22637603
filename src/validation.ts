import { z } from 'zod';

/**
 * A row id (or a record version) as the portal writes it in URLs and forms: a positive integer of at
 * most ten digits. One pattern for every place that reads one.
 */
export const ROW_ID = /^[1-9]\d{0,9}$/;

/** `value` as a row id, or null when it is anything else (absent, repeated, not a number). */
export function rowId(value: unknown): number | null {
  return typeof value === 'string' && ROW_ID.test(value) ? Number(value) : null;
}

/** A form field that must name a row (a <select> of ids): `message` for anything else. */
export const idField = (message: string) => z.string({ message }).regex(ROW_ID, message).transform(Number);

/** A form or query field that names a row or is empty (null). */
export const optionalIdField = (message: string) => z.string({ message }).optional().transform((v) => (v ?? '').trim())
  .refine((v) => v === '' || ROW_ID.test(v), message).transform((v) => (v === '' ? null : Number(v)));

/**
 * Characters as a person counts them, and as SQLite's length() does in the schema's CHECKs: code
 * points, so 𠮷 or an emoji is one. zod's .max() counts UTF-16 units and would call it two; every
 * length check of a form uses this instead.
 */
export function charCount(text: string): number {
  return [...text].length;
}

/** Field name → the first message for that field, for the error summary and the per-field messages. */
export type FieldErrors = Record<string, string>;

export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '_form');
    errors[field] ??= issue.message;
  }
  return errors;
}

/** A form field's raw value as the user sent it, for re-display (never trusted for anything else). */
export function formValue(body: unknown, field: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[field];
  return typeof value === 'string' ? value : '';
}

/** A ticked box sends '1'; anything else (absent, repeated, another value) counts as not ticked. */
export const checkboxField = () => z.unknown().optional().transform((v) => v === '1');

/**
 * A one-line text field: absent is '', control characters (a pasted line break, a NUL) become a
 * space, and the ends are trimmed. `message` is for a value that is not a single string.
 */
export const singleLineField = (message: string) =>
  z.string({ message }).optional().transform((v) => (v ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim());

/** The contract's message for a save over a record someone else changed since the form was read. */
/** A calendar date as a date input sends it ('2026-12-01'), checked to be a real day. */
export const dayField = (label: string) => z.string({ message: `${label}を入力してください。` }).trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, `${label}は「2026-12-01」の形で入力してください。`)
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), `${label}が正しい日付ではありません。`);

/** Multi-line text: line ends made \n, control characters other than line breaks and tabs made spaces. */
export const multiLineField = (label: string, required: boolean, max: number) => z.string({ message: `${label}が正しくありません。` }).optional()
  .transform((v) => (v ?? '').replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]+/g, ' ').trim())
  .pipe(z.string()
    .refine((v) => !required || v !== '', `${label}を入力してください。`)
    .refine((v) => charCount(v) <= max, `${label}は${max}文字以内で入力してください。`));

export const CONFLICT_MESSAGE =
  'ほかの方が先に更新しました。いま保存されている内容を確かめ、必要ならもう一度保存してください（入力した内容は残しています）。';

/**
 * The hidden `version` of an edit form: the version of the record it was read from. Anything but a
 * positive integer is null, which matches no record, so a form without it is treated as stale.
 */
export function versionOf(body: unknown): number | null {
  return rowId((body as Record<string, unknown> | undefined)?.version);
}

/**
 * A form that could not be saved, shown again: `status` (400 for bad input, 409 for a save over a
 * newer version) with a message at each field (`errors`) and what the user typed (`values`), on top
 * of the page's own `locals`.
 */
export function renderInvalid(
  res: { status(code: number): { render(view: string, locals: object): void } },
  view: string, errors: FieldErrors, values: Record<string, string>, locals: object = {}, status = 400,
): void {
  res.status(status).render(view, { ...locals, errors, values });
}

/** The named fields of a posted form as strings, for showing the form again (never trusted for anything else). */
export function formValues(body: unknown, ...names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, formValue(body, name)]));
}

/** How a service's save ended: saved (the record's id), refused with a message at a field, or overtaken by another save. */
export type SaveOutcome = { saved: number } | { errors: FieldErrors } | { conflict: true };

/**
 * The answer to a form's save: on to the page that says it was done (303); a refused one is its form
 * again (400) with what was typed; one overtaken by another save is its form with the contract's
 * conflict message and the version now saved (409). `locals` is read only when the form is shown again.
 */
export function answerSave(
  res: { redirect(status: number, url: string): void; status(code: number): { render(view: string, locals: object): void } },
  outcome: SaveOutcome,
  form: { done: (savedId: number) => string; view: string; locals: () => object; values: Record<string, string>; currentVersion: () => string },
): void {
  if ('saved' in outcome) return res.redirect(303, form.done(outcome.saved));
  if ('errors' in outcome) return renderInvalid(res, form.view, outcome.errors, form.values, form.locals());
  renderInvalid(res, form.view, { _form: CONFLICT_MESSAGE }, { ...form.values, version: form.currentVersion() }, form.locals(), 409);
}
