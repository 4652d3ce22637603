import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { Actor, AuditRepository } from '../audit/audit.repository.js';
import type { OidcRepository } from './oidc.repository.js';

/** The secretariat's one change here: which subject at the issuer signs in to an account (issue 24.2). */
export function oidcService({ db, repository, audit, clock, issuer }: { db: Db; repository: OidcRepository; audit: AuditRepository; clock: Clock; issuer: string }) {
  return {
    /**
     * Links the account to `subject` ('' removes its link), audited. A subject already linked to
     * another account is refused: one subject, one account.
     */
    link(actor: Actor, userId: number, subject: string): 'linked' | 'unlinked' | 'taken' {
      const at = clock.now().toISOString();
      return db.transaction(() => {
        const before = repository.linkOf(userId);
        if (subject === '') {
          repository.unlink(userId);
          audit.record(actor, at, 'user.oidc_link', { type: 'user', id: userId }, { oidc_subject: [before?.subject ?? null, null] });
          return 'unlinked' as const;
        }
        const holder = repository.userOf(issuer, subject);
        if (holder !== undefined && holder !== userId) return 'taken' as const;
        repository.link(userId, issuer, subject, at, actor.userId);
        audit.record(actor, at, 'user.oidc_link', { type: 'user', id: userId }, { oidc_subject: [before?.subject ?? null, subject] });
        return 'linked' as const;
      }).immediate();
    },
  };
}

export type OidcService = ReturnType<typeof oidcService>;
