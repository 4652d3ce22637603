import bcrypt from 'bcrypt';

/** design.md: bcrypt with a cost of at least 12. */
export const BCRYPT_COST = 12;

/**
 * bcrypt reads only the first 72 bytes of a password (24 Japanese characters in UTF-8) and ignores
 * the rest, so two passwords sharing those bytes would be the same password. The portal refuses to
 * set a longer one, and a longer one typed at login never matches.
 */
export const PASSWORD_MAX_BYTES = 72;

export const PASSWORD_TOO_LONG_MESSAGE =
  'パスワードが長すぎます。72バイト以内（半角英数字・記号なら72文字、全角文字なら24文字まで）にしてください。';

export function passwordTooLong(password: string): boolean {
  return Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES;
}

export function hashPassword(password: string): Promise<string> {
  // Every form checks this first with a message; this is the guard for any caller that did not.
  if (passwordTooLong(password)) return Promise.reject(new Error(`password over ${PASSWORD_MAX_BYTES} bytes`));
  return bcrypt.hash(password, BCRYPT_COST);
}

/**
 * Compared against when the login ID is unknown, so that an unknown ID costs the same bcrypt time as
 * a wrong password and the response time does not tell which IDs exist.
 */
const dummyHash = bcrypt.hashSync('dummy-password-for-unknown-ids', BCRYPT_COST);

export async function verifyPassword(password: string, hash: string | undefined): Promise<boolean> {
  // Compared all the same (against the dummy), so a long password costs the time a wrong one does.
  if (passwordTooLong(password)) return bcrypt.compare('', dummyHash).then(() => false);
  return bcrypt.compare(password, hash ?? dummyHash);
}
