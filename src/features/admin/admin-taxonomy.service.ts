import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { SaveOutcome } from '../../validation.js';
import type { Actor, AuditRepository, Diff } from '../audit/audit.repository.js';
import type { Genre, GenresRepository } from '../genres/genres.repository.js';
import type { InfoTypesRepository } from '../info-types/info-types.repository.js';
import type { GenreEditForm } from './admin.schemas.js';

type Deps = { db: Db; genres: GenresRepository; infoTypes: InfoTypesRepository; audit: AuditRepository; clock: Clock };

/** The fields that differ between `before` and `after` (same keys), as an audit diff under their column names. */
function changed(before: Record<string, unknown>, after: Record<string, unknown>, columns: Record<string, string>): Diff {
  const diff: Diff = {};
  for (const [key, column] of Object.entries(columns)) if (before[key] !== after[key]) diff[column] = [before[key], after[key]];
  return diff;
}

/**
 * The genre tree and the info types (管理者側機能 2): each change checked against the tree (a parent
 * that exists, no move under itself, sibling names unique), then written in one transaction with its
 * audit record. A save over a record changed since its form was read changes nothing.
 */
export function adminTaxonomyService({ db, genres, infoTypes, audit, clock }: Deps) {
  const checkPlace = (genreId: number | undefined, name: string, parentId: number | null): SaveOutcome | undefined => {
    if (parentId !== null && !genres.findGenre(parentId)) return { errors: { parent_id: '親ジャンルが見つかりません。' } };
    if (genreId !== undefined && parentId !== null && genres.isInSubtree(genreId, parentId)) {
      return { errors: { parent_id: '自分自身やその下位のジャンルの下には移動できません。' } };
    }
    if (genres.siblingNamed(parentId, name, genreId)) return { errors: { name: '同じ親の下に同じ名前のジャンルがあります。' } };
    return undefined;
  };

  return {
    addGenre(form: { name: string; parentId: number | null }, actor: Actor): SaveOutcome {
      const refused = checkPlace(undefined, form.name, form.parentId);
      if (refused) return refused;
      const at = clock.now().toISOString();
      return db.transaction((): SaveOutcome => {
        const id = genres.insertGenre(form.parentId, form.name, genres.nextSortOrder(form.parentId), at);
        audit.record(actor, at, 'genre.create', { type: 'genre', id }, { name: [null, form.name], parent_id: [null, form.parentId] });
        return { saved: id };
      })();
    },

    saveGenre(genre: Genre, version: number | null, form: GenreEditForm, actor: Actor): SaveOutcome {
      const refused = checkPlace(genre.id, form.name, form.parentId);
      if (refused) return refused;
      const at = clock.now().toISOString();
      return db.transaction((): SaveOutcome => {
        if (!genres.updateGenre(genre.id, version ?? 0, form, at)) return { conflict: true };
        audit.record(actor, at, 'genre.update', { type: 'genre', id: genre.id },
          changed(genre, form, { name: 'name', parentId: 'parent_id', sortOrder: 'sort_order' }));
        return { saved: genre.id };
      })();
    },

    /** Retires (hides from every form) or restores a genre with everything under it. */
    setRetired(genre: Genre, retire: boolean, actor: Actor): void {
      const at = clock.now().toISOString();
      db.transaction(() => {
        if (retire) genres.retireSubtree(genre.id, at);
        else genres.restoreSubtree(genre.id, at);
        audit.record(actor, at, retire ? 'genre.retire' : 'genre.restore', { type: 'genre', id: genre.id }, { retired: [!retire, retire] });
      })();
    },

    addInfoType(name: string, actor: Actor): SaveOutcome {
      if (infoTypes.nameTaken(name)) return { errors: { name: '同じ名前の情報種別があります。' } };
      const at = clock.now().toISOString();
      return db.transaction((): SaveOutcome => {
        const id = infoTypes.insertInfoType(name, at);
        audit.record(actor, at, 'type.create', { type: 'info_type', id }, { name: [null, name] });
        return { saved: id };
      })();
    },

    saveInfoType(id: number, version: number | null, form: { name: string; sortOrder: number }, actor: Actor): SaveOutcome {
      if (infoTypes.nameTaken(form.name, id)) return { errors: { name: '同じ名前の情報種別があります。' } };
      const at = clock.now().toISOString();
      return db.transaction((): SaveOutcome => {
        const current = infoTypes.listInfoTypes().find((t) => t.id === id);
        if (!current || !infoTypes.updateInfoType(id, version ?? 0, form.name, form.sortOrder, at)) return { conflict: true };
        audit.record(actor, at, 'type.update', { type: 'info_type', id }, {
          name: [current.name, form.name], sort_order: [current.sortOrder, form.sortOrder],
        });
        return { saved: id };
      })();
    },
  };
}

export type AdminTaxonomyService = ReturnType<typeof adminTaxonomyService>;
