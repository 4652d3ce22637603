import { groupBy } from '../../group-by.js';
import type { SessionUser } from '../accounts/accounts.types.js';
import { showsDetailLink } from '../entries/entries.access.js';
import type { LinkedEntry } from './entry-links.repository.js';

export type RelatedGroup = {
  typeName: string;
  entries: (LinkedEntry & {
    /** Whether the title links to the detail page: never a competitor's for a vendor (design.md). */
    opens: boolean;
    /** Another organisation's link to this organisation's entry: its owner may hide it here. */
    hideable: boolean;
  })[];
};

/**
 * The detail pages' 「関連する…」 lists: the linked entries by info type (in the types' order, as the
 * repository sorts them), each marked with what the viewer may do with it.
 */
export function relatedGroups(user: SessionUser, entry: { organisationId: number }, linked: readonly LinkedEntry[]): RelatedGroup[] {
  return [...groupBy(linked, (e) => e.typeName)].map(([typeName, entries]) => ({
    typeName,
    entries: entries.map((e) => ({
      ...e,
      opens: showsDetailLink(user, e),
      hideable: e.direction === 'in' && e.organisationId !== entry.organisationId && user.organisationId === entry.organisationId,
    })),
  }));
}
