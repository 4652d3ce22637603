import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../paths.js';
import { charCount } from '../../validation.js';
import { PASSWORD_MAX_BYTES, PASSWORD_TOO_LONG_MESSAGE, passwordTooLong } from './passwords.js';

/** Issue 17.6: the rules a new password must meet, each with the message a user reads. */
export const PASSWORD_MIN_CHARS = 12;

export const PASSWORD_RULE_MESSAGES = {
  short: `パスワードは${PASSWORD_MIN_CHARS}文字以上で入力してください。`,
  long: PASSWORD_TOO_LONG_MESSAGE,
  loginId: 'ログインIDと同じ文字列や、ログインIDを含むパスワードは使えません。',
  common: 'よく使われていて推測されやすいパスワードです。別のパスワードにしてください。',
} as const;

/** The rules as the forms state them beside the field. */
export const PASSWORD_HINT = `${PASSWORD_MIN_CHARS}文字以上（半角なら${PASSWORD_MAX_BYTES}文字まで、全角なら24文字まで）。ログインIDを含むものや、よく使われるものは使えません。`;

const fold = (text: string) => text.normalize('NFKC').toLowerCase();

const commonPasswords: ReadonlySet<string> = new Set(
  fs.readFileSync(path.join(projectRoot, 'content', 'common-passwords.txt'), 'utf8')
    .split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#')).map(fold),
);

/** What is wrong with `password` as a new password for `loginId`, or null when it meets every rule. */
export function passwordProblem(password: string, loginId: string): string | null {
  if (charCount(password) < PASSWORD_MIN_CHARS) return PASSWORD_RULE_MESSAGES.short;
  if (passwordTooLong(password)) return PASSWORD_RULE_MESSAGES.long;
  const folded = fold(password);
  const id = fold(loginId.trim());
  // A login ID of one or two characters would forbid too much; anything longer must not be inside.
  if (id !== '' && (folded === id || (id.length >= 3 && folded.includes(id)))) return PASSWORD_RULE_MESSAGES.loginId;
  if (commonPasswords.has(folded)) return PASSWORD_RULE_MESSAGES.common;
  return null;
}
