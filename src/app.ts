import { createRequire } from 'node:module';
import path from 'node:path';
import zlib from 'node:zlib';
import compression from 'compression';
import express, { type Express } from 'express';
import expressStaticGzip from 'express-static-gzip';
import { pinoHttp } from 'pino-http';
import { ASSET_PREFIX, loadAssetManifest } from './assets/assets.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Db } from './db/connection.js';
import { accountsRepository } from './features/accounts/accounts.repository.js';
import { accountsRoutes } from './features/accounts/accounts.routes.js';
import { accountsService, defaultIpThrottle, defaultLockPolicy, type IpThrottle, type LockPolicy } from './features/accounts/accounts.service.js';
import { attachmentTextRepository } from './features/attachment-text/attachment-text.repository.js';
import { attachmentTextJob, type AttachmentTextJob } from './features/attachment-text/attachment-text.service.js';
import { defaultPdfTextLimits, pdfTextExtractor, type PdfTextLimits } from './features/attachment-text/pdf-text.extractor.js';
import { accountLinksRoutes } from './features/account-links/account-links.routes.js';
import { accountLinksService } from './features/account-links/account-links.service.js';
import type { SessionUser } from './features/accounts/accounts.types.js';
import { credentialsRepository } from './features/accounts/credentials.repository.js';
import { auditRepository } from './features/audit/audit.repository.js';
import { backupRepository } from './features/backup/backup.repository.js';
import { backupService, type BackupService } from './features/backup/backup.service.js';
import { checkHealth } from './features/system/health.js';
import { jobRunsRepository } from './features/system/job-runs.repository.js';
import { systemStatus } from './features/system/system-status.js';
import { healthRoutes, systemPageRoutes } from './features/system/system.routes.js';
import { PORTAL_VERSION } from './version.js';
import { myAccountRepository } from './features/my-account/my-account.repository.js';
import { myAccountRoutes } from './features/my-account/my-account.routes.js';
import { myAccountService } from './features/my-account/my-account.service.js';
import { requireTwoFactorSetup } from './features/my-account/two-factor-required.js';
import { entriesRepository } from './features/entries/entries.repository.js';
import { entriesRoutes } from './features/entries/entries.routes.js';
import { genresRepository } from './features/genres/genres.repository.js';
import { infoTypesRepository } from './features/info-types/info-types.repository.js';
import { likesRepository } from './features/likes/likes.repository.js';
import { myEntriesRepository } from './features/my-entries/my-entries.repository.js';
import { myEntriesRoutes } from './features/my-entries/my-entries.routes.js';
import { adoptionsRepository } from './features/adoptions/adoptions.repository.js';
import { adoptionsRoutes } from './features/adoptions/adoptions.routes.js';
import { adoptionsService, audienceOf } from './features/adoptions/adoptions.service.js';
import { contactRoutes } from './features/qa/contact.routes.js';
import { siteRoutes } from './features/site/site.routes.js';
import { qaRepository } from './features/qa/qa.repository.js';
import { qaRoutes } from './features/qa/qa.routes.js';
import { qaService } from './features/qa/qa.service.js';
import { inquiriesRepository } from './features/inquiries/inquiries.repository.js';
import { inquiriesRoutes } from './features/inquiries/inquiries.routes.js';
import { inquiriesService } from './features/inquiries/inquiries.service.js';
import { entryLinksRepository } from './features/entry-links/entry-links.repository.js';
import { entryLinksRoutes } from './features/entry-links/entry-links.routes.js';
import { entryLinksService } from './features/entry-links/entry-links.service.js';
import { myEntriesService } from './features/my-entries/my-entries.service.js';
import { resumeTokens } from './features/my-entries/resume-token.js';
import { adminRoutes } from './features/admin/admin.routes.js';
import { adminServices } from './features/admin/admin.services.js';
import { adminAccountsRepository } from './features/admin/admin-accounts.repository.js';
import { adminImportRepository } from './features/admin/admin-import.repository.js';
import { adminImportService } from './features/admin/admin-import.service.js';
import { sweeper, type Sweeper } from './features/maintenance/sweep.js';
import { usageRecorder, type UsageRecorder } from './features/usage/usage.recorder.js';
import { usageRepository } from './features/usage/usage.repository.js';
import { entryFigures } from './features/usage/entry-figures.js';
import { insightsRepository } from './features/insights/insights.repository.js';
import { insightsRoutes } from './features/insights/insights.routes.js';
import { insightsService } from './features/insights/insights.service.js';
import { genreReviewRepository } from './features/genre-review/genre-review.repository.js';
import { genreReviewRoutes } from './features/genre-review/genre-review.routes.js';
import { fiscalYearOf, genreReviewService } from './features/genre-review/genre-review.service.js';
import { securityRepository } from './features/security/security.repository.js';
import { securityService } from './features/security/security.service.js';
import { linkTo } from './mail/links.js';
import { outboxRepository } from './mail/outbox.repository.js';
import type { MailSender } from './mail/sender.js';
import { SearchIndex } from './features/search/search.index.js';
import { searchRepository } from './features/search/search.repository.js';
import { searchRoutes } from './features/search/search.routes.js';
import { searchService } from './features/search/search.service.js';
import { loadGuidebook } from './features/guidebook/guidebook.content.js';
import { guidebookRepository } from './features/guidebook/guidebook.repository.js';
import { oidcClient } from './features/oidc/oidc.client.js';
import { oidcRepository } from './features/oidc/oidc.repository.js';
import { oidcAdminRoutes } from './features/oidc/oidc-admin.routes.js';
import { oidcRoutes } from './features/oidc/oidc.routes.js';
import { oidcService } from './features/oidc/oidc.service.js';
import { guidebookAdminRoutes } from './features/guidebook/guidebook-admin.routes.js';
import { guidebookRoutes } from './features/guidebook/guidebook.routes.js';
import { guidebookService } from './features/guidebook/guidebook.service.js';
import { homeRoutes } from './features/home/home.routes.js';
import { surveysRepository } from './features/surveys/surveys.repository.js';
import { surveysRoutes } from './features/surveys/surveys.routes.js';
import { surveysService } from './features/surveys/surveys.service.js';
import { freshnessLocals } from './features/freshness/freshness.locals.js';
import { freshnessRepository } from './features/freshness/freshness.repository.js';
import { freshnessRoutes } from './features/freshness/freshness.routes.js';
import { synonymsRepository } from './features/synonyms/synonyms.repository.js';
import { synonymsRoutes } from './features/synonyms/synonyms.routes.js';
import { synonymsService } from './features/synonyms/synonyms.service.js';
import { freshnessService } from './features/freshness/freshness.service.js';
import { linkChecker, STRIKES, type LinkChecker, type LinkCheckerConfig } from './features/freshness/link-checker.js';
import { staleBefore, staleReminders, type StaleReminders } from './features/freshness/stale-reminders.js';
import { savedSearchDigests, type SavedSearchDigests } from './features/saved-searches/saved-searches.digest.js';
import { savedSearchesRepository } from './features/saved-searches/saved-searches.repository.js';
import { savedSearchesRoutes } from './features/saved-searches/saved-searches.routes.js';
import { savedSearchesService } from './features/saved-searches/saved-searches.service.js';
import { PeerIndex } from './features/peers/peers.index.js';
import { peersRepository } from './features/peers/peers.repository.js';
import { peersRoutes } from './features/peers/peers.routes.js';
import { peersService } from './features/peers/peers.service.js';
import { recommender } from './features/peers/recommendations.js';
import type { Logger } from './logger.js';
import { loadCurrentUser, requireKind, requireLogin } from './middleware/auth.js';
import { csrfProtection } from './middleware/csrf.js';
import { onlyFormMethods } from './middleware/methods.js';
import { errorHandler, notFound } from './middleware/errors.js';
import { requestLocals, setTemplateDefaults } from './middleware/locals.js';
import { securityHeaders } from './middleware/security.js';
import { sessions } from './middleware/session.js';
import { publicDir, viewsDir } from './paths.js';
import { tokyoDay } from './text.js';

export type AppDeps = {
  db: Db;
  config: Pick<Config, 'nodeEnv' | 'trustProxy' | 'sessionIdleMinutes' | 'uploadDir' | 'adminEmail' | 'publicUrl' | 'backup' | 'usageRetentionDays'>
    & Partial<Pick<Config, 'oidc'>>;
  /** Sends queued mail right after a change queues some; without it mail waits in the outbox. */
  mailer?: MailSender;
  sessionSecret: string;
  clock: Clock;
  logger: Logger;
  lockPolicy?: LockPolicy;
  ipThrottle?: IpThrottle;
  /** The link checker's timeouts and pacing (tests shorten them). */
  linkCheck?: Partial<LinkCheckerConfig>;
  /** How long and how much one PDF's text may take to read (tests shorten them). */
  pdfText?: Partial<PdfTextLimits>;
  /** false: record no usage (the bench's comparison of the results page with and without it). */
  recordUsage?: boolean;
  /**
   * The built static files (`npm run build`: dist/public), served under content-hashed names for a
   * year. Without it (tests, `npm run dev`) pages link the plain files in public/.
   */
  assetsDir?: string;
};

// The guidebook's text is content, read once per process.
const guidebook = loadGuidebook();

const designTokensDir = path.dirname(
  createRequire(import.meta.url).resolve('@digital-go-jp/design-tokens/dist/tokens.css'),
);

/** Changes of the search feed kept by the hourly prune: a worker further behind than this rebuilds its index. */
const SEARCH_CHANGES_KEPT = 10_000;

/** Builds the portal. It never listens: server.ts does, and tests hand it to supertest. */
export function createApp(deps: AppDeps): Express {
  return createPortal(deps).app;
}

/** What runs beside the requests on the same in-memory indexes: server.ts puts these on timers. */
export type PortalJobs = {
  savedSearchDigests: SavedSearchDigests; linkChecks: LinkChecker; staleReminders: StaleReminders; sweep: Sweeper;
  /** The hourly digest of shared-address login alerts (issue 16.6); returns how many it reported. */
  sharedIpDigest: { run(): number };
  /** Forgets the search index's change feed but for its newest rows (each worker reads it before each query). */
  searchChangeFeed: { prune(): number };
  /** Reads the text of the PDFs waiting for it (issue 20.3); returns how many it finished. */
  attachmentTexts: AttachmentTextJob;
  /** Deletes usage rows older than USAGE_RETENTION_DAYS (issue 22.1); returns how many went. */
  usagePrune: { run(): number };
};

/** The app and its background jobs, which share the app's search index (one copy in memory). */
export function createPortal(deps: AppDeps): {
  app: Express; jobs: PortalJobs; backup: BackupService; usage: UsageRecorder;
  /** The search index, for keepSearchWarm (search.warmer.ts), which reads its common keyword terms. */
  searchIndex: SearchIndex;
} {
  const { db, config, clock, logger } = deps;
  const accounts = accountsRepository(db);
  const entries = entriesRepository(db);
  const genres = genresRepository(db);
  const infoTypes = infoTypesRepository(db);
  const searchRepo = searchRepository(db);
  const attachmentTexts = attachmentTextRepository(db);
  // Text indexed by older code is folded as today's (once; the cluster's primary has usually done it).
  const refolded = searchRepo.upgradeSearchText(clock.now().toISOString());
  if (refolded > 0) logger.info({ entries: refolded }, 'keyword indexes rewritten with the current folding');
  const searchIndex = new SearchIndex(searchRepo);
  // Built now rather than on the first search, so start-up pays for it and says what it cost.
  logger.info(searchIndex.stats(), 'search index built');
  const outbox = outboxRepository(db);
  const link = linkTo(config.publicUrl);
  /** Sends what a change has just queued, outside the request; the outbox keeps it if that fails. */
  const kickMail = () =>
    void deps.mailer?.deliverDue().catch((error: unknown) => logger.error({ err: error }, 'mail delivery failed'));
  const securityRepo = securityRepository(db);
  const credentials = credentialsRepository(db);
  const security = securityService({ db, repository: securityRepo, outbox, clock, adminEmail: config.adminEmail, link });
  // The routes that take multipart forms and check the CSRF token after their upload parser.
  const csrf = csrfProtection(deps.sessionSecret, [/^\/my\/entries\/(\d+\/)?confirm$/, /^\/admin\/import$/, /^\/admin\/import\/oidc-links$/]);

  const app = express();
  app.set('views', viewsDir);
  app.set('view engine', 'ejs');
  app.set('view cache', config.nodeEnv !== 'development');
  app.set('trust proxy', config.trustProxy);
  // Pages are per user (CSRF tokens, login state): an ETag would only cost a SHA-1 of every page.
  app.set('etag', false);
  setTemplateDefaults(app);

  app.use(pinoHttp({ logger, customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info') }));
  app.use(securityHeaders({ formTargets: config.oidc ? [new URL(config.oidc.issuer).origin] : [] }));
  app.use(onlyFormMethods);
  const assets = loadAssetManifest(deps.assetsDir);
  app.locals.asset = (plain: string): string => assets?.[plain] ?? plain;
  if (assets) {
    // Precompressed at build time (brotli, then gzip, by what the browser accepts); a name changes
    // with its content, so a year's cache is safe.
    app.use(ASSET_PREFIX, expressStaticGzip(deps.assetsDir!, {
      enableBrotli: true, orderPreference: ['br', 'gz'], index: false,
      serveStatic: { maxAge: '1y', immutable: true, index: false, fallthrough: false },
    }));
  }
  // Assets before the session, so fetching a stylesheet never reads or writes a session row.
  // Mounted by prefix, so a page request never costs a file-system lookup first.
  app.use('/css', express.static(path.join(publicDir, 'css'), { maxAge: '1h', index: false }));
  app.use('/js', express.static(path.join(publicDir, 'js'), { maxAge: '1h', index: false }));
  app.get('/favicon.svg', (_req, res) => res.sendFile(path.join(publicDir, 'favicon.svg'), { maxAge: '1d' }));
  app.use('/assets/design-tokens', express.static(designTokensDir, { maxAge: '1d', index: false }));
  // Pages, CSV and JSON compressed as they are sent (brotli at a quality that costs little time, or
  // gzip, by Accept-Encoding; nothing for a client that asks for none). A PDF is already compressed.
  app.use(compression({
    threshold: 1024,
    brotli: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
    filter: (req, res) => !String(res.getHeader('Content-Type') ?? '').startsWith('application/pdf') && compression.filter(req, res),
  }));

  const jobRuns = jobRunsRepository(db);
  const backup = backupService({
    db, repository: backupRepository(db), outbox, clock, logger, uploadDir: config.uploadDir, adminEmail: config.adminEmail,
    portalVersion: PORTAL_VERSION, onMailQueued: kickMail,
    settings: { dir: config.backup.dir, retention: { daily: config.backup.keepDaily, weekly: config.backup.keepWeekly }, hour: config.backup.hour },
  });
  const freshness = freshnessRepository(db);
  const startedAt = clock.now();
  app.use(healthRoutes(() => checkHealth({ db, jobRuns, clock })));

  app.use(express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 2000 }));
  app.use(sessions({ db, secret: deps.sessionSecret, idleMinutes: config.sessionIdleMinutes }));
  app.use(loadCurrentUser(accounts));
  app.use(requestLocals({ clock, idleMinutes: config.sessionIdleMinutes }));
  const twoFactorRequired = (user: SessionUser) => user.organisationKind === 'secretariat' && securityRepo.twoFactorRequiredForSecretariat();
  app.use(requireTwoFactorSetup(twoFactorRequired));
  app.use(freshnessLocals(freshness, clock));
  app.use(csrf.exposeToken);
  // Every POST must carry the session's token (multipart routes check it after their upload parser).
  app.use(csrf.global);

  const search = searchService({ index: searchIndex, repository: searchRepo });
  const usage = usageRecorder({ db, clock, logger, enabled: deps.recordUsage ?? true });
  const links = entryLinksRepository(db);
  const adoptions = adoptionsRepository(db);
  const inquiries = inquiriesRepository(db);
  const qa = qaRepository(db);
  const peers = peersRepository(db);
  const peerIndex = new PeerIndex(peers, () => genres.listGenres());
  // Every audited change of a session flagged outside its ranges is mailed with its diff (policy notify).
  const audit = auditRepository(db, {
    onFlaggedChange: (change) => {
      security.mailChangeInFlaggedSession(change);
      setImmediate(kickMail); // after the change's transaction has committed
    },
  });
  const accountLinks = accountLinksService({ db, accounts, credentials, audit, outbox, clock, link, onMailQueued: kickMail });
  const surveys = surveysRepository(db);
  const surveyService = surveysService({ db, repository: surveys, audit, clock });
  app.use(homeRoutes({
    entries, recommend: recommender({ peers, index: peerIndex, search, searchRepository: searchRepo, clock }),
    pendingSurveys: (user) => surveyService.pendingFor(user),
  }));
  app.use(surveysRoutes({ service: surveyService, repository: surveys }));
  app.use(searchRoutes({ search, genres, infoTypes, entries, linkCounts: (ids) => links.countsOf(ids),
    adoptionCounts: (ids, user) => adoptions.countsOf(ids, audienceOf(user)), clock, link, usage }));
  const guidebookRepo = guidebookRepository(db);
  const guidebookSvc = guidebookService({ db, repository: guidebookRepo, audit, clock });
  app.use(guidebookRoutes({
    guidebook, repository: guidebookRepo, service: guidebookSvc, infoTypes, genres,
    publishedEntries: (ids) => links.publishedOf(ids),
    genreCounts: () => search.counts({ genre: [], type: [], q: '', synonyms: false }).genres,
  }));
  app.use(guidebookAdminRoutes({ guidebook, repository: guidebookRepo, service: guidebookSvc, genres, publishedEntries: (ids) => links.publishedOf(ids) }));
  const peerService = peersService({ db, repository: peers, index: peerIndex, genres, outbox, audit, clock, link, onMailQueued: kickMail });
  app.use(peersRoutes({
    repository: peers, genres, index: peerIndex,
    service: peerService,
  }));
  app.use(entriesRoutes({ entries, genres, likes: likesRepository(db), links, adoptions, audit, clock, uploadDir: config.uploadDir, usage }));
  const myEntries = myEntriesRepository(db);
  const registrations = myEntriesService({
    db, repository: myEntries, entries, links, audit, outbox, clock, logger,
    uploadDir: config.uploadDir, adminEmail: config.adminEmail, link,
    onMailQueued: kickMail,
  });
  app.use(
    myEntriesRoutes({
      repository: myEntries,
      service: registrations,
      entries, links, genres, infoTypes, verifyCsrf: csrf.verify, resumeTokens: resumeTokens(deps.sessionSecret, clock),
      relatedCandidates: (q, leaveOut, limit) => search.linkCandidates(q, leaveOut, limit),
      attachmentTextOf: (entryId) => attachmentTexts.stateOf(entryId),
      inquiryCountOf: (entryId) => inquiries.countOfEntry(entryId),
      usage,
      figures: entryFigures({ usage: usageRepository(db), recorder: usage, clock }),
      attentionOf: (organisationId) => {
        const staleMonths = freshness.staleAfterMonths();
        return { ...freshness.ownAttention(organisationId, staleBefore(clock.now(), staleMonths), STRIKES), staleMonths };
      },
    }),
  );
  app.use(adoptionsRoutes({ service: adoptionsService({ db, repository: adoptions, audit, clock }), entries, clock }));
  app.use(inquiriesRoutes({
    service: inquiriesService({ db, repository: inquiries, outbox, audit, clock, link, onMailQueued: kickMail }), repository: inquiries, entries, usage,
  }));
  const qaRecords = qaService({ db, repository: qa, audit, outbox, clock, link, adminEmail: config.adminEmail, onMailQueued: kickMail });
  app.use(qaRoutes({ service: qaRecords, repository: qa }));
  app.use(contactRoutes({ service: qaRecords, adminEmail: config.adminEmail }));
  app.use(siteRoutes({
    guidebook, adminEmail: config.adminEmail, usageRetentionDays: config.usageRetentionDays, sessionIdleMinutes: config.sessionIdleMinutes,
  }));
  app.use(entryLinksRoutes({ service: entryLinksService({ db, repository: links, audit, clock }) }));
  const loginService = accountsService({
    db, accounts, credentials, security, clock, logger, lockPolicy: deps.lockPolicy ?? defaultLockPolicy,
    ipThrottle: deps.ipThrottle ?? defaultIpThrottle, onMailQueued: kickMail, oidcEnabled: config.oidc !== undefined,
  });
  // Sign-in through the association's issuer (issue 24), only where OIDC_* are set.
  const oidc = config.oidc ? oidcClient(config.oidc, `${config.publicUrl.replace(/\/$/, '')}/auth/oidc/callback`, clock) : undefined;
  app.use(accountsRoutes({
    accounts, service: loginService, clock,
    oidc: oidc && { endSessionUrl: (idToken) => oidc.endSessionUrl(idToken, `${config.publicUrl.replace(/\/$/, '')}/`) },
  }));
  const oidcLinks = oidcRepository(db);
  if (oidc && config.oidc) {
    const linking = oidcService({ db, repository: oidcLinks, audit, clock, issuer: config.oidc.issuer });
    app.use(oidcRoutes({
      client: oidc, repository: oidcLinks, accounts, service: loginService, invitations: accountLinks, links: linking, clock, logger, publicUrl: config.publicUrl,
    }));
    app.use('/admin', requireKind('secretariat'), oidcAdminRoutes({
      service: linking,
      userExists: (id) => accounts.findIdentity(id) !== undefined, clock, verifyCsrf: csrf.verify,
    }));
  }
  app.use(accountLinksRoutes({ service: accountLinks, oidcEnabled: config.oidc !== undefined }));
  app.use(myAccountRoutes({
    service: myAccountService({ db, repository: myAccountRepository(db), credentials, audit, outbox, clock, onMailQueued: kickMail }),
    savedSearches: savedSearchesRepository(db), twoFactorRequired, questionsOf: (userId) => qa.ofAsker(userId, 20),
  }));
  const linkChecks = linkChecker({ db, repository: freshness, outbox, clock, link, config: deps.linkCheck, onMailQueued: kickMail });
  app.use(freshnessRoutes({
    service: freshnessService({ db, repository: freshness, checker: linkChecks, audit, clock, logger }), repository: freshness, checker: linkChecks, clock,
  }));
  const synonyms = synonymsRepository(db);
  app.use(synonymsRoutes({ service: synonymsService({ db, repository: synonyms, audit, clock }), repository: synonyms }));
  app.use(systemPageRoutes(systemStatus({ db, uploadDir: config.uploadDir, clock, outbox, backup, freshness, jobRuns, version: PORTAL_VERSION, startedAt })));
  const csvImports = adminImportService({
    db, repository: adminImportRepository(db), entries, genres, infoTypes, accounts: adminAccountsRepository(db), audit, clock,
  });
  const genreReview = genreReviewRepository(db);
  // Before the tree editor's /admin/genres/:id routes, which would take /admin/genres/snapshots for an id.
  app.use('/admin', requireKind('secretariat'), genreReviewRoutes({
    service: genreReviewService({ db, repository: genreReview, genres, audit, clock, flushUsage: () => usage.flush() }), repository: genreReview, genres, infoTypes,
  }));
  app.use(
    '/admin',
    requireKind('secretariat'),
    adminRoutes({
      services: adminServices({
        db, clock, audit, outbox, security: securityRepo, genres, infoTypes, link, onMailQueued: kickMail, credentials, invitations: accountLinks,
      }),
      csvImports, clock, outbox, security: securityRepo, genres, infoTypes, verifyCsrf: csrf.verify,
      brokenLinks: () => freshness.failing(STRIKES, 20),
      inquiryCountOf: (entryId) => inquiries.countOfEntry(entryId),
      lastBackup: () => {
        const lastGood = backup.lastGood();
        const stale = !lastGood || clock.now().getTime() - Date.parse(lastGood.startedAt) > 26 * 3_600_000;
        return { last: backup.last(), lastGood, settings: backup.settings, stale };
      },
      issueProfileOf: (organisationId) => peerService.profileForSecretariat(organisationId),
      mergeReachOf: (genreId) => genreReview.mergeReach(genreId, 0),
      sharedRangeOf: security.sharedRangeOf,
      oidcLinkOf: config.oidc ? (userId) => oidcLinks.linkOf(userId) : undefined,
      oidcEnabled: config.oidc !== undefined,
    }),
  );
  const usageRows = usageRepository(db);
  const insightsRepo = insightsRepository(db);
  app.use('/admin/insights', requireKind('secretariat'), insightsRoutes({
    service: insightsService({
      db, usage: usageRows, recorder: usage, repository: insightsRepo, genres, infoTypes, outbox, audit, clock, link, onMailQueued: kickMail,
      supply: () => search.counts({ genre: [], type: [], q: '', synonyms: true }).genres,
    }),
    repository: insightsRepo, genres, clock, latestSnapshot: () => genreReview.snapshots()[0],
    surveysIn: (from, to) => surveys.overlapping(from, to).map((survey) => ({ survey, summary: surveyService.summary(survey) })),
    fiscalYearStart: () => `${fiscalYearOf(clock.now())}-04-01`,
  }));
  const savedSearches = savedSearchesRepository(db);
  app.use(savedSearchesRoutes({
    repository: savedSearches, service: savedSearchesService({ db, repository: savedSearches, audit, clock }), genres, infoTypes,
  }));
  // Whatever else lies under /my needs a login (the registrant routes check the organisation kind).
  app.use('/my', requireLogin);

  app.use(notFound);
  app.use(errorHandler({ logger, showStack: config.nodeEnv === 'development' }));
  return {
    app,
    backup,
    usage,
    searchIndex,
    jobs: {
      savedSearchDigests: savedSearchDigests({ db, repository: savedSearches, search, outbox, clock, link, onMailQueued: kickMail }),
      linkChecks,
      staleReminders: staleReminders({ db, repository: freshness, outbox, clock, link, onMailQueued: kickMail }),
      sharedIpDigest: {
        run: () => {
          const reported = security.sendSharedIpDigest();
          if (reported > 0) kickMail();
          return reported;
        },
      },
      searchChangeFeed: { prune: () => searchRepo.pruneOldChanges(SEARCH_CHANGES_KEPT) },
      usagePrune: {
        run: () => {
          const before = tokyoDay(new Date(clock.now().getTime() - config.usageRetentionDays * 86_400_000));
          let removed = 0;
          for (let batch = usageRows.pruneBefore(before); batch > 0; batch = usageRows.pruneBefore(before)) removed += batch;
          return removed;
        },
      },
      attachmentTexts: attachmentTextJob({
        repository: attachmentTexts, extractor: pdfTextExtractor({ ...defaultPdfTextLimits, ...deps.pdfText }), uploadDir: config.uploadDir, clock, logger,
      }),
      sweep: sweeper({
        db, uploadDir: config.uploadDir, clock, logger,
        cleanupDrafts: () => registrations.cleanupDrafts(),
        removeStalePreviews: () => csvImports.removeStalePreviews(),
      }),
    },
  };
}
