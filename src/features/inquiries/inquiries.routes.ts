import { Router } from 'express';
import { idParam } from '../../http-error.js';
import { requireKind } from '../../middleware/auth.js';
import { pageCount, PER_PAGE } from '../../pagination.js';
import { fieldErrors, formValues, renderInvalid } from '../../validation.js';
import type { SessionUser } from '../accounts/accounts.types.js';
import { actorOf } from '../audit/actor.js';
import { assertCanOpen } from '../entries/entries.access.js';
import type { EntriesRepository, EntryDetail } from '../entries/entries.repository.js';
import { pageField } from '../search/search.schemas.js';
import { messageForm } from '../peers/peers.schemas.js';
import type { InquiriesRepository } from './inquiries.repository.js';
import type { InquiriesService } from './inquiries.service.js';
import type { UsageRecorder } from '../usage/usage.recorder.js';

type Deps = { service: InquiriesService; repository: InquiriesRepository; entries: EntriesRepository; usage: Pick<UsageRecorder, 'event'> };

/**
 * Issue 21.3: municipality staff ask an entry's contact a question through the portal, and see what
 * their organisation asked at /my/inquiries. Vendors and visitors get 403 (or the login page).
 */
export function inquiriesRoutes({ service, repository, entries, usage }: Deps): Router {
  const router = Router();

  /** The entry the user may open (the detail page's rules), or its 404. */
  const askable = (user: SessionUser, id: number): EntryDetail => {
    const entry = entries.findEntry(id);
    assertCanOpen(user, entry);
    return entry;
  };

  const formPage = (entry: EntryDetail, user: SessionUser, sent = false, problem?: string) => ({
    title: 'この情報について問い合わせる',
    breadcrumbs: [{ label: '詳細情報', href: `/entries/${entry.id}` }, { label: 'お問い合わせ' }],
    entry, sent, problem, askerEmail: user.email,
  });

  router.get('/entries/:id/inquiry', requireKind('municipality'), (req, res) => {
    const user = res.locals.currentUser!;
    const entry = askable(user, idParam(req));
    res.render('inquiries/form', { ...formPage(entry, user, req.query.sent === '1'), errors: {}, values: { subject: '', body: '' } });
  });

  router.post('/entries/:id/inquiry', requireKind('municipality'), (req, res) => {
    const user = res.locals.currentUser!;
    const entry = askable(user, idParam(req));
    const typed = formValues(req.body, 'subject', 'body');
    const parsed = messageForm.safeParse(req.body ?? {});
    if (!parsed.success) return renderInvalid(res, 'inquiries/form', fieldErrors(parsed.error), typed, formPage(entry, user));
    const { error, status } = service.send(entry, user, actorOf(req, res), parsed.data);
    if (error) return renderInvalid(res, 'inquiries/form', {}, typed, formPage(entry, user, false, error), status ?? 400);
    usage.event('inquiry', user, entry.id);
    res.redirect(303, `/entries/${entry.id}/inquiry?sent=1`);
  });

  router.get('/my/inquiries', requireKind('municipality'), (req, res) => {
    const user = res.locals.currentUser!;
    const parsedPage = pageField().safeParse(req.query.page);
    const page = parsedPage.success ? parsedPage.data : 1;
    const { total, items } = repository.listOfOrganisation(user.organisationId, page, PER_PAGE);
    res.render('inquiries/list', {
      title: '送ったお問い合わせ',
      breadcrumbs: [{ label: 'マイページ', href: '/account' }, { label: '送ったお問い合わせ' }],
      total, items, page, totalPages: pageCount(total),
      pageHref: (p: number) => (p > 1 ? `/my/inquiries?page=${p}` : '/my/inquiries'),
    });
  });

  return router;
}
