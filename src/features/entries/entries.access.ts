import type { SessionUser } from '../accounts/accounts.types.js';

/**
 * Whether a list row links to the entry's detail page (design.md, access rules). Vendors see other
 * vendors' rows but not their details, which keeps sales competition fair. Anonymous visitors get the
 * link; it leads them to the login page.
 */
export function showsDetailLink(user: SessionUser | undefined, entry: { organisationId: number }): boolean {
  if (!user) return true;
  if (user.organisationKind === 'vendor') return user.organisationId === entry.organisationId;
  return true;
}
