import { z } from 'zod';
import { organisationKinds } from '../accounts/accounts.types.js';
import { profileFields } from '../accounts/accounts.schemas.js';
import { passwordProblem } from '../accounts/password-rules.js';
import { idList, pageField } from '../search/search.schemas.js';
import { canonicalRange } from '../security/ip-ranges.js';
import { charCount, idField, optionalIdField } from '../../validation.js';
import { organisationSorts, userSorts } from './admin-accounts.repository.js';

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

const textField = (label: string, max: number) => z.string().optional().transform((v) => (v ?? '').trim())
  .pipe(z.string().refine((v) => charCount(v) <= max, `${label}は${max}文字以内で入力してください。`));

/** One IPv4/IPv6 address or CIDR a line (blank lines skipped), up to 200, each stored canonical. */
const ipRangeLines = () => z.string().optional()
  .transform((v) => (v ?? '').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== ''))
  .superRefine((lines, ctx) => {
    const bad = lines.map((l, i) => (canonicalRange(l) ? null : `${i + 1}行目「${l.slice(0, 50)}」`)).filter((x) => x !== null);
    if (bad.length > 0) ctx.addIssue({ code: 'custom', message: `IPアドレスまたはCIDRの形式ではありません：${bad.join('、')}` });
    if (lines.length > 200) ctx.addIssue({ code: 'custom', message: 'IPアドレスの範囲は200行までにしてください。' });
  })
  .transform((lines) => [...new Set(lines.map((l) => canonicalRange(l)!))]);

/** A list's search box: at most 100 characters, NFKC (全角英数 finds 半角) and lower case, as the SQL compares. */
const listKeyword = z.string().optional().transform((v) => (v ?? '').normalize('NFKC').trim().slice(0, 100).toLowerCase());
const oneOf = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values).optional();

/** GET /admin/orgs?q=&kind=&sort=&page= */
export const organisationListQuery = z.object({
  q: listKeyword,
  kind: z.union([z.literal(''), z.enum(organisationKinds)]).optional().transform((v) => v ?? ''),
  sort: oneOf(organisationSorts).transform((v) => v ?? 'name'),
  page: pageField(),
});
export type OrganisationListQuery = z.infer<typeof organisationListQuery>;

/** GET /admin/users?q=&kind=&state=&org_id=&sort=&page= (org_id: that organisation's accounts, and the add form set to it). */
export const userListQuery = z.object({
  q: listKeyword,
  kind: z.union([z.literal(''), z.enum(organisationKinds)]).optional().transform((v) => v ?? ''),
  state: z.enum(['', 'active', 'inactive', 'never']).optional().transform((v) => v ?? ''),
  org_id: optionalIdField('団体の指定が正しくありません。'),
  sort: oneOf(userSorts).transform((v) => v ?? 'login_id'),
  page: pageField(),
});
export type UserListQuery = z.infer<typeof userListQuery>;

/** POST /admin/orgs, /admin/orgs/:id: the ranges come back as the canonical text of each address or CIDR. */
export const organisationForm = z.object({
  name: z.string({ message: '団体名を入力してください。' }).trim().min(1, '団体名を入力してください。').refine((v) => charCount(v) <= 100, '団体名は100文字以内で入力してください。'),
  kind: z.enum(organisationKinds, { message: '種別を選択してください。' }),
  ip_ranges: ipRangeLines(),
});
export type OrganisationForm = z.infer<typeof organisationForm>;

/**
 * POST /admin/users, /admin/users/:id. The password may be left empty: a new account then gets an
 * invitation by mail to set its own (so it needs an address), an existing one keeps its password.
 * A password typed here meets the same rules as one a user sets (password-rules.ts).
 */
export const userForm = (creating: boolean) => z.object({
  login_id: z.string({ message: 'ログインIDを入力してください。' }).trim().min(1, 'ログインIDを入力してください。')
    .refine((v) => charCount(v) <= 64, 'ログインIDは64文字以内で入力してください。')
    .regex(/^[A-Za-z0-9._@-]*$/, 'ログインIDは半角英数字と . _ @ - で入力してください。'),
  password: z.string().optional().transform((v) => v ?? ''),
  org_id: idField('所属団体を選択してください。'),
  ...profileFields,
  active: z.literal('1').optional(),
}).superRefine((form, ctx) => {
  const problem = form.password === '' ? null : passwordProblem(form.password, form.login_id);
  if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
  if (creating && form.password === '' && form.email === '') {
    ctx.addIssue({ code: 'custom', path: ['email'], message: 'パスワードを空欄にする場合は、パスワード設定の案内（招待メール）を送るメールアドレスを入力してください。' });
  }
}).transform((form) => ({
  loginId: form.login_id, password: form.password, organisationId: form.org_id, name: form.name, department: form.department,
  phone: form.phone, email: form.email, active: form.active === '1',
}));
export type UserForm = z.infer<ReturnType<typeof userForm>>;

const requiredName = (label: string, max: number) =>
  z.string({ message: `${label}を入力してください。` }).trim().min(1, `${label}を入力してください。`).refine((v) => charCount(v) <= max, `${label}は${max}文字以内で入力してください。`);
const parentField = optionalIdField('親ジャンルの指定が正しくありません。');
const sortOrderField = z.string({ message: '並び順は整数で入力してください。' }).trim()
  .regex(/^-?\d{1,6}$/, '並び順は整数で入力してください。').transform(Number);

// The CSV import writes a genre as its path joined by '/' and separates genres by ';' (full-width
// forms too, after NFKC): a name containing either could not be written there.
export const genreName = requiredName('ジャンル名', 50).refine((v) => !/[/;]/.test(v.normalize('NFKC')), {
  message: 'ジャンル名に「/」「;」は使えません（CSVの取り込みでジャンルの区切りに使います）。',
});

/** POST /admin/genres */
export const genreAddForm = z.object({ name: genreName, parent_id: parentField })
  .transform((f) => ({ name: f.name, parentId: f.parent_id }));
/** POST /admin/genres/:id */
export const genreEditForm = z.object({ name: genreName, parent_id: parentField, sort_order: sortOrderField })
  .transform((f) => ({ name: f.name, parentId: f.parent_id, sortOrder: f.sort_order }));
/** POST /admin/types */
export const typeAddForm = z.object({ name: requiredName('情報種別名', 50) });
/** POST /admin/types/:id */
export const typeEditForm = z.object({ name: requiredName('情報種別名', 50), sort_order: sortOrderField })
  .transform((f) => ({ name: f.name, sortOrder: f.sort_order }));
export type GenreEditForm = z.infer<typeof genreEditForm>;

/** POST /admin/security/policy */
export const policyForm = z.object({ policy: z.enum(['notify', 'deny'], { message: '方針を選択してください。' }) });

/** POST /admin/security/shared-ranges, /admin/security/shared-ranges/:id: a shared egress range (名称・範囲・メモ). */
export const sharedRangeForm = z.object({
  name: requiredName('名称', 100),
  ip_ranges: ipRangeLines().refine((lines) => lines.length > 0, 'IPアドレスまたはCIDRを1行以上入力してください。'),
  note: textField('メモ', 1000),
}).transform((f) => ({ name: f.name, cidrs: f.ip_ranges, note: f.note }));
export type SharedRangeForm = z.infer<typeof sharedRangeForm>;
