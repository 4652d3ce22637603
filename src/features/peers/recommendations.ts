import type { Clock } from '../../clock.js';
import type { SessionUser } from '../accounts/accounts.types.js';
import type { EntryListItem } from '../entries/entries.repository.js';
import type { SearchRepository } from '../search/search.repository.js';
import type { SearchService } from '../search/search.service.js';
import type { PeerIndex } from './peers.index.js';
import type { PeersRepository } from './peers.repository.js';
import { isWithin } from '../genres/genre-tree.js';

/** An entry recommended on a municipality's home page, with the reasons in words. */
export type Recommendation = EntryListItem & { reasons: string[] };

/** Entries updated within this many days count as new. */
export const NEW_WITHIN_DAYS = 90;
const FROM_GENRES = 5;
const FROM_PEERS = 5;
const CLOSEST_PEERS = 3;

type Deps = { peers: PeersRepository; index: PeerIndex; search: SearchService; searchRepository: SearchRepository; clock: Clock };

/**
 * What a municipality's home page recommends (issue 8): new entries in the genres of its issue profile,
 * and entries its closest peers liked (only peers that opted in to show their likes). Entries the
 * organisation already liked are left out; deleted and suspended ones never come in, because both
 * sources read published entries only (the search index, and the likes query's published filter).
 */
export function recommender({ peers, index, search, searchRepository, clock }: Deps) {
  return (user: SessionUser | undefined): Recommendation[] => {
    if (user?.organisationKind !== 'municipality') return [];
    const issueGenres = peers.issuesOf(user.organisationId).map((i) => i.genreId);
    if (issueGenres.length === 0) return [];
    const { snapshot, ranked } = index.rank({ organisationId: user.organisationId, genreIds: issueGenres });
    const { parentOf, path } = snapshot;
    const reasons = new Map<number, string[]>();
    const addReason = (entryId: number, reason: string) => reasons.set(entryId, [...(reasons.get(entryId) ?? []), reason]);

    const since = new Date(clock.now().getTime() - NEW_WITHIN_DAYS * 86_400_000).toISOString();
    const fresh = search.search({ genre: issueGenres, type: [], q: '', synonyms: true, sort: 'updated', page: 1 }).items.filter((e) => e.updatedAt >= since);
    const freshLiked = peers.likedAmong(user.organisationId, fresh.map((e) => e.id));
    for (const entry of fresh.filter((e) => !freshLiked.has(e.id)).slice(0, FROM_GENRES)) {
      const entryGenres = searchRepository.genresOfEntry(entry.id);
      const issue = issueGenres.find((g) => entryGenres.some((eg) => isWithin(parentOf, eg, g)));
      if (issue !== undefined) addReason(entry.id, `貴団体の課題「${path(issue)}」に関する新着情報です。`);
    }

    const closest = ranked.filter((p) => p.score > 0 && snapshot.byId.get(p.organisationId)!.showLikes).slice(0, CLOSEST_PEERS);
    const liked = peers.likedEntries(closest.map((p) => p.organisationId), FROM_PEERS * 2);
    const alreadyLiked = peers.likedAmong(user.organisationId, liked.map((e) => e.id));
    const fromPeers = new Set<number>();
    // Closest peer first, so the strongest reason comes first.
    for (const peer of closest) {
      for (const entry of liked.filter((e) => e.organisationId === peer.organisationId && !alreadyLiked.has(e.id))) {
        if (fromPeers.size >= FROM_PEERS && !fromPeers.has(entry.id)) break;
        fromPeers.add(entry.id);
        addReason(entry.id, `課題が近い${snapshot.byId.get(peer.organisationId)!.name}が「いいね！」しています。`);
      }
    }
    return searchRepository.listItems([...reasons.keys()]).map((entry) => ({ ...entry, reasons: reasons.get(entry.id) ?? [] }));
  };
}

export type Recommender = ReturnType<typeof recommender>;
