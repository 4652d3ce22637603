import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { LinkTo } from '../../mail/links.js';
import type { OutboxRepository } from '../../mail/outbox.repository.js';
import type { SaveOutcome } from '../../validation.js';
import type { SessionUser } from '../accounts/accounts.types.js';
import type { Actor, AuditRepository, Diff } from '../audit/audit.repository.js';
import { CONTACT_CATEGORY_LABELS } from './qa.labels.js';
import type { QaRecord, QaRepository, QaValues } from './qa.repository.js';
import type { ContactForm, QaForm } from './qa.schemas.js';

type Deps = { db: Db; repository: QaRepository; audit: AuditRepository; outbox: OutboxRepository; clock: Clock; link: LinkTo; adminEmail: string; onMailQueued?: () => void };

const valuesOf = (form: QaForm): QaValues => ({
  category: form.category, subject: form.subject, body: form.body, status: form.status, answer: form.answer,
  ownerUserId: form.owner, entryId: form.entry_id,
});

/** The fields of a record that a save changed, for the audit log (the ledger's history). */
function changes(before: Partial<QaValues>, after: QaValues): Diff {
  const diff: Diff = {};
  for (const key of Object.keys(after) as (keyof QaValues)[]) {
    if ((before[key] ?? null) !== (after[key] ?? null)) diff[key] = [before[key] ?? null, after[key]];
  }
  return diff;
}

const answered = (status: string) => status === 'answered' || status === 'closed';

/**
 * The QA・インシデント管理台帳 (issue 21.4): records the secretariat keeps, and those members file on
 * /contact. Each save is one transaction with its audit record; a member whose question is answered
 * is told by mail to look at マイページ (the answer itself stays on the page, behind the login).
 */
export function qaService(deps: Deps) {
  const { db, repository, audit, outbox, clock, link } = deps;

  const checkReferences = (form: QaForm): SaveOutcome | undefined => {
    if (form.entry_id !== null && !repository.entryExists(form.entry_id)) return { errors: { entry_id: 'その情報IDの情報はありません。' } };
    if (form.owner !== null && !repository.owners().some((o) => o.id === form.owner)) return { errors: { owner: '担当者は事務局の方から選んでください。' } };
    return undefined;
  };

  const tellAsker = (record: QaRecord, at: string) => {
    if (!record.askerUserId) return;
    const email = repository.activeEmailOf(record.askerUserId);
    if (!email) return;
    outbox.enqueue({
      kind: 'qa.answered', to: [email],
      subject: '【ＡＰＰＬＩＣ マッチングポータル】お問い合わせに回答しました',
      body: `${record.askerName ?? 'ご担当者'} 様\n\nＡＰＰＬＩＣ事務局へのお問い合わせ「${record.subject}」に回答しました。\n` +
        `回答はマイページでご確認ください: ${link('/account#questions')}\n`,
    }, at);
  };

  return {
    add(form: QaForm, actor: Actor): SaveOutcome {
      const refused = checkReferences(form);
      if (refused) return refused;
      const at = clock.now().toISOString();
      const values = valuesOf(form);
      return db.transaction((): SaveOutcome => {
        const id = repository.insert({ ...values, askerUserId: null, askerOrganisationId: null, source: 'secretariat', at, answeredAt: answered(values.status) ? at : null });
        audit.record(actor, at, 'qa.create', { type: 'qa_record', id }, changes({}, values));
        return { saved: id };
      })();
    },

    save(id: number, version: number | null, form: QaForm, actor: Actor): SaveOutcome {
      const refused = checkReferences(form);
      if (refused) return refused;
      const at = clock.now().toISOString();
      const values = valuesOf(form);
      const outcome = db.transaction((): SaveOutcome => {
        const before = repository.find(id);
        if (!before) return { conflict: true };
        const answeredAt = answered(values.status) ? (before.answeredAt ?? at) : null;
        if (!repository.update(id, version ?? 0, { ...values, at, answeredAt })) return { conflict: true };
        audit.record(actor, at, 'qa.update', { type: 'qa_record', id }, changes(before, values));
        if (values.status === 'answered' && before.status !== 'answered') tellAsker(before, at);
        return { saved: id };
      })();
      if ('saved' in outcome) deps.onMailQueued?.();
      return outcome;
    },

    /** A member's question from /contact: a ledger record, and a mail to the secretariat. */
    fileContact(form: ContactForm, user: SessionUser, actor: Actor): number {
      const at = clock.now().toISOString();
      const id = db.transaction(() => {
        const recordId = repository.insert({
          category: form.category, subject: form.subject, body: form.body, status: 'open', answer: '', ownerUserId: null, entryId: null,
          askerUserId: user.id, askerOrganisationId: user.organisationId, source: 'contact', at, answeredAt: null,
        });
        audit.record(actor, at, 'qa.contact', { type: 'qa_record', id: recordId }, { subject: [null, form.subject] });
        outbox.enqueue({
          kind: 'qa.contact', to: [deps.adminEmail],
          subject: `【ＡＰＰＬＩＣ マッチングポータル】お問い合わせ（${CONTACT_CATEGORY_LABELS[form.category]}）：${form.subject.slice(0, 40)}`,
          body: `${user.organisationName} ${user.department} ${user.name} さんから、お問い合わせフォームで次のお問い合わせがありました。\n` +
            `QA・インシデント管理台帳に受付番号 ${recordId} として記録しました: ${link(`/admin/qa/${recordId}`)}\n\n` +
            `----------------------------------------\n件名: ${form.subject}\n\n${form.body}\n----------------------------------------\n`,
        }, at);
        return recordId;
      })();
      deps.onMailQueued?.();
      return id;
    },
  };
}

export type QaService = ReturnType<typeof qaService>;
