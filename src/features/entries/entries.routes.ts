import path from 'node:path';
import { Router, type Request } from 'express';
import type { Clock } from '../../clock.js';
import type { SessionUser } from '../accounts/accounts.types.js';
import { HttpError, idParam, NotFoundError } from '../../http-error.js';
import { requireKind, requireLogin } from '../../middleware/auth.js';
import type { AdoptionsRepository } from '../adoptions/adoptions.repository.js';
import { FIRST_ADOPTION_YEAR } from '../adoptions/adoptions.schemas.js';
import { audienceOf } from '../adoptions/adoptions.service.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { GenresRepository } from '../genres/genres.repository.js';
import type { EntryLinksRepository } from '../entry-links/entry-links.repository.js';
import { relatedGroups } from '../entry-links/related-groups.js';
import type { LikesRepository } from '../likes/likes.repository.js';
import type { UsageRecorder } from '../usage/usage.recorder.js';
import { searchQuerySchema, searchQueryString } from '../search/search.schemas.js';
import { tokyoYear } from '../../text.js';
import { attachmentName } from './attachment-name.js';
import { assertCanOpen } from './entries.access.js';
import type { EntriesRepository } from './entries.repository.js';
import { likeFormSchema } from './entries.schemas.js';

type Deps = {
  entries: EntriesRepository;
  genres: GenresRepository;
  likes: LikesRepository;
  links: EntryLinksRepository;
  adoptions: AdoptionsRepository;
  audit: AuditRepository;
  clock: Clock;
  uploadDir: string;
  usage: Pick<UsageRecorder, 'event'>;
};

/**
 * The search the visitor came from, carried in the detail page's query string so the breadcrumbs lead
 * back to the same form and the same results page. Anything malformed is simply dropped.
 */
function searchContext(req: Request): { results: string; form: string } {
  const parsed = searchQuerySchema.safeParse(req.query);
  if (!parsed.success) return { results: '', form: '' };
  return { results: searchQueryString(parsed.data), form: searchQueryString({ ...parsed.data, page: undefined }) };
}

const withQuery = (base: string, query: string) => (query ? `${base}?${query}` : base);

/** 情報閲覧者側機能 4: the detail page, its like button and its PDF. */
export function entriesRoutes({ entries, genres, likes, links, adoptions, audit, clock, uploadDir, usage }: Deps): Router {
  const router = Router();

  /** 「導入しています」 as this user may see it, and, for municipality staff, their organisation's own mark and its form. */
  const adoptionView = (user: SessionUser, entryId: number) => {
    const municipality = user.organisationKind === 'municipality';
    const thisYear = tokyoYear(clock.now());
    return {
      ...adoptions.seenBy(entryId, audienceOf(user)),
      vendorView: audienceOf(user) === 'vendor',
      own: municipality ? (adoptions.ownOf(entryId, user.organisationId) ?? null) : undefined,
      years: municipality ? Array.from({ length: thisYear - FIRST_ADOPTION_YEAR + 1 }, (_, i) => thisYear - i) : [],
    };
  };

  router.get('/entries/:id', requireLogin, (req, res) => {
    const user = res.locals.currentUser!;
    const entry = entries.findEntry(idParam(req));
    assertCanOpen(user, entry);
    usage.event('view', user, entry.id);
    const context = searchContext(req);
    res.render('entries/detail', {
      title: entry.title,
      breadcrumbs: [
        { label: '検索画面', href: withQuery('/search', context.form) },
        { label: '検索結果一覧', href: withQuery('/search/results', context.results) },
        { label: '詳細情報' },
      ],
      entry,
      attachment: entries.findAttachment(entry.id),
      categories: [...genres.pathsOf(genres.genreIdsOfEntry(entry.id)).values()].sort(),
      related: relatedGroups(user, entry, links.linkedWith(entry.id)),
      adoption: entry.adoptable ? adoptionView(user, entry.id) : undefined,
      canLike: user.organisationKind === 'municipality',
      liked: likes.hasLiked(entry.id, user.organisationId),
      likeAction: withQuery(`/entries/${entry.id}/like`, context.results),
      resultsHref: withQuery('/search/results', context.results),
      adoptionDone: req.query.adoption === 'saved' ? '「導入しています」を登録しました。' : req.query.adoption === 'removed' ? '「導入しています」の登録を取り消しました。' : undefined,
    });
  });

  router.post('/entries/:id/like', requireKind('municipality'), (req, res) => {
    const user = res.locals.currentUser!;
    const id = idParam(req);
    assertCanOpen(user, entries.findEntry(id));
    // The button says what it will do (intent), so a page loaded before a colleague's click, or a
    // double click, does what the user saw; a form without intent toggles, as the contract says.
    const parsed = likeFormSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw new HttpError(400, 'いいね！の操作を読み取れませんでした。ページを開き直してからもう一度お試しください。');
    const now = clock.now().toISOString();
    const intent = parsed.data.intent;
    let liked: boolean;
    if (intent === undefined) liked = likes.toggleLike(id, user.organisationId, user.id, now);
    else {
      liked = intent === 'like';
      likes.setLike(id, user.organisationId, user.id, now, liked);
    }
    if (liked) usage.event('like', user, id);
    audit.record(
      { userId: user.id, organisationId: user.organisationId, ip: req.ip ?? '', sessionId: req.sessionID ?? null },
      now, liked ? 'like.add' : 'like.remove', { type: 'entry', id },
    );
    res.redirect(302, `${withQuery(`/entries/${id}`, searchContext(req).results)}#like`);
  });

  // A visitor sent to the login page by the like button comes back to this URL (the contract keeps the
  // original path in `next`); as a GET it leads to the detail page, where the button is.
  router.get('/entries/:id/like', requireLogin, (req, res) => {
    res.redirect(302, `/entries/${idParam(req)}#like`);
  });

  router.get('/entries/:id/attachment', requireLogin, (req, res, next) => {
    const user = res.locals.currentUser!;
    const id = idParam(req);
    assertCanOpen(user, entries.findEntry(id));
    const attachment = entries.findAttachment(id);
    if (!attachment) throw new NotFoundError('この情報には資料（PDF）が登録されていません。');
    usage.event('download', user, id);
    // Stored names are random and ours, but basename() makes sure no path ever leaves the upload folder.
    const file = path.resolve(uploadDir, path.basename(attachment.storedName));
    res.download(
      file,
      // Names stored before the rule (or written by hand) get it here too.
      attachmentName(attachment.originalName),
      {
        // sandbox: should a browser render it anyway (a PDF that is also HTML), no script runs as the portal.
        headers: { 'Content-Type': 'application/pdf', 'Cache-Control': 'private, no-store', 'Content-Security-Policy': "sandbox; default-src 'none'" },
        dotfiles: 'deny',
      },
      (error) => {
        if (error && !res.headersSent) next(new NotFoundError('資料（PDF）のファイルが見つかりませんでした。事務局にお問い合わせください。'));
      },
    );
  });

  return router;
}
