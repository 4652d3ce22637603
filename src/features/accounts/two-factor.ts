import crypto from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';

/** RFC 6238 as every authenticator app reads it by default: SHA-1, 6 digits, 30-second steps. */
const PERIOD_SECONDS = 30;
const ISSUER = 'APPLICマッチングポータル';

const totpOf = (secret: string, loginId: string) =>
  new TOTP({ issuer: ISSUER, label: loginId, algorithm: 'SHA1', digits: 6, period: PERIOD_SECONDS, secret: Secret.fromBase32(secret) });

/** A new shared secret: 160 bits (RFC 4226's recommended length), base32 as apps take it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// address an app reads from the QR code, and the QR code itself as inline SVG. */
export async function totpQrSvg(secret: string, loginId: string): Promise<string> {
  const svg = await QRCode.toString(totpOf(secret, loginId).toString(), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  // A picture with a name for screen readers; the page gives the same key as text beside it.
  return svg.replace('<svg ', '<svg role="img" aria-label="認証アプリの設定用QRコード" ');
}

/**
 * The time step a 6-digit `code` belongs to, or null. One step either side is accepted, for a phone
 * whose clock is a little off; the caller refuses a step at or before the last one it accepted, so a
 * code seen over a shoulder cannot be used again.
 */
export function totpStep(secret: string, code: string, now: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpOf(secret, '').validate({ token: code, timestamp: now.getTime(), window: 1 });
  return delta === null ? null : Math.floor(now.getTime() / 1000 / PERIOD_SECONDS) + delta;
}

/** A code typed with spaces or full-width digits (as a phone app shows it, 123 456) as six digits. */
export function typedCode(raw: unknown): string {
  return typeof raw === 'string' ? raw.normalize('NFKC').replace(/[\s-]/g, '') : '';
}

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'; // no 0/o, 1/l/i: read off paper

/** Ten one-time recovery codes, 10 characters (about 49 bits) each, shown as xxxxx-xxxxx. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: 10 }, () => {
    const chars = Array.from({ length: 10 }, () => RECOVERY_ALPHABET[crypto.randomInt(RECOVERY_ALPHABET.length)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** How a recovery code is stored and looked up: SHA-256 of its letters, whatever the case or hyphens typed. */
export function recoveryCodeHash(code: string): string {
  return crypto.createHash('sha256').update(code.normalize('NFKC').toLowerCase().replace(/[^a-z0-9]/g, '')).digest('hex');
}
