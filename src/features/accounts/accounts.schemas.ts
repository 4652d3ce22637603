import { z } from 'zod';
import { charCount, fieldErrors, type FieldErrors } from '../../validation.js';
import { passwordProblem } from './password-rules.js';

export const loginSchema = z.object({
  login_id: z
    .string({ message: 'ログインIDを入力してください。' })
    .trim()
    .min(1, 'ログインIDを入力してください。')
    .refine((v) => charCount(v) <= 64, 'ログインIDは64文字以内で入力してください。'),
  password: z
    .string({ message: 'パスワードを入力してください。' })
    .min(1, 'パスワードを入力してください。')
    .refine((v) => charCount(v) <= 200, 'パスワードは200文字以内で入力してください。'),
});

export type LoginForm = z.infer<typeof loginSchema>;

const profileText = (label: string, max: number) => z.string({ message: `${label}の指定が正しくありません。` }).optional()
  .transform((v) => (v ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim())
  .pipe(z.string().refine((v) => charCount(v) <= max, `${label}は${max}文字以内で入力してください。`));

/**
 * An account's own details, as the secretariat's account form and マイページ both take them: they
 * become the registrant information of the entries the user registers.
 */
export const profileFields = {
  name: profileText('氏名', 100),
  department: profileText('部署名', 100),
  phone: profileText('電話番号', 30),
  email: profileText('メールアドレス', 254).refine((v) => v === '' || z.email().safeParse(v).success, 'メールアドレスの形式が正しくありません。'),
};

/** POST /account: the profile, with an address required (the password mails and resets go to it). */
export const profileForm = z.object({
  ...profileFields,
  email: profileFields.email.refine((v) => v !== '', 'メールアドレスを入力してください（パスワードの再設定などのお知らせが届きます）。'),
});
export type ProfileForm = z.infer<typeof profileForm>;

/** A new password typed twice, checked against the rules (password-rules.ts) for `loginId`. */
export const newPasswordForm = (loginId: string) => z.object({
  new_password: z.string({ message: '新しいパスワードを入力してください。' }).min(1, '新しいパスワードを入力してください。'),
  new_password_confirm: z.string({ message: '確認のため、新しいパスワードをもう一度入力してください。' }).optional().transform((v) => v ?? ''),
}).superRefine((form, ctx) => {
  const problem = passwordProblem(form.new_password, loginId);
  if (problem) ctx.addIssue({ code: 'custom', path: ['new_password'], message: problem });
  else if (form.new_password_confirm !== form.new_password) {
    ctx.addIssue({ code: 'custom', path: ['new_password_confirm'], message: '確認のために入力したパスワードが一致しません。' });
  }
}).transform((form) => form.new_password);

/** POST /account/password: the current password, and the new one twice; a message at each field that is wrong. */
export function parsePasswordChange(body: unknown, loginId: string): { current: string; next: string } | { errors: FieldErrors } {
  const current = z.object({ current_password: z.string({ message: '現在のパスワードを入力してください。' }).min(1, '現在のパスワードを入力してください。') }).safeParse(body ?? {});
  const next = newPasswordForm(loginId).safeParse(body ?? {});
  if (current.success && next.success) return { current: current.data.current_password, next: next.data };
  return { errors: { ...(current.success ? {} : fieldErrors(current.error)), ...(next.success ? {} : fieldErrors(next.error)) } };
}

/** POST /account/mail */
export const mailPreferencesForm = z.object({ mail_freshness: z.unknown().optional().transform((v) => v === '1') });
