import { z } from 'zod';
import { charCount } from '../../validation.js';

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
