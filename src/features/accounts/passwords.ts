import bcrypt from 'bcrypt';

/** design.md: bcrypt with a cost of at least 12. */
export const BCRYPT_COST = 12;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_COST);
}

/**
 * Compared against when the login ID is unknown, so that an unknown ID costs the same bcrypt time as
 * a wrong password and the response time does not tell which IDs exist.
 */
const dummyHash = bcrypt.hashSync('dummy-password-for-unknown-ids', BCRYPT_COST);

export function verifyPassword(password: string, hash: string | undefined): Promise<boolean> {
  return bcrypt.compare(password, hash ?? dummyHash);
}
