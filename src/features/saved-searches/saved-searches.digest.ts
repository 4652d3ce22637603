import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { LinkTo } from '../../mail/links.js';
import type { OutboxRepository, OutgoingMail } from '../../mail/outbox.repository.js';
import { formatDate } from '../../text.js';
import type { EntryListItem } from '../entries/entries.repository.js';
import { searchQueryString } from '../search/search.schemas.js';
import type { SearchService } from '../search/search.service.js';
import type { DueSearch, SavedSearchesRepository } from './saved-searches.repository.js';

/** A digest at most once a day per saved search. */
export const DIGEST_EVERY_MS = 24 * 60 * 60_000;
/**
 * A digest covers updates up to a minute before it runs, so an entry saved while the digest is being
 * put together (its time already set, its row not yet committed) is reported by the next one.
 */
const SETTLE_MS = 60_000;
const LISTED = 50;

function digestMail(saved: DueSearch, items: EntryListItem[], link: LinkTo): OutgoingMail {
  const lines = items.slice(0, LISTED).map((e) => `・${e.title}（${e.typeName}、${formatDate(e.updatedAt)}更新）\n  ${link(`/entries/${e.id}`)}`);
  if (items.length > LISTED) lines.push(`ほか${items.length - LISTED}件`);
  const conditions = searchQueryString({ genre: saved.genreIds, type: saved.typeIds, q: saved.q });
  return {
    kind: 'saved-search.digest',
    to: [saved.email],
    subject: `【ＡＰＰＬＩＣ マッチングポータル】保存した検索「${saved.name}」に新しい情報が${items.length}件あります`,
    body: `${saved.userName || 'ご担当者'} 様\n\n保存した検索「${saved.name}」の条件に合う情報が、前回のお知らせ以降に${items.length}件登録・更新されました。\n\n` +
      `${lines.join('\n')}\n\nこの検索をもう一度実行する: ${link(`/search/results${conditions ? `?${conditions}` : ''}`)}\n` +
      `お知らせの停止・保存した検索の管理: ${link('/my/searches')}\n`,
  };
}

/**
 * The daily digests of saved searches (issue 9). The server runs this on a timer; each due search
 * reports the published entries matching it that were registered or updated since its last digest,
 * through the outbox, and moves its mark, in one transaction. A deleted or suspended entry is not
 * published, so it is never reported; nothing is mailed when nothing is new.
 */
export function savedSearchDigests(deps: {
  db: Db; repository: SavedSearchesRepository; search: SearchService; outbox: OutboxRepository; clock: Clock; link: LinkTo; onMailQueued?: () => void;
}) {
  const { db, repository, search, outbox, clock } = deps;
  return {
    /** Queues every due digest; returns how many mails were queued. */
    run(): number {
      const now = clock.now();
      const until = new Date(now.getTime() - SETTLE_MS);
      let queued = 0;
      for (const saved of repository.due(new Date(now.getTime() - DIGEST_EVERY_MS).toISOString())) {
        const items = search.updatedBetween({ genre: saved.genreIds, type: saved.typeIds, q: saved.q }, new Date(saved.checkedUntil), until);
        db.transaction(() => {
          if (!repository.markChecked(saved.id, saved.checkedUntil, until.toISOString())) return;
          if (items.length > 0 && outbox.enqueue(digestMail(saved, items, deps.link), now.toISOString()) !== null) queued++;
        })();
      }
      if (queued > 0) deps.onMailQueued?.();
      return queued;
    },
  };
}

export type SavedSearchDigests = ReturnType<typeof savedSearchDigests>;
