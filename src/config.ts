import os from 'node:os';
import { z } from 'zod';

/**
 * Everything the portal reads from the environment, parsed once at start-up.
 * Only server.ts and the CLI call loadConfig; the rest of the code receives a Config.
 */

const port = z
  .string()
  .regex(/^\d+$/, '1〜65535 の整数を指定してください')
  .transform(Number)
  .pipe(z.number().int().min(1, '1〜65535 の整数を指定してください').max(65535, '1〜65535 の整数を指定してください'));

const flag = z.enum(['0', '1'], { message: '0 または 1 を指定してください' }).transform((v) => v === '1');

/** A whole number from `min` to `max`. */
const count = (min: number, max: number) => z.string().regex(/^\d+$/, `${min}〜${max} の整数を指定してください`).transform(Number)
  .pipe(z.number().int().min(min, `${min}〜${max} の整数を指定してください`).max(max, `${min}〜${max} の整数を指定してください`));

const email = z.email({ message: 'メールアドレスの形式で指定してください' });

/** Express's `trust proxy`: false, true, a hop count, or a list of addresses/subnets. */
const trustProxy = z
  .string()
  .trim()
  .transform((v): boolean | number | string => {
    if (v === '' || v === 'false' || v === '0') return false;
    if (v === 'true') return true;
    if (/^\d+$/.test(v)) return Number(v);
    return v;
  });

const envSchema = z
  .object({
    // Unset behaves as production (no stack traces, cached views): `npm start` is safe as it is.
    // Only an explicit NODE_ENV=production also demands SESSION_SECRET, so the demo starts without one.
    NODE_ENV: z
      .enum(['development', 'production', 'test'], { message: 'development, production, test のいずれかを指定してください' })
      .optional(),
    PORT: port.default(3000),
    DATABASE_PATH: z.string().min(1, '空にはできません').default('data/portal.db'),
    UPLOAD_DIR: z.string().min(1, '空にはできません').default('uploads'),
    SESSION_SECRET: z.string().min(32, '32文字以上のランダムな文字列を指定してください').optional(),
    SESSION_IDLE_MINUTES: z
      .string()
      .regex(/^\d+$/, '分単位の整数を指定してください')
      .transform(Number)
      .pipe(z.number().int().min(1, '1以上を指定してください').max(1440, '1440以下を指定してください'))
      .default(30),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\/\S+$/, 'smtp:// または smtps:// で始まるURLを指定してください')
      .optional(),
    MAIL_FROM: email.default('noreply@applic-portal.invalid'),
    ADMIN_EMAIL: email.default('secretariat@applic-portal.invalid'),
    PUBLIC_URL: z
      .string()
      .regex(/^https?:\/\/[^\s?#]+$/, 'http:// または https:// で始まるURL（? や # を含まない）を指定してください')
      .optional(),
    TRUST_PROXY: trustProxy.default(false),
    SEED_DEMO: flag.default(true),
    WEB_CONCURRENCY: count(1, 64).optional(),
    BACKUP_DIR: z.string().min(1, '空にはできません').default('backups'),
    BACKUP_KEEP_DAILY: count(1, 366).default(7),
    BACKUP_KEEP_WEEKLY: count(0, 520).default(8),
    BACKUP_HOUR: count(0, 23).default(3),
    USAGE_RETENTION_DAYS: count(30, 3650).default(730),
    // Sign-in through the association's OpenID Connect issuer (issue 24): all three, or none.
    OIDC_ISSUER: z.string().regex(/^https?:\/\/[^\s?#]+$/, 'http:// または https:// で始まる発行者のURLを指定してください').optional(),
    OIDC_CLIENT_ID: z.string().min(1).optional(),
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'pino のログレベルを指定してください' })
      .default('info'),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'NODE_ENV=production では必須です' });
    }
    const oidc = [env.OIDC_ISSUER, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET];
    if (oidc.some((v) => v !== undefined) && oidc.some((v) => v === undefined)) {
      for (const [i, name] of ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'].entries()) {
        if (oidc[i] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: 'OIDC_ISSUER・OIDC_CLIENT_ID・OIDC_CLIENT_SECRET は3つそろえて指定してください' });
      }
    }
  });

export type Config = {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  databasePath: string;
  uploadDir: string;
  /** Undefined outside production: the server then keeps a generated secret in the database. */
  sessionSecret: string | undefined;
  sessionIdleMinutes: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  adminEmail: string;
  /** Where users reach the portal, for the links in mail (default http://localhost:PORT). */
  publicUrl: string;
  trustProxy: boolean | number | string;
  seedDemo: boolean;
  logLevel: string;
  /** Worker processes (Node's cluster): one per CPU unless WEB_CONCURRENCY says; 1 is a single process. */
  webConcurrency: number;
  /** Where the archives go, how many are kept, and the hour (Japan time) the nightly one is due. */
  backup: { dir: string; keepDaily: number; keepWeekly: number; hour: number };
  /** How long usage rows (searches, views, downloads…) are kept before the hourly sweep deletes them. */
  usageRetentionDays: number;
  /** The association's OpenID Connect issuer and this portal's client at it; undefined: the portal's own login only. */
  oidc: OidcSettings | undefined;
};

export type OidcSettings = { issuer: string; clientId: string; clientSecret: string };

export class ConfigError extends Error {}

/** Parses the environment; throws ConfigError naming every bad variable. Empty strings count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '環境変数');
      const value = env[name];
      return `  ${name}: ${issue.message}${value === undefined ? '' : `（指定値: ${JSON.stringify(value)}）`}`;
    });
    throw new ConfigError(`環境変数の設定に誤りがあります。\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    nodeEnv: e.NODE_ENV ?? 'production',
    port: e.PORT,
    databasePath: e.DATABASE_PATH,
    uploadDir: e.UPLOAD_DIR,
    sessionSecret: e.SESSION_SECRET,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    adminEmail: e.ADMIN_EMAIL,
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    trustProxy: e.TRUST_PROXY,
    seedDemo: e.SEED_DEMO,
    logLevel: e.LOG_LEVEL,
    webConcurrency: e.WEB_CONCURRENCY ?? os.availableParallelism(),
    backup: { dir: e.BACKUP_DIR, keepDaily: e.BACKUP_KEEP_DAILY, keepWeekly: e.BACKUP_KEEP_WEEKLY, hour: e.BACKUP_HOUR },
    usageRetentionDays: e.USAGE_RETENTION_DAYS,
    oidc: e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET
      ? { issuer: e.OIDC_ISSUER, clientId: e.OIDC_CLIENT_ID, clientSecret: e.OIDC_CLIENT_SECRET }
      : undefined,
  };
}
