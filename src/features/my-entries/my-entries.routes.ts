import { Router, type Request, type RequestHandler, type Response } from 'express';
import { HttpError, idParam, NotFoundError } from '../../http-error.js';
import { requireKind } from '../../middleware/auth.js';
import { looksLikePdf, multipartForm, uploadProblemMessages } from '../../middleware/upload.js';
import { keywordTerms } from '../../text.js';
import { CONFLICT_MESSAGE, fieldErrors, type FieldErrors, formValue, rowId, versionOf } from '../../validation.js';
import { pageCount, PER_PAGE } from '../../pagination.js';
import { actorOf } from '../audit/actor.js';
import { fieldLabel } from '../audit/audit-labels.js';
import { attachmentName } from '../entries/attachment-name.js';
import type { AttachmentTextState } from '../attachment-text/attachment-text.repository.js';
import type { EntriesRepository } from '../entries/entries.repository.js';
import type { EntryLinksRepository } from '../entry-links/entry-links.repository.js';
import { relatedGroups } from '../entry-links/related-groups.js';
import { type GenresRepository } from '../genres/genres.repository.js';
import { activeGenreTree, selectableGenreIds } from '../genres/genre-tree.js';
import type { InfoTypesRepository } from '../info-types/info-types.repository.js';
import type { Draft, MyEntriesRepository } from './my-entries.repository.js';
import { keywordField } from '../search/search.schemas.js';
import { entryFormSchema, entryValues, MAX_RELATED, ownListQuerySchema, type EntryValues } from './my-entries.schemas.js';
import { registrantOf, type MyEntriesService } from './my-entries.service.js';
import type { ResumeTokens } from './resume-token.js';
import type { UsageRecorder } from '../usage/usage.recorder.js';
import { MIN_ORGANISATIONS_SHOWN, type EntryFigures } from '../usage/entry-figures.js';


/** Candidates one search of the entry form's related-entries box offers. */
const RELATED_CANDIDATES = 20;

const RESUMED_NOTICE = '一定時間操作がなかったためログアウトしましたが、送信された入力内容（添付ファイルを含む）は保存しておきました。内容を確かめて「確認画面へ進む」を押してください。';

type Deps = {
  repository: MyEntriesRepository;
  service: MyEntriesService;
  entries: EntriesRepository;
  links: EntryLinksRepository;
  /** The published entries a keyword finds, best first, for the related-entries box (search.service.ts). */
  relatedCandidates: (q: string, leaveOut: readonly number[], limit: number) => { entryIds: number[]; more: boolean };
  genres: GenresRepository;
  infoTypes: InfoTypesRepository;
  verifyCsrf: RequestHandler;
  resumeTokens: ResumeTokens;
  /** Broken links and stale entries among all of an organisation's entries, for the list's notice. */
  attentionOf: (organisationId: number) => { broken: number; stale: number; staleMonths: number };
  /** Whether the entry's PDF's text has been read for the keyword search, or why it could not be. */
  attachmentTextOf: (entryId: number) => AttachmentTextState | undefined;
  /** How many inquiries came through the portal for the entry (inquiries.repository.ts): a count, never who. */
  inquiryCountOf: (entryId: number) => number;
  usage: Pick<UsageRecorder, 'event'>;
  /** The entries' views, downloads, likes and inquiries by municipalities per month (issue 22.3). */
  figures: EntryFigures;
};

/** Months of figures on an entry's own page. */
const FIGURE_MONTHS = 12;

const emptyValues: EntryValues = {
  type: 0, title: '', summary: '', url: '', genre: [], related: [],
  contact_company: '', contact_department: '', contact_name: '', contact_phone: '', contact_email: '',
};


/** 情報登録者側機能: the organisation's own entries, for vendors and the secretariat. */
export function myEntriesRoutes(deps: Deps): Router {
  const { repository, service, entries, links, genres, infoTypes, verifyCsrf, attachmentTextOf } = deps;
  const router = Router();
  // An entry form that arrives after its session timed out (issue 15.11, WCAG 2.2.1): kept for the
  // user the portal rendered it for, who logs in again and lands on the form with it. Nothing else is
  // done with it: it is only ever handed back to that user, who still checks and confirms it.
  const parse = multipartForm('attachment', (_req, _res, next) => next());
  router.post(['/my/entries/confirm', '/my/entries/:id/confirm'], (req, res, next) => {
    if (res.locals.currentUser) return next();
    parse(req, res, () => {
      const entryId = rowId(req.params.id);
      const formPage = entryId === null ? '/my/entries/new' : `/my/entries/${entryId}/edit`;
      const userId = res.locals.uploadProblem === 'malformed' ? undefined : deps.resumeTokens.verify(formValue(req.body, 'resume'));
      if (userId === undefined) return res.redirect(303, `/login?next=${encodeURIComponent(formPage)}`);
      const file = req.file && req.file.size > 0 && looksLikePdf(req.file.buffer) ? { buffer: req.file.buffer, originalName: fileName(req.file.originalname) } : undefined;
      const key = service.parkForm({ userId, entryId, fields: entryFields(req.body), file });
      res.redirect(303, `/login?expired=1&next=${encodeURIComponent(`/my/entries/resume/${key}`)}`);
    });
  });

  router.use('/my/entries', requireKind('vendor', 'secretariat'));

  /** The entry form (new or edit), with values, messages and the file that is kept, if any. */
  const renderForm = (res: Response, status: number, form: {
    entryId: number | null; values: EntryValues; errors: FieldErrors; draft?: Draft; currentFile?: string; agreed?: boolean;
    /** For an edit: the version the next save is checked against. */
    version?: number | null;
    /** After a conflict: what is saved now, where it differs from what the user typed. */
    saved?: EntryValues;
    notice?: string;
    /** After a search in the related-entries box: what it found, to tick. */
    candidates?: { q: string; entryIds: number[]; more: boolean };
    /** A file sent with the form that could not be kept (not a PDF, say): the form says so at the file field. */
    fileDropped?: boolean;
    /** The PDF sent with this very request is held in a file-only draft: the form says it need not be chosen again. */
    fileKept?: boolean;
  }) => {
    const user = res.locals.currentUser!;
    const keptFile = form.draft?.upload?.originalName ?? (form.draft?.removeAttachment ? undefined : form.currentFile);
    res.status(status).render('my-entries/form', {
      title: form.entryId ? '登録情報の編集' : '新規情報登録',
      breadcrumbs: [
        { label: '登録情報一覧', href: '/my/entries' },
        ...(form.entryId ? [{ label: '登録情報詳細', href: `/my/entries/${form.entryId}` }] : []),
        { label: form.entryId ? '登録情報の編集' : '新規情報登録' },
      ],
      action: form.entryId ? `/my/entries/${form.entryId}/confirm` : '/my/entries/confirm',
      entryId: form.entryId,
      values: form.values,
      errors: form.errors,
      draftKey: form.draft?.key,
      keptFile,
      version: form.version ?? null,
      resumeToken: deps.resumeTokens.sign(user.id),
      notice: form.notice,
      savedDifferences: form.saved ? differences(form.saved, form.values, infoTypes.listInfoTypes()) : [],
      agreed: form.agreed ?? false,
      // Only published entries can be shown (and so kept) as related; the save keeps links to the others.
      related: {
        chosen: links.publishedOf(form.values.related.filter((id) => id !== form.entryId)),
        max: MAX_RELATED,
        search: form.candidates && { q: form.candidates.q, found: links.publishedOf(form.candidates.entryIds), more: form.candidates.more },
      },
      fileDropped: form.fileDropped ?? false,
      fileKept: form.fileKept ?? false,
      tree: activeGenreTree(genres.listGenres()),
      types: infoTypes.listInfoTypes(),
      registrant: registrantOf(user),
    });
  };

  const ownOr404 = (req: Request, res: Response) => {
    const entry = repository.findOwn(idParam(req), res.locals.currentUser!.organisationId);
    if (!entry) throw new NotFoundError('お探しの登録情報は見つかりませんでした。削除されたか、他の団体の情報です。');
    return entry;
  };

  // ---- list -------------------------------------------------------------------------------------
  router.get('/my/entries', (req, res) => {
    const user = res.locals.currentUser!;
    const parsed = ownListQuerySchema.safeParse(req.query);
    const query = parsed.success ? parsed.data : { q: '', genre: [], page: 1 };
    const terms = keywordTerms(query.q);
    let { total, items } = repository.listOwn(user.organisationId, terms, query.genre, query.page, PER_PAGE);
    // A page past the end is answered with the last page (the page says so).
    const page = Math.min(query.page, pageCount(total));
    if (page !== query.page) ({ total, items } = repository.listOwn(user.organisationId, terms, query.genre, page, PER_PAGE));
    const params = (page: number) => {
      const p = new URLSearchParams();
      if (query.q) p.set('q', query.q);
      for (const g of query.genre) p.append('genre', String(g));
      if (page > 1) p.set('page', String(page));
      return p.toString();
    };
    res.status(parsed.success ? 200 : 400).render('my-entries/list', {
      title: '登録情報一覧',
      breadcrumbs: [{ label: '登録情報一覧' }],
      query,
      errors: parsed.success ? {} : fieldErrors(parsed.error),
      total,
      page,
      askedPage: query.page,
      totalPages: pageCount(total),
      items,
      figures: deps.figures.thisMonth(items.map((e) => e.id)),
      minShown: MIN_ORGANISATIONS_SHOWN,
      attention: deps.attentionOf(user.organisationId),
      tree: activeGenreTree(genres.listGenres()),
      pageHref: (page: number) => `/my/entries${params(page) ? `?${params(page)}` : ''}`,
    });
  });

  router.get('/my/entries/terms', (_req, res) => {
    res.render('my-entries/terms', { title: '登録の規約', breadcrumbs: [{ label: '登録情報一覧', href: '/my/entries' }, { label: '登録の規約' }] });
  });

  // ---- new ----------------------------------------------------------------------------------------
  router.get('/my/entries/new', (req, res) => {
    const user = res.locals.currentUser!;
    const draft = typeof req.query.draft === 'string' ? service.findDraft(req.query.draft, user) : undefined;
    if (draft && draft.entryId === null) {
      return renderForm(res, 200, { entryId: null, values: draft.values, errors: {}, draft, agreed: true });
    }
    // The spec: contact fields start from the organisation's last entry.
    renderForm(res, 200, { entryId: null, values: { ...emptyValues, ...repository.lastContact(user.organisationId) }, errors: {} });
  });

  /** Multipart: the upload parser first, then the CSRF check on the parsed token (middleware/upload.ts). */
  const upload = multipartForm('attachment', verifyCsrf);

  type Submission = {
    entryId: number | null; currentFile: string | undefined; stored: EntryValues & { version?: number };
    body: Record<string, unknown>; file?: { buffer: Buffer; originalName: string }; tooLarge?: boolean;
    /** Coming back after a session expired: the form is shown again (with a notice), not the confirmation. */
    resumed?: boolean;
  };

  /** Checks a submitted entry form: the form again (400/413, 409 if stale), or the confirmation page. */
  const handleSubmission = (res: Response, s: Submission) => {
    const user = res.locals.currentUser!;
    const { entryId, currentFile, stored, body, file } = s;
    const current = stored.version ?? null;
    const notice = s.resumed ? RESUMED_NOTICE : undefined;
    const carriedDraft = () => (typeof body.draft_key === 'string' ? service.findDraft(body.draft_key, user) : undefined);
    // When the form goes back to the user, a PDF sent with it is kept rather than dropped: browsers
    // cannot refill a file field, and a file silently lost is found missing only after saving.
    const keepable = file && file.buffer.length > 0 && !s.tooLarge && looksLikePdf(file.buffer) ? file : undefined;
    const holdingDraft = (values: EntryValues, carried: Draft | undefined) => (keepable
      ? service.createDraft({ user, entryId, version: versionOf(body), values, removeAttachment: false, file: keepable, fileOnly: true })
      : carried);
    const search = relatedSearch(body);
    if (search !== undefined && !s.resumed) {
      // Not a submission: the form again as typed, with what the search found. Nothing is checked; only the file is kept.
      const values = rawValues(body);
      const chosen = values.related.slice(0, 300);
      return renderForm(res, search.error ? 400 : 200, {
        entryId, values, errors: search.error ? { related: search.error } : {}, draft: holdingDraft(values, carriedDraft()), currentFile,
        agreed: body.agree_terms === '1', version: versionOf(body),
        candidates: search.q === '' ? undefined : { q: search.q, ...deps.relatedCandidates(search.q, entryId === null ? chosen : [entryId, ...chosen], RELATED_CANDIDATES) },
        fileDropped: file !== undefined && file.buffer.length > 0 && !keepable, fileKept: keepable !== undefined,
      });
    }
    const parsed = entryFormSchema.safeParse(body);
    const errors: FieldErrors = parsed.success ? {} : fieldErrors(parsed.error);
    const values = parsed.success ? entryValues(parsed.data) : rawValues(body);
    const carried = carriedDraft();
    // Related entries: other published ones only. One unpublished since the form was shown is dropped
    // from the form (it lists published ones) and the user is asked to look again.
    const relatable = new Set(links.publishedOf(values.related).map((e) => e.id));
    if (!errors.related && values.related.some((id) => id === entryId || !relatable.has(id))) {
      errors.related = '関連する情報の指定が正しくありません。公開中の他の情報を選び直してください。';
    }
    if (values.type && !infoTypes.listInfoTypes().some((t) => t.id === values.type)) errors.type = '情報種別を選択してください。';
    // Only genres the form offers; a retired one the entry already has may stay on it.
    const selectable = selectableGenreIds(genres.listGenres());
    if (values.genre.some((id) => !selectable.has(id) && !stored.genre.includes(id))) errors.genre = '行政課題のジャンルの指定が正しくありません。';
    if (s.tooLarge) errors.attachment = '添付ファイルが大きすぎます。PDFは10MB以内にしてください。';
    else if (file && !looksLikePdf(file.buffer)) errors.attachment = 'PDFファイルを選択してください（ファイルの中身がPDFではありません）。';
    else if (file && file.buffer.length === 0) errors.attachment = '空のファイルは添付できません。';
    if (Object.keys(errors).length > 0 || !parsed.success) {
      return renderForm(res, s.resumed ? 200 : s.tooLarge ? 413 : 400, {
        entryId, values, errors, draft: holdingDraft(values, carried), currentFile, agreed: body.agree_terms === '1',
        version: versionOf(body), notice, fileKept: keepable !== undefined,
      });
    }
    // Saved by someone else since this form was read: the form again with the user's values (and
    // file, kept in a draft) and the version now saved, so that saving again is a choice made knowingly.
    const stale = entryId !== null && versionOf(body) !== current;
    const draft = service.createDraft({
      user, entryId, version: stale ? current : versionOf(body), values, removeAttachment: parsed.data.remove_attachment === '1',
      file, carriedFrom: carried && carried.entryId === entryId ? carried : undefined,
    });
    if (stale) {
      return renderForm(res, 409, {
        entryId, values, errors: { _form: CONFLICT_MESSAGE }, draft, currentFile, agreed: true, version: current, saved: stored, notice,
      });
    }
    if (s.resumed) return renderForm(res, 200, { entryId, values, errors: {}, draft, currentFile, agreed: true, version: draft.version, notice });
    renderConfirm(res, draft, currentFile);
  };

  /** The multipart form as it arrived; a malformed body gets the form as it was, and a message. */
  const confirm = (entryId: number | null, currentFile: string | undefined, stored: EntryValues & { version?: number }) => (req: Request, res: Response) => {
    if (res.locals.uploadProblem === 'malformed') {
      // Nothing that arrived can be trusted (no token was checked).
      return renderForm(res, 400, { entryId, values: stored, errors: { _form: uploadProblemMessages.malformed }, currentFile, version: stored.version ?? null });
    }
    handleSubmission(res, {
      entryId, currentFile, stored, body: (req.body ?? {}) as Record<string, unknown>,
      file: req.file ? { buffer: req.file.buffer, originalName: fileName(req.file.originalname) } : undefined,
      tooLarge: res.locals.uploadProblem === 'too_large',
    });
  };

  // After a session expired (issue 15.11): the kept form, checked as the confirm step checks it.
  router.get('/my/entries/resume/:key', (req, res) => {
    const user = res.locals.currentUser!;
    const parked = service.takeParked(String(req.params.key), user);
    if (!parked) throw new NotFoundError('保存しておいた入力内容が見つかりませんでした。24時間を過ぎたか、すでに入力画面に戻っています。');
    const own = parked.entryId === null ? undefined : repository.findOwn(parked.entryId, user.organisationId);
    if (parked.entryId !== null && !own) throw new NotFoundError('お探しの登録情報は見つかりませんでした。削除されたか、他の団体の情報です。');
    handleSubmission(res, {
      entryId: own?.id ?? null, currentFile: own ? entries.findAttachment(own.id)?.originalName : undefined,
      stored: own ?? { ...emptyValues, ...repository.lastContact(user.organisationId) },
      body: parked.fields, file: parked.file, resumed: true,
    });
  });

  const renderConfirm = (res: Response, draft: Draft, currentFile: string | undefined) => {
    const typeName = infoTypes.listInfoTypes().find((t) => t.id === draft.values.type)?.name ?? '';
    const attachmentName = draft.upload?.originalName ?? (draft.removeAttachment ? undefined : currentFile);
    res.render('my-entries/confirm', {
      title: '登録内容の確認',
      breadcrumbs: [
        { label: '登録情報一覧', href: '/my/entries' },
        { label: draft.entryId ? '登録情報の編集' : '新規情報登録', href: editHref(draft) },
        { label: '確認画面' },
      ],
      draft,
      typeName,
      categories: [...genres.pathsOf(draft.values.genre).values()].sort(),
      related: links.publishedOf(draft.values.related),
      attachmentName,
      registrant: registrantOf(res.locals.currentUser!),
      action: draft.entryId ? `/my/entries/${draft.entryId}` : '/my/entries',
      backHref: editHref(draft),
    });
  };

  router.post('/my/entries/confirm', upload, (req, res) => {
    confirm(null, undefined, { ...emptyValues, ...repository.lastContact(res.locals.currentUser!.organisationId) })(req, res);
  });

  /** The save step (new or edit): only a draft of this user, for this entry, and not expired. */
  const save = (entryId: number | null) => (req: Request, res: Response) => {
    const user = res.locals.currentUser!;
    const key = (req.body as Record<string, unknown> | undefined)?.draft_key;
    const draft = typeof key === 'string' ? service.findDraft(key, user) : undefined;
    if (!draft || draft.entryId !== entryId || draft.fileOnly) {
      throw new HttpError(400, '確認画面の有効期限が切れたか、内容を確認できませんでした。お手数ですが、もう一度入力してください。');
    }
    const saved = service.saveDraft(draft, user, actorOf(req, res));
    if (!saved) throw new NotFoundError('お探しの登録情報は見つかりませんでした。削除されたか、他の団体の情報です。');
    if (saved !== 'conflict' && saved.created) deps.usage.event('registration', user, saved.entryId);
    if (saved === 'conflict') {
      const now = repository.findOwn(draft.entryId!, user.organisationId)!;
      return renderForm(res, 409, {
        entryId, values: draft.values, errors: { _form: CONFLICT_MESSAGE }, draft, agreed: true, version: now.version, saved: now,
        currentFile: entries.findAttachment(now.id)?.originalName,
      });
    }
    res.render('my-entries/done', {
      title: '登録完了',
      breadcrumbs: [{ label: '登録情報一覧', href: '/my/entries' }, { label: '登録完了' }],
      message: '登録しました。',
      detailHref: `/my/entries/${saved.entryId}`,
    });
  };

  router.post('/my/entries', save(null));

  // ---- one entry ---------------------------------------------------------------------------------
  router.get('/my/entries/:id', (req, res) => {
    const own = ownOr404(req, res);
    const entry = entries.findEntry(own.id)!;
    res.render('my-entries/detail', {
      title: entry.title,
      breadcrumbs: [{ label: '登録情報一覧', href: '/my/entries' }, { label: '登録情報詳細' }],
      entry,
      attachment: entries.findAttachment(own.id),
      attachmentText: attachmentTextOf(own.id),
      categories: [...genres.pathsOf(own.genre).values()].sort(),
      related: relatedGroups(res.locals.currentUser!, own, links.linkedWith(own.id, { withHidden: true })),
      inquiryCount: deps.inquiryCountOf(own.id),
      figures: deps.figures.lastMonths(own.id, FIGURE_MONTHS),
      minShown: MIN_ORGANISATIONS_SHOWN,
      registrant: entries.findRegistrant(own.id),
      // Back from 「内容に変更なし」 (freshness.routes.ts).
      reconfirmed: req.query.reconfirmed === '1',
    });
  });

  router.get('/my/entries/:id/edit', (req, res) => {
    const own = ownOr404(req, res);
    const currentFile = entries.findAttachment(own.id)?.originalName;
    const draft = typeof req.query.draft === 'string' ? service.findDraft(req.query.draft, res.locals.currentUser!) : undefined;
    if (draft && draft.entryId === own.id) {
      // Back from the confirmation page: still the version the form was first read at.
      return renderForm(res, 200, { entryId: own.id, values: draft.values, errors: {}, draft, currentFile, agreed: true, version: draft.version });
    }
    renderForm(res, 200, { entryId: own.id, values: own, errors: {}, currentFile, version: own.version });
  });

  router.post('/my/entries/:id/confirm', upload, (req, res) => {
    const own = ownOr404(req, res);
    confirm(own.id, entries.findAttachment(own.id)?.originalName, own)(req, res);
  });

  router.post('/my/entries/:id', (req, res) => save(ownOr404(req, res).id)(req, res));

  router.get('/my/entries/:id/delete', (req, res) => {
    const own = ownOr404(req, res);
    res.render('my-entries/delete', {
      title: '削除の確認',
      breadcrumbs: [{ label: '登録情報一覧', href: '/my/entries' }, { label: '登録情報詳細', href: `/my/entries/${own.id}` }, { label: '削除の確認' }],
      entry: own,
    });
  });

  router.post('/my/entries/:id/delete', (req, res) => {
    const id = idParam(req);
    if (!service.deleteOwn(id, res.locals.currentUser!, actorOf(req, res))) {
      throw new NotFoundError('お探しの登録情報は見つかりませんでした。削除されたか、他の団体の情報です。');
    }
    res.render('my-entries/done', {
      title: '削除完了',
      breadcrumbs: [{ label: '登録情報一覧', href: '/my/entries' }, { label: '削除完了' }],
      message: '削除しました。',
      detailHref: undefined,
    });
  });

  router.get('/my/entries/:id/likes', (req, res) => {
    const own = ownOr404(req, res);
    res.render('my-entries/likes', {
      title: '「いいね！」した団体',
      breadcrumbs: [{ label: '登録情報一覧', href: '/my/entries' }, { label: '「いいね！」した団体' }],
      entry: own,
      likes: repository.likesOfOwn(own.id, res.locals.currentUser!.organisationId),
    });
  });

  return router;
}

/** The fields where what is saved now differs from what the user typed, with the saved value. */
function differences(saved: EntryValues, typed: EntryValues, types: readonly { id: number; name: string }[]): { label: string; saved: string }[] {
  const shown = (key: keyof EntryValues): string => {
    if (key === 'type') return types.find((t) => t.id === saved.type)?.name ?? '（なし）';
    if (key === 'genre') return '（選択が異なります）';
    return String(saved[key]) || '（なし）';
  };
  return (Object.keys(emptyValues) as (keyof EntryValues)[])
    .filter((key) => JSON.stringify(key === 'genre' ? [...saved.genre].sort() : saved[key]) !== JSON.stringify(key === 'genre' ? [...typed.genre].sort() : typed[key]))
    .map((key) => ({ label: fieldLabel(key), saved: shown(key) }));
}

function editHref(draft: Draft): string {
  return draft.entryId ? `/my/entries/${draft.entryId}/edit?draft=${draft.key}` : `/my/entries/new?draft=${draft.key}`;
}

/** The entry form's own fields of a body (text only), as a parked form keeps them. */
function entryFields(body: unknown): Record<string, string | string[]> {
  const names = ['type', 'title', 'summary', 'url', 'genre', 'related', 'contact_company', 'contact_department', 'contact_name', 'contact_phone',
    'contact_email', 'agree_terms', 'remove_attachment', 'version'];
  const fields: Record<string, string | string[]> = {};
  for (const name of names) {
    const value = (body as Record<string, unknown> | undefined)?.[name];
    if (typeof value === 'string') fields[name] = value.slice(0, 10_000);
    else if (Array.isArray(value)) fields[name] = value.filter((v): v is string => typeof v === 'string').slice(0, 500).map((v) => v.slice(0, 20));
  }
  return fields;
}

/** The user's values as typed, for a form shown again after a failed check. */
function rawValues(body: Record<string, unknown>): EntryValues {
  const str = (key: string) => (typeof body[key] === 'string' ? (body[key]) : '');
  const ids = (key: string) => {
    const list = body[key] === undefined ? [] : Array.isArray(body[key]) ? (body[key] as unknown[]) : [body[key]];
    return [...new Set(list.filter((g): g is string => typeof g === 'string' && /^\d{1,10}$/.test(g)).map(Number))];
  };
  return {
    type: /^\d{1,10}$/.test(str('type')) ? Number(str('type')) : 0,
    title: str('title'), summary: str('summary'), url: str('url'),
    genre: ids('genre'), related: ids('related'),
    contact_company: str('contact_company'), contact_department: str('contact_department'),
    contact_name: str('contact_name'), contact_phone: str('contact_phone'), contact_email: str('contact_email'),
  };
}

/**
 * The related-entries box's keyword when the form was sent to search with it, not to be confirmed:
 * its 「探す」 button, or Enter pressed with words in the box (an implicit submission presses the
 * form's hidden first button, which has no name; 「確認画面へ進む」 sends `to_confirm`).
 */
function relatedSearch(body: Record<string, unknown>): { q: string; error?: string } | undefined {
  // Cleaned as the search's own keyword is (a NUL would end an FTS5 query early).
  const cleaned = keywordField().safeParse(typeof body.related_q === 'string' ? body.related_q : undefined);
  const search = cleaned.success ? { q: cleaned.data } : { q: '', error: cleaned.error.issues[0]?.message ?? 'キーワードが正しくありません。' };
  if (body.related_search !== undefined) return search;
  const typed = typeof body.related_q === 'string' && body.related_q.trim() !== '';
  return body.to_confirm === undefined && typed ? search : undefined;
}

/**
 * The original file name as the user's browser sent it. busboy decodes the header as Latin-1, so a
 * Japanese (UTF-8) name arrives mangled; decode it back, then make it a safe PDF name.
 */
function fileName(raw: string): string {
  const decoded = Buffer.from(raw, 'latin1').toString('utf8');
  return attachmentName(decoded.includes('\uFFFD') ? raw : decoded);
}
