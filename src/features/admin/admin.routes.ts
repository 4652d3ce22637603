import { Router, type RequestHandler } from 'express';
import type { Clock } from '../../clock.js';
import type { FailingLink } from '../freshness/freshness.repository.js';
import type { Db } from '../../db/connection.js';
import type { LinkTo } from '../../mail/links.js';
import type { OutboxRepository } from '../../mail/outbox.repository.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { EntriesRepository } from '../entries/entries.repository.js';
import type { GenresRepository } from '../genres/genres.repository.js';
import type { InfoTypesRepository } from '../info-types/info-types.repository.js';
import type { SecurityRepository } from '../security/security.repository.js';
import type { SecurityService } from '../security/security.service.js';
import { adminAccountsRepository } from './admin-accounts.repository.js';
import { adminAccountsRoutes, type IssueProfileView } from './admin-accounts.routes.js';
import { adminAccountsService } from './admin-accounts.service.js';
import { adminEntriesRepository } from './admin-entries.repository.js';
import { adminEntriesRoutes } from './admin-entries.routes.js';
import { adminEntriesService } from './admin-entries.service.js';
import { adminImportRoutes } from './admin-import.routes.js';
import { adminReviewRoutes } from './admin-review.routes.js';
import { adminReviewService } from './admin-review.service.js';
import { doneMessage } from './done-messages.js';
import { entryDiffText } from './entry-diff.js';
import type { AdminImportService } from './admin-import.service.js';
import { adminSecurityRoutes } from './admin-security.routes.js';
import { adminSecurityService } from './admin-security.service.js';
import { adminTaxonomyRoutes } from './admin-taxonomy.routes.js';
import { adminTaxonomyService } from './admin-taxonomy.service.js';

type Deps = {
  db: Db; clock: Clock; audit: AuditRepository; outbox: OutboxRepository; security: SecurityRepository;
  entries: EntriesRepository; genres: GenresRepository; infoTypes: InfoTypesRepository;
  verifyCsrf: RequestHandler; onMailQueued: () => void; csvImports: AdminImportService; link: LinkTo;
  brokenLinks: () => FailingLink[];
  issueProfileOf: (organisationId: number) => IssueProfileView;
  /** The registered shared egress range an address lies in, for the login log. */
  sharedRangeOf: SecurityService['sharedRangeOf'];
};

/** 管理者側機能: everything under /admin. Mounted behind requireKind('secretariat') in app.ts. */
export function adminRoutes(deps: Deps): Router {
  const { db, clock, audit, outbox } = deps;
  const adminEntries = adminEntriesRepository(db);
  const accounts = adminAccountsRepository(db);
  const router = Router();
  // Every page a change leads to says what it did (?done=KEY).
  router.use((req, res, next) => {
    if (req.method === 'GET') res.locals.done = doneMessage(req.query.done);
    next();
  });
  const diffText = entryDiffText({ genres: deps.genres, infoTypes: deps.infoTypes });
  router.use(adminEntriesRoutes({
    entries: adminEntries, security: deps.security, clock, diffText,
    service: adminEntriesService({ db, entries: adminEntries, audit, outbox, clock, link: deps.link, onMailQueued: deps.onMailQueued }),
    unsentMailCount: () => outbox.unsentCount(), brokenLinks: deps.brokenLinks,
  }));
  router.use(adminReviewRoutes({ service: adminReviewService({ db, entries: adminEntries, audit, clock, text: diffText }) }));
  router.use(adminTaxonomyRoutes({
    service: adminTaxonomyService({ db, genres: deps.genres, infoTypes: deps.infoTypes, audit, clock }), genres: deps.genres, infoTypes: deps.infoTypes,
  }));
  router.use(adminAccountsRoutes({ service: adminAccountsService({ db, accounts, audit, clock }), issueProfileOf: deps.issueProfileOf }));
  router.use(adminSecurityRoutes({
    service: adminSecurityService({ db, security: deps.security, audit, clock }), security: deps.security, sharedRangeOf: deps.sharedRangeOf, outbox,
  }));
  router.use(adminImportRoutes({ service: deps.csvImports, clock, verifyCsrf: deps.verifyCsrf }));
  return router;
}
