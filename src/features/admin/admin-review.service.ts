import type { Clock } from '../../clock.js';
import { pageCount } from '../../pagination.js';
import type { Db } from '../../db/connection.js';
import { actionLabel } from '../audit/audit-labels.js';
import type { Actor, AuditRepository, Diff } from '../audit/audit.repository.js';
import type { AdminEntriesRepository, AdminEntryRow, EntryAuditRecord } from './admin-entries.repository.js';
import type { EntryDiffText } from './entry-diff.js';

export const REVIEW_PER_PAGE = 30;

/** One field of what changed since the last review, in words: 変更前 → 変更後. */
export type ReviewChange = { label: string; before: string; after: string };

export type ReviewItem = AdminEntryRow & {
  /** A new entry (registered or imported since the last review): its values, with no 変更前. */
  isNew: boolean;
  /** What was done since the last review, in order (変更, 変更, 公開停止 …). */
  actions: string[];
  changes: ReviewChange[];
};

type Deps = { db: Db; entries: AdminEntriesRepository; audit: AuditRepository; clock: Clock; text: EntryDiffText };

/**
 * The secretariat's review queue (管理者側機能: 登録・変更の確認): every entry changed since it was last
 * marked reviewed, oldest first, each with its changes since then folded into one readable diff, and
 * marking one or many reviewed in one step (audited).
 */
export function adminReviewService({ db, entries, audit, clock, text }: Deps) {
  /** The records since the last review folded into one diff: each field's first before and last after. */
  function fold(records: EntryAuditRecord[]): Pick<ReviewItem, 'isNew' | 'actions' | 'changes'> {
    const first = new Map<string, unknown>();
    const last = new Map<string, unknown>();
    let isNew = false;
    for (const record of records) {
      if (record.action === 'entry.create' || record.action === 'entry.import') isNew = true;
      for (const [field, [before, after]] of Object.entries(JSON.parse(record.diff) as Diff)) {
        if (!first.has(field)) first.set(field, before);
        last.set(field, after);
      }
    }
    const changes = [...last.keys()]
      .filter((field) => isNew || JSON.stringify(first.get(field) ?? null) !== JSON.stringify(last.get(field) ?? null))
      .map((field) => ({
        label: text.label(field),
        before: isNew ? '' : text.value(field, first.get(field)),
        after: text.value(field, last.get(field)),
      }));
    return { isNew, actions: records.map((r) => actionLabel(r.action)), changes };
  }

  return {
    queue(page: number): { total: number; items: ReviewItem[]; totalPages: number } {
      const { total, items } = entries.reviewQueue(page, REVIEW_PER_PAGE);
      const byEntry = new Map<number, EntryAuditRecord[]>();
      for (const record of entries.auditSinceReview(items.map((e) => e.id))) {
        byEntry.set(record.entryId, [...(byEntry.get(record.entryId) ?? []), record]);
      }
      return {
        total, totalPages: pageCount(total, REVIEW_PER_PAGE),
        items: items.map((e) => ({ ...e, ...fold(byEntry.get(e.id) ?? []) })),
      };
    },

    totalPages(): number {
      return pageCount(entries.waitingCount(), REVIEW_PER_PAGE);
    },

    /** Marks one entry reviewed from its page (waiting or not), audited; false when there is no such entry. */
    markOneReviewed(id: number, actor: Actor): boolean {
      const at = clock.now().toISOString();
      return db.transaction(() => {
        if (!entries.markReviewed(id, actor.userId, at)) return false;
        audit.record(actor, at, 'entry.review', { type: 'entry', id }, { reviewed_at: [null, at] });
        return true;
      })();
    },

    /** Marks the waiting ones among `ids` reviewed, each audited; returns how many it marked. */
    markReviewed(ids: number[], actor: Actor): number {
      const at = clock.now().toISOString();
      return db.transaction(() => {
        const marked = entries.markManyReviewed(ids, actor.userId, at);
        for (const id of marked) audit.record(actor, at, 'entry.review', { type: 'entry', id }, { reviewed_at: [null, at] });
        return marked.length;
      })();
    },
  };
}

export type AdminReviewService = ReturnType<typeof adminReviewService>;
