import type { Clock } from '../../clock.js';
import { pageCount } from '../../pagination.js';
import type { Db } from '../../db/connection.js';
import type { OutboxRepository } from '../../mail/outbox.repository.js';
import type { FieldErrors } from '../../validation.js';
import type { SessionUser } from '../accounts/accounts.types.js';
import type { Actor, AuditRepository } from '../audit/audit.repository.js';
import { type GenresRepository } from '../genres/genres.repository.js';
import { genrePaths, isWithin } from '../genres/genre-tree.js';
import type { LinkTo } from '../../mail/links.js';
import { relayedMails } from './peers.mail.js';
import { sharedIssues, type IssueSet, type Relation } from './peers.ranking.js';
import type { PeerIndex } from './peers.index.js';
import type { Issue, LikedEntry, PeerDetails, PeerSummary, PeersRepository, Profile } from './peers.repository.js';
import { parseIssueFields, type PeersQuery, type ProfileForm } from './peers.schemas.js';
import { prefectureArea } from './regions.js';

export const PEERS_PER_PAGE = 30;
export const LIKED_PER_PEER = 5;
/** Relayed messages a user may send in 24 hours: enough for real coordination, too few for a mailing. */
export const MESSAGES_PER_DAY = 20;

export type PeerView = PeerSummary & {
  contact: PeerDetails['contact'];
  issueCount: number;
  score: number;
  shared: (Issue & { path: string; relation: Relation; commonPath: string })[];
  liked: LikedEntry[];
};

export type Standing = { issueGenreIds: number[]; visible: boolean };

export type PeersPage = {
  peers: PeerView[];
  total: number;
  page: number;
  totalPages: number;
  /** What the ranking started from: the asking organisation's issues, the `for` municipality's, or the genre filter. */
  basis: 'own' | 'for' | 'genre' | 'none';
  /** Municipalities the secretariat can rank from. */
  bases: { organisationId: number; name: string }[];
};

type Deps = {
  db: Db; repository: PeersRepository; index: PeerIndex; genres: GenresRepository; outbox: OutboxRepository; audit: AuditRepository; clock: Clock;
  onMailQueued?: () => void;
  /** Absolute links for the mails. */
  link: LinkTo;
};

export function peersService({ db, repository, index, genres, outbox, audit, clock, link, onMailQueued }: Deps) {
  /** Who may be written to: an opted-in municipality, or one that has written to the user's organisation. */
  function writableTarget(user: SessionUser, organisationId: number): { id: number; name: string } | undefined {
    if (user.organisationKind !== 'municipality') return undefined;
    const target = repository.findMunicipality(organisationId);
    if (!target || target.id === user.organisationId) return undefined;
    return target.visible || repository.hasWritten(target.id, user.organisationId) ? target : undefined;
  }

  return {
    writableTarget,

    /**
     * Validates and saves /my/issues. Genres must exist; a retired genre may stay only if the profile
     * already had it (the form no longer offers it, and unticking it removes it).
     */
    saveProfile(user: SessionUser, actor: Actor, form: ProfileForm, body: Record<string, unknown>): { errors: FieldErrors } {
      const all = new Map(genres.listGenres().map((g) => [g.id, g]));
      const before = repository.issuesOf(user.organisationId);
      const had = new Set(before.map((i) => i.genreId));
      const errors: FieldErrors = {};
      if (form.genre.some((id) => !all.has(id) || (all.get(id)!.retired && !had.has(id)))) errors.genre = '選択できないジャンルが含まれています。';
      const { path } = genrePaths([...all.values()]);
      const { issues, errors: issueErrors } = parseIssueFields(body, form.genre.filter((id) => all.has(id)).map((id) => ({ id, label: path(id) })));
      Object.assign(errors, issueErrors);
      const colleagues = repository.colleaguesOf(user.organisationId);
      if (form.contact_user !== null && !colleagues.some((c) => c.id === form.contact_user)) errors.contact_user = '連絡担当者は自団体の利用者から選んでください。';
      if (form.publish_contact && form.contact_user === null) errors.publish_contact = '連絡担当者を公開するには、連絡担当者を選んでください。';
      if (Object.keys(errors).length > 0) return { errors };

      const profile: Profile = {
        prefecture: form.prefecture, populationBand: form.population_band, visible: form.visible, showLikes: form.show_likes,
        contactUserId: form.contact_user, publishContact: form.publish_contact,
      };
      const at = clock.now().toISOString();
      db.transaction(() => {
        const previous = repository.profileOf(user.organisationId);
        repository.saveProfile(user.organisationId, user.id, at, profile, issues);
        audit.record(actor, at, 'issue_profile.update', { type: 'organisation', id: user.organisationId }, {
          ...(JSON.stringify(previous ?? null) !== JSON.stringify(profile) ? { profile: [previous ?? null, profile] } : {}),
          ...(JSON.stringify(before) !== JSON.stringify(issues) ? { issues: [before, issues] } : {}),
        });
      })();
      return { errors: {} };
    },

    /**
     * /peers: the opted-in municipalities other than the asking one, ranked against the basis and
     * filtered. Ranking runs over all of them (so the weights do not shift with the filters) and the
     * filters then pick.
     */
    /** Where the asking municipality stands: its issues and whether it is visible (empty for others). */
    /**
     * A municipality's profile as the secretariat sees it on /admin/orgs/:id, to answer "why are we
     * not found?": whether it is visible, its issues, its contact and how many messages were relayed.
     * Undefined for an organisation that has never saved a profile.
     */
    profileForSecretariat(organisationId: number) {
      const profile = repository.profileOf(organisationId);
      if (!profile) return undefined;
      const { path } = genrePaths(genres.listGenres());
      return {
        profile,
        issues: repository.issuesOf(organisationId).map((i) => ({ ...i, path: path(i.genreId) })).sort((a, b) => a.path.localeCompare(b.path, 'ja')),
        contact: repository.contactOf(organisationId),
        messages: repository.messageCounts(organisationId),
      };
    },

    standingOf(user: SessionUser): Standing {
      if (user.organisationKind !== 'municipality') return { issueGenreIds: [], visible: false };
      return {
        issueGenreIds: repository.issuesOf(user.organisationId).map((i) => i.genreId),
        visible: repository.profileOf(user.organisationId)?.visible ?? false,
      };
    },

    findPeers(user: SessionUser, query: PeersQuery, standing: Standing): PeersPage | { errors: FieldErrors } {
      const snapshot = index.current();
      const { parentOf, path } = snapshot;
      if (query.genre !== null && !parentOf.has(query.genre)) return { errors: { genre: '指定されたジャンルは存在しません。' } };
      const bases = user.organisationKind === 'secretariat' ? snapshot.organisations.map(({ organisationId, name }) => ({ organisationId, name })) : [];

      let basis: PeersPage['basis'] = 'none';
      let own: IssueSet = { organisationId: 0, genreIds: [] };
      if (user.organisationKind === 'municipality') {
        own = { organisationId: user.organisationId, genreIds: standing.issueGenreIds };
        if (own.genreIds.length > 0) basis = 'own';
      } else if (query.for !== null) {
        const base = snapshot.byId.get(query.for);
        if (!base) return { errors: { for: '基準にする団体は、公開している地方公共団体から選んでください。' } };
        own = { organisationId: base.organisationId, genreIds: base.genreIds };
        basis = 'for';
      }
      if (own.genreIds.length === 0 && query.genre !== null) {
        own = { ...own, genreIds: [query.genre] };
        basis = 'genre';
      }

      const area = query.prefecture === null ? null : prefectureArea(query.prefecture, query.near);
      // The chosen genre's subtree, found once: walking up from every genre of every peer instead was
      // 18,000 walks a request at 1,800 profiles.
      const subtree = query.genre === null ? null : new Set([...parentOf.keys()].filter((g) => isWithin(parentOf, g, query.genre!)));
      const ranked = index.rank(own).ranked.filter(({ organisationId }) => {
        const o = snapshot.byId.get(organisationId)!;
        return (area === null || (o.prefecture !== null && area.has(o.prefecture)))
          && (query.population_band === null || o.populationBand === query.population_band)
          && (subtree === null || o.genreIds.some((g) => subtree.has(g)));
      });

      const totalPages = pageCount(ranked.length, PEERS_PER_PAGE);
      const onPage = ranked.slice((query.page - 1) * PEERS_PER_PAGE, query.page * PEERS_PER_PAGE);
      const ids = onPage.map((p) => p.organisationId);
      const details = repository.detailsOf(ids);
      // Only the peers that show their likes are asked (the query checks that again).
      const liked = repository.likedEntries(ids.filter((id) => snapshot.byId.get(id)!.showLikes), LIKED_PER_PEER);
      const peers = onPage.map(({ organisationId, score }): PeerView => {
        const { issues, contact } = details.get(organisationId)!;
        const byGenre = new Map(issues.map((i) => [i.genreId, i]));
        return {
          ...snapshot.byId.get(organisationId)!, score, contact, issueCount: issues.length,
          shared: sharedIssues(parentOf, own.genreIds, issues.map((i) => i.genreId))
            .map((s) => ({ ...byGenre.get(s.genreId)!, path: path(s.genreId), relation: s.relation, commonPath: path(s.commonGenreId) })),
          liked: liked.filter((e) => e.organisationId === organisationId),
        };
      });
      return { peers, total: ranked.length, page: query.page, totalPages, basis, bases };
    },

    /**
     * Relays a message to another municipality by mail, with a copy to the sender. Neither mail
     * carries the other side's address: both come from the portal and point back to it for replies.
     */
    sendMessage(user: SessionUser, actor: Actor, toOrganisationId: number, message: { subject: string; body: string }): { error?: string; status?: number } {
      const at = clock.now();
      const target = writableTarget(user, toOrganisationId);
      if (!target) return { status: 404, error: 'メッセージを送れる団体が見つかりません。' };
      if (repository.messagesSentSince(user.id, new Date(at.getTime() - 86_400_000).toISOString()) >= MESSAGES_PER_DAY) {
        return { status: 429, error: `メッセージは24時間に${MESSAGES_PER_DAY}通までです。時間をおいてお送りください。` };
      }
      const recipients = repository.recipientsOf(target.id);
      if (recipients.length === 0) return { status: 409, error: 'この団体には連絡先のメールアドレスが登録されていないため、送れません。ＡＰＰＬＩＣ事務局にお問い合わせください。' };
      const mails = relayedMails({ from: user, to: target, recipients, ...message, link });
      db.transaction(() => {
        repository.insertMessage({ fromOrganisationId: user.organisationId, fromUserId: user.id, toOrganisationId: target.id, ...message, at: at.toISOString() });
        // The subject only: the text of a message between municipalities stays between them.
        audit.record(actor, at.toISOString(), 'message.relay', { type: 'organisation', id: target.id }, { subject: [null, message.subject] });
        for (const mail of mails) outbox.enqueue(mail, at.toISOString());
      })();
      onMailQueued?.();
      return {};
    },
  };
}

export type PeersService = ReturnType<typeof peersService>;
