import path from 'node:path';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { AttachmentTextRepository } from './attachment-text.repository.js';
import type { PdfTextExtractor } from './pdf-text.extractor.js';

/** A PDF whose reading stopped its process this many times is given up on. */
const MAX_ATTEMPTS = 3;
/** One run reads PDFs for about this long, then leaves the rest to the next (the scheduler's tick). */
const RUN_BUDGET_MS = 60_000;

/**
 * The background job that reads the text of uploaded PDFs (issue 20.3), one at a time in a worker
 * thread (pdf-text.extractor.ts), so an upload is saved at once and never fails for its PDF's sake.
 * A PDF whose text cannot be read is recorded with the reason, which its owner sees; its file and
 * entry are untouched. The thread is stopped at the end of each run, so its memory goes back.
 */
export function attachmentTextJob(deps: {
  repository: AttachmentTextRepository; extractor: PdfTextExtractor; uploadDir: string; clock: Clock; logger: Logger; budgetMs?: number;
}) {
  const { repository, extractor, uploadDir, clock, logger } = deps;
  return {
    /** Reads what is waiting (at most a minute's worth); returns how many PDFs it finished. */
    async run(): Promise<number> {
      const until = clock.now().getTime() + (deps.budgetMs ?? RUN_BUDGET_MS);
      let finished = 0;
      try {
        while (clock.now().getTime() < until) {
          const next = repository.claimNext(MAX_ATTEMPTS, clock.now().toISOString());
          if (!next) break;
          const outcome = await extractor.extract(path.join(uploadDir, next.storedName));
          const at = clock.now().toISOString();
          if (outcome.ok) repository.recordText(next, outcome, at);
          else {
            repository.recordFailure(next, outcome.failure, at);
            logger.warn({ entryId: next.entryId, failure: outcome.failure, detail: outcome.detail }, 'PDF text not read');
          }
          finished++;
        }
      } finally {
        await extractor.close();
      }
      return finished;
    },
  };
}

export type AttachmentTextJob = ReturnType<typeof attachmentTextJob>;
