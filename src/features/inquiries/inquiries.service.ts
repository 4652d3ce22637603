import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { LinkTo } from '../../mail/links.js';
import type { OutboxRepository } from '../../mail/outbox.repository.js';
import type { SessionUser } from '../accounts/accounts.types.js';
import type { Actor, AuditRepository } from '../audit/audit.repository.js';
import type { EntryDetail } from '../entries/entries.repository.js';
import type { InquiriesRepository } from './inquiries.repository.js';
import { inquiryMails } from './inquiries.mail.js';

/** Inquiries a user may send in 24 hours: plenty for real questions, too few for a mailing. */
export const INQUIRIES_PER_DAY = 10;

type Deps = { db: Db; repository: InquiriesRepository; outbox: OutboxRepository; audit: AuditRepository; clock: Clock; link: LinkTo; onMailQueued?: () => void };

/** Issue 21.3: a municipality's question to an entry's contact, relayed through the outbox. */
export function inquiriesService(deps: Deps) {
  const { db, repository, outbox, audit, clock, link } = deps;
  return {
    /** Sends (queues) the inquiry and the asker's copy; a problem that is no field's fault, with its status. */
    send(entry: EntryDetail, user: SessionUser, actor: Actor, message: { subject: string; body: string }): { error?: string; status?: number } {
      const at = clock.now();
      if (!user.email) {
        return { status: 409, error: '返信を受け取るメールアドレスが登録されていません。マイページでメールアドレスを登録してから、お問い合わせください。' };
      }
      if (repository.sentSince(user.id, new Date(at.getTime() - 86_400_000).toISOString()) >= INQUIRIES_PER_DAY) {
        return { status: 429, error: `お問い合わせは24時間に${INQUIRIES_PER_DAY}件までです。時間をおいてお送りください。` };
      }
      const mails = inquiryMails({ from: user, entry, ...message, link });
      db.transaction(() => {
        const id = repository.insert({ entryId: entry.id, organisationId: user.organisationId, userId: user.id, ...message, sentTo: entry.contactEmail, at: at.toISOString() });
        // Neither subject nor text: the secretariat learns that an inquiry went, and how many.
        audit.record(actor, at.toISOString(), 'entry.inquiry', { type: 'entry', id: entry.id }, { inquiry: [null, id] });
        for (const mail of mails) outbox.enqueue(mail, at.toISOString());
      })();
      deps.onMailQueued?.();
      return {};
    },
  };
}

export type InquiriesService = ReturnType<typeof inquiriesService>;
