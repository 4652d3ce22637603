import { parseArgs } from 'node:util';
import { z } from 'zod';
import { systemClock } from '../clock.js';
import { ConfigError, loadConfig } from '../config.js';
import { openDatabase } from '../db/connection.js';
import { migrate } from '../db/migrate.js';
import { accountsRepository } from '../features/accounts/accounts.repository.js';
import { organisationKinds } from '../features/accounts/accounts.types.js';
import { passwordProblem } from '../features/accounts/password-rules.js';
import { hashPassword, PASSWORD_TOO_LONG_MESSAGE, passwordTooLong } from '../features/accounts/passwords.js';
import { migrationsDir } from '../paths.js';
import { charCount } from '../validation.js';

const USAGE =
  '使い方: npm run create-user -- --login ID --password PW --org 団体名 --kind secretariat|municipality|vendor [--name 氏名] [--email メール]';

const argsSchema = z.object({
  login: z.string({ message: '--login を指定してください' }).trim().min(1, '--login を指定してください').refine((v) => charCount(v) <= 64, '--login は64文字以内です'),
  password: z.string({ message: '--password を指定してください' }).min(12, '--password は12文字以上にしてください')
    .refine((v) => !passwordTooLong(v), `--password：${PASSWORD_TOO_LONG_MESSAGE}`),
  org: z.string({ message: '--org を指定してください' }).trim().min(1, '--org を指定してください').refine((v) => charCount(v) <= 100, '--org は100文字以内です'),
  kind: z.enum(organisationKinds, { message: '--kind は secretariat, municipality, vendor のいずれかです' }),
  name: z.string().default(''),
  email: z.union([z.literal(''), z.email({ message: '--email の形式が正しくありません' })]).default(''),
}).superRefine((args, ctx) => {
  // The other rules of a new password (password-rules.ts); the length ones have their own messages above.
  const problem = args.password.length >= 12 && !passwordTooLong(args.password) ? passwordProblem(args.password, args.login) : null;
  if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: `--password：${problem}` });
});

/**
 * Creates an organisation (when missing) and a user in it. Applies migrations first, so it also
 * bootstraps the first secretariat account on an empty database.
 */
async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        login: { type: 'string' }, password: { type: 'string' }, org: { type: 'string' },
        kind: { type: 'string' }, name: { type: 'string' }, email: { type: 'string' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(`${parsed.error.issues.map((i) => i.message).join('\n')}\n${USAGE}`);
    return 2;
  }
  const args = parsed.data;
  const config = loadConfig(process.env);
  const db = openDatabase(config.databasePath);
  try {
    migrate(db, migrationsDir);
    const accounts = accountsRepository(db);
    const existing = accounts.findOrganisationByName(args.org);
    if (existing && existing.kind !== args.kind) {
      console.error(`団体「${args.org}」は既に種別 ${existing.kind} で登録されています。`);
      return 1;
    }
    if (accounts.isLoginIdTaken(args.login)) {
      console.error(`ログインID「${args.login}」は既に使われています。`);
      return 1;
    }
    const passwordHash = await hashPassword(args.password);
    const now = systemClock.now().toISOString();
    const userId = db.transaction(() => {
      const organisationId = existing?.id ?? accounts.createOrganisation(args.org, args.kind, now);
      return accounts.createUser({
        organisationId, loginId: args.login, passwordHash, name: args.name, department: '', phone: '',
        email: args.email, active: true, now,
      });
    })();
    console.log(`ユーザー「${args.login}」（団体「${args.org}」、種別 ${args.kind}、ID ${userId}）を作成しました。`);
    return 0;
  } finally {
    db.close();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exitCode = 1;
  } else throw error;
}
