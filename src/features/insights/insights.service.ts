import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { LinkTo } from '../../mail/links.js';
import type { OutboxRepository } from '../../mail/outbox.repository.js';
import { tokyoDay } from '../../text.js';
import type { Actor, AuditRepository } from '../audit/audit.repository.js';
import { activeGenreTree, ancestorChain, genrePaths, type GenreNode } from '../genres/genre-tree.js';
import type { GenresRepository } from '../genres/genres.repository.js';
import type { InfoTypesRepository } from '../info-types/info-types.repository.js';
import type { UsageRecorder } from '../usage/usage.recorder.js';
import { monthsBack, type UsageAudience, type UsageRepository } from '../usage/usage.repository.js';
import type { InsightsRepository } from './insights.repository.js';

/** The contract's window for the genre table: the last 90 days, today included (Japan time). */
export const DEMAND_DAYS = 90;
/** Months in the trend chart, this one included. */
export const TREND_MONTHS = 12;
const DAY_MS = 86_400_000;

export type GenreInsight = {
  genreId: number; path: string; depth: number;
  /** Published entries in the genre's subtree: what a search selecting it finds. */
  entries: number;
  searches: number; foundNothing: number;
  /** Municipalities whose issue profile names the genre. */
  profiles: number;
  /** Likes given in the period to entries tagged in the subtree (each like counted once per genre). */
  likes: number;
  /** Demand (searches, profiles or likes) and not one published entry. */
  unmet: boolean;
};

type Deps = {
  db: Db; usage: UsageRepository; recorder: Pick<UsageRecorder, 'flush'>; repository: InsightsRepository; genres: GenresRepository; infoTypes: InfoTypesRepository;
  /** Published entries per genre subtree (the search index's counts with nothing chosen). */
  supply: () => Map<number, number>;
  outbox: OutboxRepository; audit: AuditRepository; clock: Clock; link: LinkTo; onMailQueued?: () => void;
};

export type Period = { from: string; to: string; fromIso: string; untilIso: string };

/** The days from `from` to `to` ('2026-04-01'), both included, and the instants that bound them. */
export function periodOf(from: string, to: string): Period {
  const midnight = (day: string) => new Date(`${day}T00:00:00+09:00`).toISOString();
  return { from, to, fromIso: midnight(from), untilIso: new Date(Date.parse(midnight(to)) + DAY_MS).toISOString() };
}

/** The window of `days` days ending today, as the usage tables write days. */
export function windowOf(now: Date, days: number): Period {
  return periodOf(tokyoDay(new Date(now.getTime() - (days - 1) * DAY_MS)), tokyoDay(now));
}

/**
 * /admin/insights (issue 22.2): supply against demand per genre, the searches that found nothing, the
 * months' trends, and the 登録依頼 drafted from a genre nobody supplies.
 */
export function insightsService(deps: Deps) {
  const { usage, genres, clock } = deps;

  /** Every genre of the active tree in tree order, with its depth and path. */
  const activeRows = () => {
    const list = genres.listGenres();
    const { path } = genrePaths(list);
    const rows: { genre: GenreNode; depth: number; path: string }[] = [];
    const walk = (nodes: readonly GenreNode[], depth: number) => nodes.forEach((genre) => {
      rows.push({ genre, depth, path: path(genre.id) });
      walk(genre.children, depth + 1);
    });
    walk(activeGenreTree(list), 0);
    return { rows, parentOf: new Map(list.map((g) => [g.id, g.parentId])) };
  };

  return {
    /**
     * One row per active genre, the unmet demand first (most searched first), then the rest by how
     * much is searched for each published entry; tree order breaks ties.
     */
    genreInsights(audience: UsageAudience, window: Period = windowOf(clock.now(), DEMAND_DAYS)): GenreInsight[] {
      deps.recorder.flush();
      const { rows, parentOf } = activeRows();
      const demand = new Map(usage.genreDemand(window.from, window.to, audience).map((d) => [d.genreId, d]));
      const profiles = usage.profileCounts();
      const supply = deps.supply();
      // A like counts once for each genre whose subtree holds its entry, however many of the entry's genres lie there.
      const likeSets = new Map<string, Set<number>>();
      for (const like of usage.likesWithGenres(window.fromIso, window.untilIso)) {
        const key = `${like.entryId}:${like.organisationId}`;
        const set = likeSets.get(key) ?? new Set<number>();
        for (const id of ancestorChain(parentOf, like.genreId)) set.add(id);
        likeSets.set(key, set);
      }
      const likes = new Map<number, number>();
      for (const set of likeSets.values()) for (const id of set) likes.set(id, (likes.get(id) ?? 0) + 1);

      const insights = rows.map(({ genre, depth, path }, order) => {
        const d = demand.get(genre.id);
        const row = {
          genreId: genre.id, path, depth, entries: supply.get(genre.id) ?? 0,
          searches: d?.searches ?? 0, foundNothing: d?.foundNothing ?? 0,
          profiles: profiles.get(genre.id) ?? 0, likes: likes.get(genre.id) ?? 0, unmet: false, order,
        };
        row.unmet = row.entries === 0 && row.searches + row.profiles + row.likes > 0;
        return row;
      });
      const pressure = (r: (typeof insights)[number]) => (r.searches + r.profiles + r.likes) / (r.entries + 1);
      insights.sort((a, b) => Number(b.unmet) - Number(a.unmet)
        || (a.unmet ? b.searches - a.searches || b.profiles - a.profiles || b.likes - a.likes : pressure(b) - pressure(a))
        || a.order - b.order);
      return insights.map(({ order: _order, ...row }) => row);
    },

    /** The searches of the period that found nothing: by keyword, and by the genres and types chosen. */
    foundNothing(audience: UsageAudience, limit = 50, window: Period = windowOf(clock.now(), DEMAND_DAYS)) {
      deps.recorder.flush();
      const { path } = genrePaths(genres.listGenres());
      const typeNames = new Map(deps.infoTypes.listInfoTypes().map((t) => [t.id, t.name]));
      return {
        keywords: usage.zeroHitKeywords(window.from, window.to, audience, limit),
        conditions: usage.zeroHitConditions(window.from, window.to, audience, limit).map((c) => ({
          ...c,
          genres: c.genreIds.map((id) => path(id) || '（削除されたジャンル）'),
          types: c.typeIds.map((id) => typeNames.get(id) ?? '（削除された情報種別）'),
        })),
      };
    },

    /** The last twelve months, oldest first. */
    months(audience: UsageAudience) {
      deps.recorder.flush();
      const { first, last } = monthsBack(clock.now(), TREND_MONTHS - 1);
      return usage.months(first, last, audience);
    },

    /** The usage report's figures for a period (the trial's): totals by kind of member, and the months it spans. */
    period(window: Period) {
      deps.recorder.flush();
      return {
        totals: usage.totals(window.from, window.to),
        months: usage.months(window.from.slice(0, 7), window.to.slice(0, 7), 'all', window),
      };
    },

    /**
     * The vendors nearest in the tree to a genre: those with published entries under its parent, else
     * under the grandparent, and so on up to the top; the most entries first.
     */
    nearestVendors(genreId: number, limit = 30) {
      const { parentOf } = activeRows();
      const chain = ancestorChain(parentOf, genreId);
      for (const ancestor of chain.slice(1)) {
        const vendors = deps.repository.vendorsUnder(ancestor, limit);
        if (vendors.length > 0) return { under: ancestor, vendors };
      }
      return { under: null, vendors: deps.repository.vendorsUnder(null, limit) };
    },

    /**
     * Queues the 登録依頼 as edited by the secretariat: one mail to each chosen organisation's active
     * users with an address, with one audit record. Returns how many organisations it went to.
     */
    sendRegistrationRequest(genreId: number, organisationIds: readonly number[], message: { subject: string; body: string }, actor: Actor): number {
      const at = clock.now().toISOString();
      const sent = deps.db.transaction(() => {
        let count = 0;
        for (const { emails } of deps.repository.vendorAddresses(organisationIds)) {
          if (emails.length === 0) continue;
          deps.outbox.enqueue({ kind: 'insight.registration_request', to: emails, subject: message.subject, body: message.body }, at);
          count++;
        }
        deps.audit.record(actor, at, 'genre.registration_request', { type: 'genre', id: genreId }, {
          organisations: [null, organisationIds.length], subject: [null, message.subject],
        });
        return count;
      })();
      deps.onMailQueued?.();
      return sent;
    },

    /** The mail's starting text: the genre by its path, the searches that wanted it, the form's address. */
    draftRequest(genreId: number, searches: number) {
      const path = genres.pathsOf([genreId]).get(genreId) ?? '';
      return {
        subject: `【ＡＰＰＬＩＣ】「${path.split(' › ').pop()}」に関する情報の登録のお願い`,
        body: [
          '会員各位',
          '',
          '平素より地域情報化の推進にご協力いただき、ありがとうございます。',
          `マッチングポータルでは、ジャンル「${path}」の情報が求められていますが、現在、公開中の登録がありません。`,
          searches > 0 ? `（直近${DEMAND_DAYS}日間に、このジャンルを選んだ検索が${searches}回ありました。）` : '',
          '',
          '関連する製品・サービス、導入事例、人材の情報をお持ちでしたら、ぜひご登録ください。',
          `登録はこちらから：${deps.link('/my/entries/new')}`,
          '',
          'ＡＰＰＬＩＣ事務局',
        ].filter((line, i, all) => line !== '' || all[i - 1] !== '').join('\n'),
      };
    },
  };
}

export type InsightsService = ReturnType<typeof insightsService>;
