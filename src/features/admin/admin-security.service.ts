import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { SaveOutcome } from '../../validation.js';
import type { Actor, AuditRepository } from '../audit/audit.repository.js';
import type { OutsideRangePolicy, SecurityRepository } from '../security/security.repository.js';
import type { SharedRangeForm } from './admin.schemas.js';

type Deps = { db: Db; security: SecurityRepository; audit: AuditRepository; clock: Clock };

/**
 * The secretariat's login-security settings (管理者側機能 5): the policy for logins from outside an
 * organisation's ranges, and the shared egress ranges whose logins raise no shared-address alert.
 * Each change is one transaction with its audit record.
 */
export function adminSecurityService({ db, security, audit, clock }: Deps) {
  const rangeOf = (id: number) => security.sharedRanges().find((r) => r.id === id);

  return {
    sharedRanges: () => security.sharedRanges(),
    sharedRange: rangeOf,

    savePolicy(policy: OutsideRangePolicy, actor: Actor): void {
      const at = clock.now().toISOString();
      db.transaction(() => {
        const before = security.policy();
        security.setPolicy(policy, at);
        audit.record(actor, at, 'security.policy', { type: 'setting', id: 0 }, { outside_range_policy: [before, policy] });
      })();
    },

    /** Requires two-factor login of every secretariat account (or stops requiring it). */
    saveTwoFactorRequirement(required: boolean, actor: Actor): void {
      const at = clock.now().toISOString();
      db.transaction(() => {
        const before = security.twoFactorRequiredForSecretariat();
        security.setTwoFactorRequiredForSecretariat(required, at);
        audit.record(actor, at, 'security.two_factor', { type: 'setting', id: 0 }, { two_factor_required: [before, required] });
      })();
    },

    /** Requires municipality and vendor accounts to sign in with the association's ID (or stops requiring it). */
    saveOidcRequirement(required: boolean, actor: Actor): void {
      const at = clock.now().toISOString();
      db.transaction(() => {
        const before = security.oidcRequiredForMembers();
        security.setOidcRequiredForMembers(required, at);
        audit.record(actor, at, 'security.oidc_required', { type: 'setting', id: 0 }, { oidc_required_members: [before, required] });
      })();
    },

    /** Registers a shared egress range (`id` undefined) or saves one read at `version`. */
    saveSharedRange(id: number | undefined, version: number | null, form: SharedRangeForm, actor: Actor): SaveOutcome {
      if (security.sharedRangeNameTaken(form.name, id)) return { errors: { name: '同じ名称の登録が既にあります。' } };
      const at = clock.now().toISOString();
      return db.transaction((): SaveOutcome => {
        const before = id === undefined ? undefined : rangeOf(id);
        const savedId = id === undefined ? security.createSharedRange(form, at)
          : security.updateSharedRange({ id, version: version ?? 0, ...form }, at) ? id : undefined;
        if (savedId === undefined) return { conflict: true };
        audit.record(actor, at, id === undefined ? 'shared_range.create' : 'shared_range.update', { type: 'shared_range', id: savedId }, {
          name: [before?.name ?? null, form.name], ip_ranges: [before?.cidrs ?? null, form.cidrs], note: [before?.note ?? null, form.note],
        });
        return { saved: savedId };
      })();
    },

    /** False when there is no such range (already deleted). */
    deleteSharedRange(id: number, actor: Actor): boolean {
      const at = clock.now().toISOString();
      return db.transaction(() => {
        const before = rangeOf(id);
        if (!before || !security.deleteSharedRange(id)) return false;
        audit.record(actor, at, 'shared_range.delete', { type: 'shared_range', id }, {
          name: [before.name, null], ip_ranges: [before.cidrs, null], note: [before.note, null],
        });
        return true;
      })();
    },
  };
}

export type AdminSecurityService = ReturnType<typeof adminSecurityService>;
