import crypto from 'node:crypto';
import type { Clock } from '../../clock.js';

/** A form rendered longer ago than this is not kept after its session expired. */
export const RESUME_TOKEN_LIFETIME_MS = 24 * 60 * 60_000;

/**
 * The entry form's `resume` field: which user the portal rendered the form for, signed. When the form
 * arrives after that user's session timed out, nothing else says whose it is (the browser has dropped
 * the session cookie), and the CSRF token died with the session. The signature proves the portal made
 * the form for that user, so what is kept can only ever be handed back to them, after they log in.
 */
export function resumeTokens(secret: string, clock: Clock) {
  const mac = (payload: string) => crypto.createHmac('sha256', secret).update(`entry-form-resume:${payload}`).digest('base64url');
  return {
    sign(userId: number): string {
      const payload = `${userId}.${clock.now().getTime()}`;
      return `${payload}.${mac(payload)}`;
    },
    /** The user the form was rendered for, or undefined for a token that is forged, malformed or too old. */
    verify(token: unknown): number | undefined {
      if (typeof token !== 'string') return undefined;
      const match = /^([1-9]\d{0,9})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(token);
      if (!match) return undefined;
      const [, userId, issued, given] = match as unknown as [string, string, string, string];
      const expected = Buffer.from(mac(`${userId}.${issued}`));
      if (!crypto.timingSafeEqual(Buffer.from(given), expected)) return undefined;
      const age = clock.now().getTime() - Number(issued);
      return age >= 0 && age <= RESUME_TOKEN_LIFETIME_MS ? Number(userId) : undefined;
    },
  };
}

export type ResumeTokens = ReturnType<typeof resumeTokens>;
