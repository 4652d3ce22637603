import type { Db } from '../../db/connection.js';
import type { LinkOutcome } from './link-check.js';

/** A link the owner is told about: broken on two checks in a row. */
export type FailingLink = {
  entryId: number; organisationId: number; organisationName: string; title: string; url: string;
  state: LinkOutcome['state']; httpStatus: number | null; detail: string; checkedAt: string; failures: number; reportedAt: string | null;
};

export type StaleEntry = { entryId: number; organisationId: number; title: string; freshAt: string };

export type LastLinkRun = {
  startedAt: string; finishedAt: string; all: boolean; checked: number; digests: number; networkDown: boolean;
  states: Record<LinkOutcome['state'], number>;
};

/** All SQL of the freshness feature (issue 10): link checks, stale reminders, confirmations, settings. */
export function freshnessRepository(db: Db) {
  const statements = {
    setting: db.prepare<[string], string>('SELECT value FROM settings WHERE key = ?').pluck(),
    setSetting: db.prepare(`INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
                            ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`),
    // Due: never checked, its URL changed since, last check fine and older than okBefore, or failing
    // and older than failedBefore (a failing link is checked again sooner, to confirm or clear it).
    dueLinks: db.prepare<{ okBefore: string; failedBefore: string; limit: number }, { entryId: number; url: string }>(`
      SELECT e.id AS entryId, e.url FROM entries e LEFT JOIN link_checks c ON c.entry_id = e.id
       WHERE e.deleted_at IS NULL AND e.url IS NOT NULL
         AND (c.entry_id IS NULL OR c.url <> e.url
              OR (c.failures = 0 AND c.checked_at < @okBefore) OR (c.failures > 0 AND c.checked_at < @failedBefore))
       ORDER BY c.checked_at IS NOT NULL, c.checked_at, e.id LIMIT @limit`),
    allLinks: db.prepare<[number], { entryId: number; url: string }>(
      'SELECT id AS entryId, url FROM entries WHERE deleted_at IS NULL AND url IS NOT NULL ORDER BY id LIMIT ?',
    ),
    // Recorded only while the entry still has the URL that was checked (an edit during the check wins).
    // A failure after a failure on the same URL counts on, if at least @strikeGap after it: two runs
    // close together (a second process, or "check now" after the hourly run) are one strike, not two.
    // Success or another URL starts over.
    record: db.prepare(`
      INSERT INTO link_checks (entry_id, url, checked_at, state, http_status, final_url, detail, failures, reported_at)
      SELECT e.id, e.url, @at, @state, @httpStatus, @finalUrl, @detail, @failed, NULL
        FROM entries e WHERE e.id = @entryId AND e.url = @url
      ON CONFLICT (entry_id) DO UPDATE SET
        failures = CASE WHEN excluded.failures = 0 THEN 0
                        WHEN link_checks.url <> excluded.url THEN 1
                        WHEN link_checks.failures > 0 AND link_checks.checked_at > @strikeGapStart THEN link_checks.failures
                        ELSE link_checks.failures + 1 END,
        reported_at = CASE WHEN excluded.failures = 0 OR link_checks.url <> excluded.url THEN NULL ELSE link_checks.reported_at END,
        url = excluded.url, checked_at = excluded.checked_at, state = excluded.state, http_status = excluded.http_status,
        final_url = excluded.final_url, detail = excluded.detail`),
    failing: db.prepare<{ minFailures: number; onlyUnreported: number; limit: number }, FailingLink>(`
      SELECT c.entry_id AS entryId, e.organisation_id AS organisationId, o.name AS organisationName, e.title, c.url,
             c.state, c.http_status AS httpStatus, c.detail, c.checked_at AS checkedAt, c.failures, c.reported_at AS reportedAt
        FROM link_checks c JOIN entries e ON e.id = c.entry_id JOIN organisations o ON o.id = e.organisation_id
       WHERE c.failures >= @minFailures AND e.deleted_at IS NULL AND (@onlyUnreported = 0 OR c.reported_at IS NULL)
       ORDER BY e.organisation_id, c.checked_at DESC, c.entry_id LIMIT @limit`),
    // Compare-and-set: a link another process has just reported is not reported twice.
    markReported: db.prepare('UPDATE link_checks SET reported_at = ? WHERE entry_id = ? AND reported_at IS NULL'),
    refusedCount: db.prepare<[], number>(
      `SELECT count(*) FROM link_checks c JOIN entries e ON e.id = c.entry_id
        WHERE c.state = 'refused' AND e.deleted_at IS NULL`,
    ).pluck(),
    organisationName: db.prepare<[number], string>('SELECT name FROM organisations WHERE id = ?').pluck(),
    recipients: db.prepare<[number], string>(
      `SELECT email FROM users WHERE organisation_id = ? AND active = 1 AND email <> '' AND mail_freshness = 1 ORDER BY id`,
    ).pluck(),
    // Entries whose freshness date (the later of update and confirmation) is before @staleBefore, of
    // organisations not reminded since @remindedBefore.
    staleToRemind: db.prepare<{ staleBefore: string; remindedBefore: string }, StaleEntry>(`
      SELECT e.id AS entryId, e.organisation_id AS organisationId, e.title, max(e.updated_at, coalesce(e.confirmed_at, '')) AS freshAt
        FROM entries e LEFT JOIN stale_reminders r ON r.organisation_id = e.organisation_id
       WHERE e.deleted_at IS NULL AND max(e.updated_at, coalesce(e.confirmed_at, '')) < @staleBefore
         AND (r.sent_at IS NULL OR r.sent_at < @remindedBefore)
       ORDER BY e.organisation_id, freshAt, e.id`),
    // Compare-and-set on the last reminder, so two processes cannot both send this period's digest.
    recordReminder: db.prepare(`
      INSERT INTO stale_reminders (organisation_id, sent_at, entry_count) VALUES (@organisationId, @at, @count)
      ON CONFLICT (organisation_id) DO UPDATE SET sent_at = excluded.sent_at, entry_count = excluded.entry_count
       WHERE stale_reminders.sent_at < @remindedBefore`),
    staleCount: db.prepare<[string], number>(
      `SELECT count(*) FROM entries WHERE deleted_at IS NULL AND suspended_at IS NULL AND max(updated_at, coalesce(confirmed_at, '')) < ?`,
    ).pluck(),
    // What needs the owner's attention across all its entries (not only the page shown).
    ownAttention: db.prepare<{ organisationId: number; staleBefore: string; strikes: number }, { broken: number; stale: number }>(`
      SELECT (SELECT count(*) FROM link_checks c JOIN entries e ON e.id = c.entry_id
               WHERE e.organisation_id = @organisationId AND e.deleted_at IS NULL AND c.failures >= @strikes) AS broken,
             (SELECT count(*) FROM entries e
               WHERE e.organisation_id = @organisationId AND e.deleted_at IS NULL
                 AND max(e.updated_at, coalesce(e.confirmed_at, '')) < @staleBefore) AS stale`),
    ownFreshness: db.prepare<[number, number], { updatedAt: string; confirmedAt: string | null }>(
      'SELECT updated_at AS updatedAt, confirmed_at AS confirmedAt FROM entries WHERE id = ? AND organisation_id = ? AND deleted_at IS NULL',
    ),
    confirmOwn: db.prepare('UPDATE entries SET confirmed_at = ? WHERE id = ? AND organisation_id = ? AND deleted_at IS NULL'),
  };

  return {
    allowPrivate(): boolean {
      return statements.setting.get('link_check_allow_private') === '1';
    },
    staleAfterMonths(): number {
      const months = Number(statements.setting.get('stale_after_months'));
      return Number.isInteger(months) && months > 0 ? months : 12;
    },
    /** What the last run of the checker did, for /admin/freshness (kept as a setting: one row, overwritten). */
    lastRun(): LastLinkRun | undefined {
      const value = statements.setting.get('link_check_last_run');
      return value === undefined ? undefined : (JSON.parse(value) as LastLinkRun);
    },
    recordRun(run: LastLinkRun): void {
      statements.setSetting.run('link_check_last_run', JSON.stringify(run), run.finishedAt);
    },
    saveSettings(settings: { allowPrivate: boolean; staleAfterMonths: number }, at: string): void {
      statements.setSetting.run('link_check_allow_private', settings.allowPrivate ? '1' : '0', at);
      statements.setSetting.run('stale_after_months', String(settings.staleAfterMonths), at);
    },
    dueLinks(okBefore: string, failedBefore: string, limit: number) {
      return statements.dueLinks.all({ okBefore, failedBefore, limit });
    },
    allLinks(limit: number) {
      return statements.allLinks.all(limit);
    },
    record(entryId: number, url: string, outcome: LinkOutcome, at: string, strikeGapMs: number): void {
      const failed = outcome.state === 'broken' || outcome.state === 'unreachable' ? 1 : 0;
      const strikeGapStart = new Date(Date.parse(at) - strikeGapMs).toISOString();
      statements.record.run({ entryId, url, at, ...outcome, failed, strikeGapStart });
    },
    /** Links failing on `minFailures` checks in a row or more, grouped by organisation. */
    failing(minFailures: number, limit: number, onlyUnreported = false): FailingLink[] {
      return statements.failing.all({ minFailures, onlyUnreported: onlyUnreported ? 1 : 0, limit });
    },
    /** Marks the links reported; returns those this call marked (not already marked by another process). */
    markReported(entryIds: number[], at: string): number[] {
      return entryIds.filter((id) => statements.markReported.run(at, id).changes > 0);
    },
    refusedCount(): number {
      return statements.refusedCount.get() ?? 0;
    },
    organisationName(organisationId: number): string {
      return statements.organisationName.get(organisationId) ?? '';
    },
    recipients(organisationId: number): string[] {
      return statements.recipients.all(organisationId);
    },
    staleToRemind(staleBefore: string, remindedBefore: string): StaleEntry[] {
      return statements.staleToRemind.all({ staleBefore, remindedBefore });
    },
    /** False when another process recorded this period's reminder first. */
    recordReminder(organisationId: number, at: string, count: number, remindedBefore: string): boolean {
      return statements.recordReminder.run({ organisationId, at, count, remindedBefore }).changes > 0;
    },
    staleCount(staleBefore: string): number {
      return statements.staleCount.get(staleBefore) ?? 0;
    },
    ownAttention(organisationId: number, staleBefore: string, strikes: number): { broken: number; stale: number } {
      return statements.ownAttention.get({ organisationId, staleBefore, strikes })!;
    },
    ownFreshness(id: number, organisationId: number) {
      return statements.ownFreshness.get(id, organisationId);
    },
    confirmOwn(id: number, organisationId: number, at: string): boolean {
      return statements.confirmOwn.run(at, id, organisationId).changes > 0;
    },
  };
}

export type FreshnessRepository = ReturnType<typeof freshnessRepository>;
