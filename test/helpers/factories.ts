import bcrypt from 'bcrypt';
import type { Db } from '../../src/db/connection.js';
import { accountsRepository } from '../../src/features/accounts/accounts.repository.js';
import type { OrganisationKind } from '../../src/features/accounts/accounts.types.js';
import { BCRYPT_COST } from '../../src/features/accounts/passwords.js';

export const PASSWORD = 'correct-horse-battery-staple';

// One real bcrypt hash (cost 12) shared by every factory user: hashing per user would cost ~0.3 s each.
let passwordHash: string | undefined;
function hash(): string {
  passwordHash ??= bcrypt.hashSync(PASSWORD, BCRYPT_COST);
  return passwordHash;
}

let sequence = 0;

export function createOrganisation(db: Db, kind: OrganisationKind, name = `${kind}-${++sequence}`): number {
  return accountsRepository(db).createOrganisation(name, kind, new Date().toISOString());
}

/** A user (with a new organisation of the kind unless one is given) whose password is PASSWORD. */
export function createUser(
  db: Db,
  kind: OrganisationKind,
  overrides: { loginId?: string; organisationId?: number; active?: boolean; name?: string } = {},
): { id: number; loginId: string; organisationId: number } {
  const organisationId = overrides.organisationId ?? createOrganisation(db, kind);
  const loginId = overrides.loginId ?? `user-${++sequence}`;
  const id = accountsRepository(db).createUser({
    organisationId, loginId, passwordHash: hash(), name: overrides.name ?? `利用者${sequence}`, department: '',
    phone: '', email: '', active: overrides.active ?? true, now: new Date().toISOString(),
  });
  return { id, loginId, organisationId };
}
