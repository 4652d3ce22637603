import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { LinkTo } from '../../mail/links.js';
import type { OutboxRepository } from '../../mail/outbox.repository.js';
import { brokenLinksMail } from './freshness.mail.js';
import { groupBy } from '../../group-by.js';
import type { FreshnessRepository } from './freshness.repository.js';
import { checkLink, type LinkOutcome } from './link-check.js';

export type LinkCheckerConfig = {
  timeoutMs: number;
  maxRedirects: number;
  /** Hosts checked at the same time. */
  concurrency: number;
  /** Pause between two requests to the same host. */
  perHostIntervalMs: number;
  /** Links checked by one scheduled run at most (the rest wait for the next). */
  batch: number;
  /** A working link is checked again after this long; a failing one sooner, to confirm or clear it. */
  recheckOkMs: number;
  recheckFailedMs: number;
  /** Failures closer together than this count as one strike. */
  strikeGapMs: number;
  userAgent: string;
};

const DAY = 24 * 60 * 60_000;

export const defaultLinkCheckerConfig: LinkCheckerConfig = {
  timeoutMs: 10_000, maxRedirects: 5, concurrency: 4, perHostIntervalMs: 2_000, batch: 300,
  recheckOkMs: 7 * DAY, recheckFailedMs: DAY, strikeGapMs: 60 * 60_000, userAgent: 'APPLIC-Matching-Portal-LinkChecker/1.0',
};

/** An owner hears of a link when it has failed this many checks in a row: one outage is not enough. */
export const STRIKES = 2;
/** On demand, every link: bounded all the same. */
const MAX_ON_DEMAND = 20_000;

export type LinkCheckSummary = {
  checked: number; states: Record<LinkOutcome['state'], number>; digests: number;
  /** Every link of several hosts went unanswered: the server's own connection is the likely fault. */
  networkDown: boolean;
};

/**
 * When every link checked, on at least this many different hosts, went unanswered, the fault is far
 * more likely the server's own way out (a closed network, a proxy it is not told about) than every
 * vendor's site at once: the run is recorded as such and counts no strike, so no vendor is mailed.
 */
const NETWORK_DOWN_HOSTS = 3;

/**
 * The link checker (issue 10). Runs on a timer in the server process and on demand from
 * /admin/freshness. Links are grouped by host: `concurrency` hosts at a time, one request at a time to
 * each host with a pause between, so no vendor's server sees more than a trickle. After the checks,
 * each organisation with newly twice-failed links gets one digest through the outbox.
 * One run at a time: asking while one runs returns that run.
 */
export function linkChecker(deps: {
  db: Db; repository: FreshnessRepository; outbox: OutboxRepository; clock: Clock; link: LinkTo;
  config?: Partial<LinkCheckerConfig>; onMailQueued?: () => void;
}) {
  const { db, repository, outbox, clock } = deps;
  const config = { ...defaultLinkCheckerConfig, ...deps.config };
  let current: Promise<LinkCheckSummary> | null = null;

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Checks the links, host by host; the outcomes are recorded together at the end (see NETWORK_DOWN_HOSTS). */
  async function checkAll(links: { entryId: number; url: string }[]): Promise<Omit<LinkCheckSummary, 'digests'>> {
    const allowPrivate = repository.allowPrivate();
    const queues = [...groupBy(links, (link) => (URL.canParse(link.url) ? new URL(link.url).host : '')).values()];
    const outcomes: { entryId: number; url: string; outcome: LinkOutcome; at: string }[] = [];
    let next = 0;
    const worker = async () => {
      while (next < queues.length) {
        const queue = queues[next++]!;
        for (const [i, link] of queue.entries()) {
          if (i > 0) await sleep(config.perHostIntervalMs);
          outcomes.push({ ...link, outcome: await checkLink(link.url, { ...config, allowPrivate }), at: clock.now().toISOString() });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(config.concurrency, queues.length) }, worker));
    const states = { ok: 0, broken: 0, unreachable: 0, refused: 0 };
    for (const { outcome } of outcomes) states[outcome.state]++;
    const networkDown = queues.length >= NETWORK_DOWN_HOSTS && states.unreachable === outcomes.length;
    if (!networkDown) {
      db.transaction(() => {
        for (const { entryId, url, outcome, at } of outcomes) repository.record(entryId, url, outcome, at, config.strikeGapMs);
      })();
    }
    return { checked: outcomes.length, states, networkDown };
  }

  /** One digest per organisation for the links that reached STRIKES since they were last reported. */
  function mailDigests(): number {
    let queued = 0;
    const at = clock.now().toISOString();
    for (const [organisationId, links] of groupBy(repository.failing(STRIKES, 10_000, true), (link) => link.organisationId)) {
      db.transaction(() => {
        const recipients = repository.recipients(organisationId);
        // Without anyone to mail, the links stay unreported (and listed so on /admin/freshness).
        if (recipients.length === 0) return;
        const marked = new Set(repository.markReported(links.map((l) => l.entryId), at));
        if (marked.size === 0) return;
        outbox.enqueue(brokenLinksMail(links[0]!.organisationName, recipients, links.filter((l) => marked.has(l.entryId)), deps.link), at);
        queued++;
      })();
    }
    if (queued > 0) deps.onMailQueued?.();
    return queued;
  }

  async function run(all: boolean): Promise<LinkCheckSummary> {
    const startedAt = clock.now().toISOString();
    const now = Date.parse(startedAt);
    const links = all
      ? repository.allLinks(MAX_ON_DEMAND)
      : repository.dueLinks(new Date(now - config.recheckOkMs).toISOString(), new Date(now - config.recheckFailedMs).toISOString(), config.batch);
    const checked = await checkAll(links);
    const summary = { ...checked, digests: checked.networkDown ? 0 : mailDigests() };
    if (summary.checked > 0 || all) repository.recordRun({ startedAt, finishedAt: clock.now().toISOString(), all, ...summary });
    return summary;
  }

  return {
    /** Checks the links that are due (or, with all, every link), then mails the digests. */
    run(options: { all?: boolean } = {}): Promise<LinkCheckSummary> {
      current ??= run(options.all === true).finally(() => (current = null));
      return current;
    },
    running(): boolean {
      return current !== null;
    },
  };
}

export type LinkChecker = ReturnType<typeof linkChecker>;
