import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { LinkTo } from '../../mail/links.js';
import type { OutboxRepository } from '../../mail/outbox.repository.js';
import type { AccountLinksService } from '../account-links/account-links.service.js';
import type { CredentialsRepository } from '../accounts/credentials.repository.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { GenresRepository } from '../genres/genres.repository.js';
import type { InfoTypesRepository } from '../info-types/info-types.repository.js';
import type { SecurityRepository } from '../security/security.repository.js';
import { adminAccountsRepository } from './admin-accounts.repository.js';
import { adminAccountsService } from './admin-accounts.service.js';
import { adminEntriesRepository } from './admin-entries.repository.js';
import { adminEntriesService } from './admin-entries.service.js';
import { adminReviewService } from './admin-review.service.js';
import { adminSecurityService } from './admin-security.service.js';
import { adminTaxonomyService } from './admin-taxonomy.service.js';
import { entryDiffText } from './entry-diff.js';

type Deps = {
  db: Db; clock: Clock; audit: AuditRepository; outbox: OutboxRepository; security: SecurityRepository;
  genres: GenresRepository; infoTypes: InfoTypesRepository; link: LinkTo; onMailQueued: () => void;
  credentials: CredentialsRepository; invitations: AccountLinksService;
};

/**
 * The secretariat's services and the repositories its pages read, built on one database: the only
 * place of admin/ that holds `Db` besides the services and repositories themselves (routes never do).
 */
export function adminServices(deps: Deps) {
  const { db, clock, audit, outbox } = deps;
  const entries = adminEntriesRepository(db);
  const accounts = adminAccountsRepository(db);
  const diffText = entryDiffText({ genres: deps.genres, infoTypes: deps.infoTypes });
  return {
    entriesRepository: entries, diffText,
    entries: adminEntriesService({ db, entries, audit, outbox, clock, link: deps.link, onMailQueued: deps.onMailQueued }),
    review: adminReviewService({ db, entries, audit, clock, text: diffText }),
    taxonomy: adminTaxonomyService({ db, genres: deps.genres, infoTypes: deps.infoTypes, audit, clock }),
    accounts: adminAccountsService({
      db, accounts, audit, clock, outbox, onMailQueued: deps.onMailQueued, invitations: deps.invitations, credentials: deps.credentials,
    }),
    security: adminSecurityService({ db, security: deps.security, audit, clock }),
  };
}

export type AdminServices = ReturnType<typeof adminServices>;
