import type { Clock } from '../../clock.js';
import { tokyoDay } from '../../text.js';
import type { Db } from '../../db/connection.js';
import type { FieldErrors } from '../../validation.js';
import type { Actor, AuditRepository } from '../audit/audit.repository.js';
import { selectableGenreIds } from '../genres/genre-tree.js';
import type { Genre, GenresRepository } from '../genres/genres.repository.js';
import type { GenreReviewRepository, MergeReach } from './genre-review.repository.js';

type Deps = {
  db: Db; repository: GenreReviewRepository; genres: GenresRepository; audit: AuditRepository; clock: Clock;
  /** Writes this process's waiting usage rows (usage.recorder.ts), so a merge carries the last seconds' searches too. */
  flushUsage: () => void;
};

/** 年度 in Japan: April to March. 2027-02 is 2026年度. */
export function fiscalYearOf(date: Date): number {
  const [year, month] = tokyoDay(date).split('-').map(Number) as [number, number];
  return month >= 4 ? year : year - 1;
}

/**
 * The WG's yearly review of the genre tree (issue 22.5): merge a genre into another, move a subtree,
 * split entries off into a new genre, and keep the year's tree as 「〇〇年度版」. Each change is checked,
 * previewed by the same reckoning that does it, and written in one transaction with one audit record
 * that names the year's version it changed.
 */
export function genreReviewService({ db, repository, genres, audit, clock, flushUsage }: Deps) {
  const active = () => selectableGenreIds(genres.listGenres());
  const path = (id: number | null) => (id === null ? '（最上位）' : (genres.pathsOf([id]).get(id) ?? ''));
  /** The newest snapshot, which a change is said to depart from. */
  const since = () => repository.snapshots()[0]?.fiscalYear ?? null;
  const sinceLabel = () => {
    const year = since();
    return year === null ? null : `${year}年度版`;
  };

  /** Why `into` cannot take `genre`'s place, or nothing. */
  const mergeRefusal = (genre: Genre, into: number): FieldErrors | undefined => {
    if (into === genre.id) return { into: '統合先には別のジャンルを選んでください。' };
    if (!active().has(into)) return { into: '統合先のジャンルが見つかりません（非表示のジャンルには統合できません）。' };
    if (genres.isInSubtree(genre.id, into)) return { into: '統合するジャンルの下位のジャンルには統合できません。' };
    const clashes = repository.childNameClashes(genre.id, into);
    if (clashes.length > 0) {
      return { into: `統合先に同じ名前の下位のジャンルがあります（${clashes.map((n) => `「${n}」`).join('')}）。先にそれらを統合してください。` };
    }
    return undefined;
  };

  const moveRefusal = (genre: Genre, parentId: number | null): FieldErrors | undefined => {
    if (parentId === genre.parentId) return { parent_id: 'いまと同じ親ジャンルです。移動先を選んでください。' };
    if (parentId !== null && !active().has(parentId)) return { parent_id: '移動先のジャンルが見つかりません。' };
    if (parentId !== null && genres.isInSubtree(genre.id, parentId)) return { parent_id: '自分自身やその下位のジャンルの下には移動できません。' };
    if (genres.siblingNamed(parentId, genre.name, genre.id)) return { parent_id: '移動先に同じ名前のジャンルがあります。' };
    return undefined;
  };

  return {
    fiscalYearNow: () => fiscalYearOf(clock.now()),
    sinceLabel,

    /** What merging would move, or why it cannot. */
    mergePreview(genre: Genre, into: number): { errors: FieldErrors } | { reach: MergeReach; intoPath: string } {
      const errors = mergeRefusal(genre, into);
      return errors ? { errors } : { reach: repository.mergeReach(genre.id, into), intoPath: path(into) };
    },

    /** The contract's merge: everything that named the genre names `into`; the genre is retired. */
    merge(genre: Genre, into: number, actor: Actor): { errors: FieldErrors } | { reach: MergeReach } {
      const at = clock.now().toISOString();
      flushUsage();
      return db.transaction(() => {
        const errors = mergeRefusal(genre, into);
        if (errors) return { errors };
        const reach = repository.mergeReach(genre.id, into);
        repository.merge(genre.id, into, at);
        audit.record(actor, at, 'genre.merge', { type: 'genre', id: genre.id }, {
          merged_into: [path(genre.id), path(into)], entries: [reach.entries, 0], saved_searches: [reach.savedSearches, 0],
          issue_profiles: [reach.profiles, 0], child_genres: [reach.children.map((c) => c.name), []], since_snapshot: [null, sinceLabel()],
        });
        return { reach };
      }).immediate();
    },

    movePreview(genre: Genre, parentId: number | null): { errors: FieldErrors } | { reach: { genres: number; entries: number }; fromPath: string; toPath: string } {
      const errors = moveRefusal(genre, parentId);
      return errors ? { errors } : { reach: repository.subtreeReach(genre.id), fromPath: path(genre.parentId), toPath: path(parentId) };
    },

    /** Moves the genre with everything under it; its entries are found under the new ancestors from now on. */
    move(genre: Genre, parentId: number | null, actor: Actor): { errors: FieldErrors } | { moved: true } {
      const at = clock.now().toISOString();
      return db.transaction(() => {
        const fresh = genres.findGenre(genre.id);
        if (!fresh) return { errors: { parent_id: 'ジャンルが見つかりません。' } };
        const errors = moveRefusal(fresh, parentId);
        if (errors) return { errors };
        const reach = repository.subtreeReach(genre.id);
        if (!genres.updateGenre(fresh.id, fresh.version, { name: fresh.name, parentId, sortOrder: genres.nextSortOrder(parentId) }, at)) {
          return { errors: { parent_id: 'ほかの方が先にこのジャンルを変更しました。もう一度お試しください。' } };
        }
        audit.record(actor, at, 'genre.move', { type: 'genre', id: genre.id }, {
          moved_to: [path(fresh.parentId), path(parentId)], genre_count: [null, reach.genres], entries: [null, reach.entries], since_snapshot: [null, sinceLabel()],
        });
        return { moved: true as const };
      }).immediate();
    },

    /** The genre's own entries a filter finds (the split's list to pick from). */
    splitCandidates(genre: Genre, filter: { q: string; type: number | null }, limit: number) {
      return repository.directEntries(genre.id, filter, limit);
    },

    /**
     * Splits: a new genre (under the genre, or beside it) takes the chosen entries, which leave the
     * genre. Only entries tagged with the genre move; any other id is ignored.
     */
    split(genre: Genre, form: { name: string; placement: 'child' | 'sibling'; entryIds: number[] }, actor: Actor): { errors: FieldErrors } | { genreId: number; moved: number } {
      const at = clock.now().toISOString();
      const parentId = form.placement === 'child' ? genre.id : genre.parentId;
      return db.transaction((): { errors: FieldErrors } | { genreId: number; moved: number } => {
        if (genres.siblingNamed(parentId, form.name)) return { errors: { name: '同じ親の下に同じ名前のジャンルがあります。' } };
        const entryIds = repository.taggedWith(genre.id, form.entryIds);
        if (entryIds.length === 0) return { errors: { entry: '移す情報を1件以上選んでください。' } };
        const created = genres.insertGenre(parentId, form.name, genres.nextSortOrder(parentId), at);
        repository.moveEntries(genre.id, created, entryIds);
        audit.record(actor, at, 'genre.split', { type: 'genre', id: genre.id }, {
          new_genre: [null, path(created)], entries: [null, entryIds.length], since_snapshot: [null, sinceLabel()],
        });
        return { genreId: created, moved: entryIds.length };
      }).immediate();
    },

    /** Keeps the tree as the fiscal year's version (a second save of the year replaces the first). */
    saveSnapshot(fiscalYear: number, actor: Actor): number {
      const at = clock.now().toISOString();
      return db.transaction(() => {
        const count = repository.saveSnapshot(fiscalYear, at, actor.userId);
        audit.record(actor, at, 'genre.snapshot', { type: 'genre_snapshot', id: fiscalYear }, { fiscal_year: [null, `${fiscalYear}年度版`], genre_count: [null, count] });
        return count;
      })();
    },
  };
}

export type GenreReviewService = ReturnType<typeof genreReviewService>;
