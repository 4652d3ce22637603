import { ENTRY_FIELD_LABELS } from '../audit/audit-labels.js';
import type { Diff } from '../audit/audit.repository.js';
import type { GenresRepository } from '../genres/genres.repository.js';
import type { InfoTypesRepository } from '../info-types/info-types.repository.js';

/** One field of an entry's recorded change, in words: 項目, 変更前, 変更後. */
export type DiffRow = { label: string; before: string; after: string };

const NONE = '（なし）';

/**
 * Turns an entry's audit diffs into what the secretariat reads: the entry form's field labels, info
 * type names for ids, genre paths for genre ids, 「（なし）」 for nothing, never JSON or a column name.
 */
export function entryDiffText(deps: { genres: GenresRepository; infoTypes: InfoTypesRepository }) {
  function value(field: string, raw: unknown): string {
    if (raw === null || raw === undefined || raw === '') return NONE;
    if (field === 'type' && typeof raw === 'number') return deps.infoTypes.listInfoTypes().find((t) => t.id === raw)?.name ?? NONE;
    if (field === 'genre' && Array.isArray(raw)) {
      return [...deps.genres.pathsOf(raw.filter((v): v is number => typeof v === 'number')).values()].sort().join('、') || NONE;
    }
    // Related entries are recorded by id; the audit log may outlive an entry's title.
    if (field === 'related' && Array.isArray(raw)) return raw.length === 0 ? NONE : raw.map((id) => `情報ID ${String(id)}`).join('、');
    if ((field === 'deleted_at' || field === 'confirmed_at' || field === 'reviewed_at') && typeof raw === 'string') {
      return field === 'deleted_at' ? '削除済み' : '記録あり';
    }
    if (typeof raw === 'boolean') return raw ? 'はい' : 'いいえ';
    if (Array.isArray(raw)) return raw.join('、');
    return typeof raw === 'string' || typeof raw === 'number' ? String(raw) : JSON.stringify(raw);
  }

  return {
    value,
    label: (field: string) => ENTRY_FIELD_LABELS[field] ?? '項目',
    /** A recorded diff (as JSON text or parsed) as rows. */
    rows: (diff: string | Diff): DiffRow[] => {
      const parsed = typeof diff === 'string' ? (JSON.parse(diff) as Diff) : diff;
      return Object.entries(parsed).map(([field, [before, after]]) => ({
        label: ENTRY_FIELD_LABELS[field] ?? '項目', before: value(field, before), after: value(field, after),
      }));
    },
  };
}

export type EntryDiffText = ReturnType<typeof entryDiffText>;
