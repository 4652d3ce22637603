import nodemailer from 'nodemailer';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { OutboxRepository } from './outbox.repository.js';

const MAX_ATTEMPTS = 8;
const BATCH = 20;
/** How long a claimed mail is left to the process that claimed it (a crashed one's claim runs out). */
const CLAIM_MS = 5 * 60_000;

/** Minutes to wait before try n+1: 1, 2, 4, 8 … up to six hours. */
function backoffMs(attempts: number): number {
  return Math.min(2 ** attempts, 360) * 60_000;
}

/**
 * Sends what the outbox holds, over SMTP with nodemailer. Without SMTP_URL there is no sender and
 * mail simply stays in the outbox (the secretariat sees it at /admin/mail).
 */
export function mailSender(deps: { smtpUrl: string; from: string; outbox: OutboxRepository; clock: Clock; logger: Logger }) {
  const transport = nodemailer.createTransport(deps.smtpUrl);
  let running: Promise<number> | null = null;
  let again = false;

  async function deliver(): Promise<number> {
    let sent = 0;
    const now = deps.clock.now();
    for (const mail of deps.outbox.due(now.toISOString(), BATCH)) {
      // Another process (a second worker, the background process) may be sending this batch too.
      if (!deps.outbox.claim(mail.id, deps.clock.now().toISOString(), new Date(deps.clock.now().getTime() + CLAIM_MS).toISOString())) continue;
      try {
        await transport.sendMail({ from: deps.from, to: mail.to, subject: mail.subject, text: mail.body, ...(mail.replyTo ? { replyTo: mail.replyTo } : {}) });
        deps.outbox.markSent(mail.id, deps.clock.now().toISOString());
        sent++;
      } catch (error) {
        const retryAt = new Date(deps.clock.now().getTime() + backoffMs(mail.attempts)).toISOString();
        deps.outbox.markFailed(mail.id, (error as Error).message, retryAt, MAX_ATTEMPTS);
        deps.logger.warn({ mailId: mail.id, attempts: mail.attempts + 1, err: error }, 'mail not sent; will retry');
      }
    }
    return sent;
  }

  return {
    /**
     * Sends every mail that is due; concurrent calls share one run. A call during a run makes the run
     * go round once more, so mail queued meanwhile is not left for the next timer. Resolves with the
     * number sent.
     */
    deliverDue(): Promise<number> {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        let sent = 0;
        do {
          again = false;
          sent += await deliver();
        } while (again);
        return sent;
      })().finally(() => (running = null));
      return running;
    },
    close(): void {
      transport.close();
    },
  };
}

export type MailSender = ReturnType<typeof mailSender>;
