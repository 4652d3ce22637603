import { Router, type RequestHandler } from 'express';
import type { Clock } from '../../clock.js';
import type { OutboxRepository } from '../../mail/outbox.repository.js';
import type { FailingLink } from '../freshness/freshness.repository.js';
import type { GenresRepository } from '../genres/genres.repository.js';
import type { InfoTypesRepository } from '../info-types/info-types.repository.js';
import type { SecurityRepository } from '../security/security.repository.js';
import type { SecurityService } from '../security/security.service.js';
import { adminAccountsRoutes, type IssueProfileView } from './admin-accounts.routes.js';
import { adminEntriesRoutes, type AdminEntriesDeps } from './admin-entries.routes.js';
import type { AdminImportService } from './admin-import.service.js';
import { adminImportRoutes } from './admin-import.routes.js';
import { adminReviewRoutes } from './admin-review.routes.js';
import { adminSecurityRoutes } from './admin-security.routes.js';
import { adminTaxonomyRoutes } from './admin-taxonomy.routes.js';
import type { AdminServices } from './admin.services.js';
import { doneMessage } from './done-messages.js';
import type { MergeReach } from '../genre-review/genre-review.repository.js';

type Deps = {
  services: AdminServices; csvImports: AdminImportService;
  clock: Clock; outbox: OutboxRepository; security: SecurityRepository; genres: GenresRepository; infoTypes: InfoTypesRepository;
  verifyCsrf: RequestHandler;
  brokenLinks: () => FailingLink[];
  /** The last backup and the last good one, for the dashboard (issue 18.1). */
  lastBackup: AdminEntriesDeps['lastBackup'];
  issueProfileOf: (organisationId: number) => IssueProfileView;
  /** The registered shared egress range an address lies in, for the login log. */
  sharedRangeOf: SecurityService['sharedRangeOf'];
  inquiryCountOf: AdminEntriesDeps['inquiryCountOf'];
  /** What merging a genre would move (genre-review.repository.ts), shown beside its merge form. */
  mergeReachOf: (genreId: number) => MergeReach;
  /** An account's link to the association's issuer, where one is configured (issue 24). */
  oidcLinkOf?: (userId: number) => { subject: string; linkedAt: string } | undefined;
  /** The association's issuer is configured: the login-security page offers requiring it. */
  oidcEnabled: boolean;
};

/**
 * 管理者側機能: everything under /admin, mounted behind requireKind('secretariat') in app.ts. Each
 * area's routes guard, parse, call its service (admin.services.ts) and render.
 */
export function adminRoutes(deps: Deps): Router {
  const { services, outbox } = deps;
  const router = Router();
  // Every page a change leads to says what it did (?done=KEY).
  router.use((req, res, next) => {
    if (req.method === 'GET') res.locals.done = doneMessage(req.query.done);
    next();
  });
  router.use(adminEntriesRoutes({
    entries: services.entriesRepository, service: services.entries, review: services.review, security: deps.security,
    diffText: services.diffText, unsentMailCount: () => outbox.unsentCount(), brokenLinks: deps.brokenLinks, lastBackup: deps.lastBackup,
    inquiryCountOf: deps.inquiryCountOf,
  }));
  router.use(adminReviewRoutes({ service: services.review }));
  router.use(adminTaxonomyRoutes({ service: services.taxonomy, genres: deps.genres, infoTypes: deps.infoTypes, mergeReachOf: deps.mergeReachOf }));
  router.use(adminAccountsRoutes({ service: services.accounts, issueProfileOf: deps.issueProfileOf, oidcLinkOf: deps.oidcLinkOf }));
  router.use(adminSecurityRoutes({ service: services.security, security: deps.security, sharedRangeOf: deps.sharedRangeOf, outbox, oidcEnabled: deps.oidcEnabled }));
  router.use(adminImportRoutes({ service: deps.csvImports, clock: deps.clock, verifyCsrf: deps.verifyCsrf, oidcEnabled: deps.oidcEnabled }));
  return router;
}
