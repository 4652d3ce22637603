import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { SessionUser } from '../accounts/accounts.types.js';
import type { Actor, AuditRepository, Diff } from '../audit/audit.repository.js';
import { fiscalYearOf } from '../genre-review/genre-review.service.js';
import type { ChecklistKey } from './guidebook.checklists.js';
import { selfCheckLabels, UNANSWERED_LABEL, type GuidebookRepository, type ItemCheck, type ItemLinks, type SelfCheckStatus, type SheetState } from './guidebook.repository.js';

/**
 * One item as a form sent it: the answer, the version of the item the form was read at (0: no answer
 * yet), and whether the user changed it from what the form showed.
 */
export type SubmittedCheck = { item: string; status: SelfCheckStatus | null; note: string; version: number; changed: boolean };

export type SaveChecksOutcome =
  | { saved: true; changed: string[] }
  /** Items a colleague saved after the form was read, as they are saved now: nothing was written. */
  | { saved: false; conflicts: Map<string, ItemCheck> };

const describe = (status: SelfCheckStatus | null, note: string) => `${status ? selfCheckLabels[status] : UNANSWERED_LABEL} ${note}`.trim();

/**
 * The self-check's changes (issue 23.3): answers saved item by item, any subset at a time, with a
 * snapshot of the whole sheet per save and a record per fiscal year, each with its audit record.
 */
export function guidebookService({ db, repository, audit, clock }: { db: Db; repository: GuidebookRepository; audit: AuditRepository; clock: Clock }) {
  const stateOf = (organisationId: number, checklist: ChecklistKey): SheetState =>
    Object.fromEntries([...repository.checksOf(organisationId, checklist)].map(([item, c]) => [item, { status: c.status, note: c.note }]));

  return {
    /**
     * Saves the items the user changed that differ from what is saved. Such an item saved by someone
     * else after the form was read (its version moved) is a conflict: then nothing is written, and
     * the colleague's answers come back so the user can choose knowingly. Items left as the form
     * showed them are not touched, so each item's date and person stay those of its last real change.
     */
    saveChecks(user: SessionUser, actor: Actor, checklist: ChecklistKey, submitted: SubmittedCheck[]): SaveChecksOutcome {
      const at = clock.now().toISOString();
      return db.transaction((): SaveChecksOutcome => {
        const current = repository.checksOf(user.organisationId, checklist);
        const changes = submitted.filter((s) => {
          if (!s.changed) return false;
          const saved = current.get(s.item);
          return (saved?.status ?? null) !== s.status || (saved?.note ?? '') !== s.note;
        });
        const conflicts = new Map(changes.flatMap((s) => {
          const saved = current.get(s.item);
          return (saved?.version ?? 0) !== s.version ? [[s.item, saved!] as const] : [];
        }));
        if (conflicts.size > 0) return { saved: false, conflicts };
        if (changes.length === 0) return { saved: true, changed: [] };

        const diff: Diff = {};
        for (const s of changes) {
          const saved = current.get(s.item);
          diff[`${checklist === 'main' ? '' : 'mynumber_'}item_${s.item}`] = [saved ? describe(saved.status, saved.note) : null, describe(s.status, s.note)];
          repository.writeCheck({ organisationId: user.organisationId, checklist, item: s.item, status: s.status, note: s.note, at, userId: user.id });
        }
        repository.insertSnapshot({
          organisationId: user.organisationId, checklist, fiscalYear: null, items: stateOf(user.organisationId, checklist),
          changed: changes.map((s) => s.item), at, userId: user.id,
        });
        audit.record(actor, at, 'self_check.update', { type: 'organisation', id: user.organisationId }, diff);
        return { saved: true, changed: changes.map((s) => s.item) };
      }).immediate();
    },

    /** Keeps the sheet as it is now as the record of a fiscal year, replacing an earlier record of that year. */
    keepYearRecord(user: SessionUser, actor: Actor, checklist: ChecklistKey, fiscalYear: number): void {
      const at = clock.now().toISOString();
      db.transaction(() => {
        repository.deleteYearRecord(user.organisationId, checklist, fiscalYear);
        repository.insertSnapshot({ organisationId: user.organisationId, checklist, fiscalYear, items: stateOf(user.organisationId, checklist), changed: [], at, userId: user.id });
        audit.record(actor, at, 'self_check.year', { type: 'organisation', id: user.organisationId }, { fiscal_year: [null, `${fiscalYear}年度`] });
      }).immediate();
    },

    /** The secretariat's mapping of one checklist item to genres and entries, with its audit record. */
    saveItemLinks(actor: Actor, item: number, links: ItemLinks): void {
      const at = clock.now().toISOString();
      db.transaction(() => {
        const before = repository.itemLinks().get(item) ?? { genreIds: [], entryIds: [] };
        repository.replaceItemLinks(item, links);
        audit.record(actor, at, 'guidebook.links', { type: 'guidebook_item', id: item }, {
          guidebook_genres: [before.genreIds, links.genreIds], guidebook_entries: [before.entryIds, links.entryIds],
        });
      }).immediate();
    },

    fiscalYearNow(): number {
      return fiscalYearOf(clock.now());
    },
  };
}

export type GuidebookService = ReturnType<typeof guidebookService>;
