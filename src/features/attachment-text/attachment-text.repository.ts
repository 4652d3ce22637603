import type { Db } from '../../db/connection.js';
import type { PdfText, PdfTextFailure } from './pdf-text.js';

/** A PDF whose text is due: its attachment row, entry and file. */
export type PendingAttachment = { attachmentId: number; entryId: number; storedName: string };

/** What the owner's entry page says of its PDF's text. */
export type AttachmentTextState =
  | { state: 'pending' }
  | { state: 'extracted'; pages: number; characters: number; truncated: boolean }
  | { state: 'failed'; failure: PdfTextFailure };

/** All SQL of the PDF text (migration 0023): the queue, the results, and what the owner is shown. */
export function attachmentTextRepository(db: Db) {
  const statements = {
    next: db.prepare<[], PendingAttachment & { attempts: number }>(
      `SELECT t.attachment_id AS attachmentId, a.entry_id AS entryId, a.stored_name AS storedName, t.attempts
         FROM attachment_texts t JOIN attachments a ON a.id = t.attachment_id
        WHERE t.state = 'pending' ORDER BY t.attachment_id LIMIT 1`,
    ),
    started: db.prepare<[number]>('UPDATE attachment_texts SET attempts = attempts + 1 WHERE attachment_id = ?'),
    extracted: db.prepare<{ attachmentId: number; text: string; pages: number; truncated: number; at: string }>(
      `UPDATE attachment_texts SET state = 'extracted', failure = NULL, text = @text, pages = @pages, truncated = @truncated, finished_at = @at
        WHERE attachment_id = @attachmentId AND state = 'pending'`,
    ),
    failed: db.prepare<{ attachmentId: number; failure: PdfTextFailure; at: string }>(
      `UPDATE attachment_texts SET state = 'failed', failure = @failure, text = NULL, finished_at = @at
        WHERE attachment_id = @attachmentId AND state = 'pending'`,
    ),
    indexText: db.prepare<[number, string]>('INSERT OR REPLACE INTO attachment_search (rowid, text) VALUES (?, ?)'),
    indexPairs: db.prepare<[number, string]>('INSERT OR REPLACE INTO attachment_bigrams (rowid, text) VALUES (?, ?)'),
    feedSearch: db.prepare<[number]>('INSERT INTO search_changes (entry_id) VALUES (?)'),
    stateOf: db.prepare<[number], { state: AttachmentTextState['state']; failure: PdfTextFailure | null; pages: number | null; characters: number; truncated: number }>(
      `SELECT t.state, t.failure, t.pages, coalesce(length(t.text), 0) AS characters, t.truncated
         FROM attachments a JOIN attachment_texts t ON t.attachment_id = a.id WHERE a.entry_id = ?`,
    ),
    counts: db.prepare<[], { state: AttachmentTextState['state']; count: number }>(
      'SELECT state, count(*) AS count FROM attachment_texts GROUP BY state',
    ),
  };

  const claim = db.transaction((maxAttempts: number, at: string): PendingAttachment | undefined => {
    for (;;) {
      const next = statements.next.get();
      if (!next) return undefined;
      if (next.attempts < maxAttempts) {
        statements.started.run(next.attachmentId);
        return { attachmentId: next.attachmentId, entryId: next.entryId, storedName: next.storedName };
      }
      statements.failed.run({ attachmentId: next.attachmentId, failure: 'unreadable', at });
    }
  });
  const record = db.transaction((attachment: PendingAttachment, text: PdfText, at: string): boolean => {
    const { changes } = statements.extracted.run({
      attachmentId: attachment.attachmentId, text: text.text, pages: text.pages, truncated: text.truncated ? 1 : 0, at,
    });
    if (changes === 0) return false;
    statements.indexText.run(attachment.entryId, text.folded);
    statements.indexPairs.run(attachment.entryId, text.pairs);
    statements.feedSearch.run(attachment.entryId);
    return true;
  });

  return {
    /**
     * The next PDF to read, its attempt counted. One already tried `maxAttempts` times (each time
     * its process stopped before it finished) is failed as unreadable instead of tried again.
     */
    claimNext(maxAttempts: number, at: string): PendingAttachment | undefined {
      return claim.immediate(maxAttempts, at);
    },

    /**
     * The text read, stored and indexed for the keyword search in one transaction, and the entry
     * put on the search's change feed. Nothing when the attachment was replaced or removed meanwhile.
     */
    recordText(attachment: PendingAttachment, text: PdfText, at: string): boolean {
      return record.immediate(attachment, text, at);
    },
    recordFailure(attachment: PendingAttachment, failure: PdfTextFailure, at: string): boolean {
      return statements.failed.run({ attachmentId: attachment.attachmentId, failure, at }).changes > 0;
    },

    /** The state of the entry's PDF's text; undefined without a PDF. */
    stateOf(entryId: number): AttachmentTextState | undefined {
      const row = statements.stateOf.get(entryId);
      if (!row) return undefined;
      if (row.state === 'failed') return { state: 'failed', failure: row.failure! };
      if (row.state === 'extracted') return { state: 'extracted', pages: row.pages ?? 0, characters: row.characters, truncated: row.truncated === 1 };
      return { state: 'pending' };
    },

    /** How many PDFs are waiting, read and unreadable (the system page). */
    counts(): Record<AttachmentTextState['state'], number> {
      const counts = { pending: 0, extracted: 0, failed: 0 };
      for (const row of statements.counts.all()) counts[row.state] = row.count;
      return counts;
    },
  };
}

export type AttachmentTextRepository = ReturnType<typeof attachmentTextRepository>;
