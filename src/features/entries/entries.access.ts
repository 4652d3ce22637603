import { ForbiddenError, NotFoundError } from '../../http-error.js';
import type { SessionUser } from '../accounts/accounts.types.js';

/** The contract's sentence for a vendor opening another organisation's entry. */
export const DETAIL_FOR_MEMBERS_MESSAGE =
  '申し訳ございません。「詳細情報」については特別会員向けサービスとなっています。';

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

type EntryState = { organisationId: number; deletedAt: string | null; suspendedAt: string | null };

/**
 * The detail page's rule, also for its PDF: a deleted entry is gone for everyone (404); a vendor may
 * open only its own organisation's entries (403 with the contract's sentence, whether the other entry
 * is published or suspended: a different answer would tell a competitor that the secretariat stopped
 * its listing); a suspended one is visible only to its organisation and the secretariat (404 for
 * municipalities).
 */
export function assertCanOpen(user: SessionUser, entry: EntryState | undefined): asserts entry is EntryState {
  if (!entry || entry.deletedAt) throw new NotFoundError('お探しの情報は見つかりませんでした。削除されたか、公開が停止されている可能性があります。');
  const own = entry.organisationId === user.organisationId;
  if (user.organisationKind === 'vendor' && !own) throw new ForbiddenError(DETAIL_FOR_MEMBERS_MESSAGE);
  if (entry.suspendedAt && !own && user.organisationKind !== 'secretariat') {
    throw new NotFoundError('お探しの情報は見つかりませんでした。削除されたか、公開が停止されている可能性があります。');
  }
}
