import type { Db } from '../../db/connection.js';

export type OutsideRangePolicy = 'notify' | 'deny';
export type AnomalyKind = 'outside-range' | 'shared-ip';

export type Anomaly = {
  id: number; kind: AnomalyKind; at: string; ip: string; loginId: string;
  userId: number | null; organisationName: string | null; detail: string;
};

export type LoginLogRow = {
  id: number; at: string; loginId: string; organisationName: string | null; ip: string;
  userAgent: string; success: number; reason: string;
  /** How the login was made: the portal's password, or the association's issuer (migration 0034). */
  method: 'password' | 'oidc';
};

/** A registered shared egress range (自治体情報セキュリティクラウド etc.): its addresses raise no shared-address alert. */
export type SharedEgressRange = { id: number; name: string; note: string; cidrs: string[]; version: number; updatedAt: string };

/** A shared-address anomaly not yet in a digest, with what the log says of that address since the window began. */
export type PendingSharedIp = { id: number; at: string; ip: string; logins: number; organisations: number; loginIds: string[] };

const TWO_FACTOR_SETTING = 'two_factor_required_secretariat';
const OIDC_REQUIRED_SETTING = 'oidc_required_members';

/** Login anomalies (管理者側機能 5), the policy for logins from outside an organisation's ranges, and the log. */
export function securityRepository(db: Db) {
  const statements = {
    ranges: db.prepare<[number], string>('SELECT cidr FROM organisation_ip_ranges WHERE organisation_id = ? ORDER BY id').pluck(),
    policy: db.prepare<[], string>(`SELECT value FROM settings WHERE key = 'outside_range_policy'`).pluck(),
    setPolicy: db.prepare(`
      INSERT INTO settings (key, value, updated_at) VALUES ('outside_range_policy', ?, ?)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`),
    insertAnomaly: db.prepare(`
      INSERT INTO login_anomalies (kind, login_event_id, at, ip, user_id, organisation_id, detail, notified_at)
      VALUES (@kind, @loginEventId, @at, @ip, @userId, @organisationId, @detail, @notifiedAt)`),
    sharedRanges: db.prepare<[], Omit<SharedEgressRange, 'cidrs'> & { cidrs: string }>(`
      SELECT r.id, r.name, r.note, r.version, r.updated_at AS updatedAt,
             (SELECT json_group_array(cidr) FROM shared_egress_cidrs c WHERE c.range_id = r.id) AS cidrs
        FROM shared_egress_ranges r ORDER BY r.name, r.id`),
    sharedRangeNameTaken: db.prepare<[string, number], number>('SELECT id FROM shared_egress_ranges WHERE name = ? AND id <> ?').pluck(),
    insertSharedRange: db.prepare('INSERT INTO shared_egress_ranges (name, note, created_at, updated_at) VALUES (?, ?, ?, ?)'),
    updateSharedRange: db.prepare('UPDATE shared_egress_ranges SET name = ?, note = ?, updated_at = ? WHERE id = ? AND version = ?'),
    deleteSharedRange: db.prepare('DELETE FROM shared_egress_ranges WHERE id = ?'),
    clearSharedCidrs: db.prepare('DELETE FROM shared_egress_cidrs WHERE range_id = ?'),
    insertSharedCidr: db.prepare('INSERT OR IGNORE INTO shared_egress_cidrs (range_id, cidr) VALUES (?, ?)'),
    pendingSharedIp: db.prepare<[], { id: number; at: string; ip: string }>(`
      SELECT id, at, ip FROM login_anomalies WHERE notified_at IS NULL AND kind = 'shared-ip' ORDER BY at, id`),
    // The log keeps the address as the socket reported it (::ffff:192.0.2.1 on a dual-stack socket).
    loginsFromIp: db.prepare<[{ ip: string; since: string; until: string }], { logins: number; organisations: number; loginIds: string }>(`
      SELECT count(*) AS logins, count(DISTINCT organisation_id) AS organisations,
             (SELECT json_group_array(login_id) FROM (SELECT DISTINCT login_id FROM login_events
               WHERE ip IN (@ip, '::ffff:' || @ip) AND success = 1 AND at > @since AND at <= @until ORDER BY login_id)) AS loginIds
        FROM login_events WHERE ip IN (@ip, '::ffff:' || @ip) AND success = 1 AND at > @since AND at <= @until`),
    markNotified: db.prepare('UPDATE login_anomalies SET notified_at = ? WHERE id = ?'),
    setting: db.prepare<[string], string>('SELECT value FROM settings WHERE key = ?').pluck(),
    setSetting: db.prepare(`
      INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`),
    organisationsFromIp: db.prepare<[string, string], number>(`
      SELECT count(DISTINCT organisation_id) FROM login_events
       WHERE ip = ? AND success = 1 AND at > ? AND organisation_id IS NOT NULL`).pluck(),
    loginIdsFromIp: db.prepare<[string, string], string>(`
      SELECT DISTINCT login_id FROM login_events WHERE ip = ? AND success = 1 AND at > ? ORDER BY login_id`).pluck(),
    sharedIpAlerted: db.prepare<[string, string], number>(`
      SELECT count(*) FROM login_anomalies WHERE kind = 'shared-ip' AND ip = ? AND at > ?`).pluck(),
    recentAnomalies: db.prepare<[number], Anomaly>(`
      SELECT a.id, a.kind, a.at, a.ip, ev.login_id AS loginId, a.user_id AS userId, o.name AS organisationName, a.detail
        FROM login_anomalies a JOIN login_events ev ON ev.id = a.login_event_id
        LEFT JOIN organisations o ON o.id = a.organisation_id
       ORDER BY a.at DESC, a.id DESC LIMIT ?`),
  };

  return {
    rangesOf(organisationId: number): string[] {
      return statements.ranges.all(organisationId);
    },
    policy(): OutsideRangePolicy {
      return statements.policy.get() === 'deny' ? 'deny' : 'notify';
    },
    setPolicy(policy: OutsideRangePolicy, at: string): void {
      statements.setPolicy.run(policy, at);
    },
    /** Issue 17.5: secretariat accounts must use two-factor login (off on a fresh database). */
    twoFactorRequiredForSecretariat(): boolean {
      return statements.setting.get(TWO_FACTOR_SETTING) === '1';
    },
    setTwoFactorRequiredForSecretariat(required: boolean, at: string): void {
      statements.setSetting.run(TWO_FACTOR_SETTING, required ? '1' : '0', at);
    },
    /**
     * Issue 24.3: municipality and vendor accounts must sign in with the association's ID; the
     * secretariat keeps the portal's own login, the way back in when the issuer is down.
     */
    oidcRequiredForMembers(): boolean {
      return statements.setting.get(OIDC_REQUIRED_SETTING) === '1';
    },
    setOidcRequiredForMembers(required: boolean, at: string): void {
      statements.setSetting.run(OIDC_REQUIRED_SETTING, required ? '1' : '0', at);
    },
    /** `notifiedAt`: when the secretariat was mailed about it (null: it waits for the next digest). */
    recordAnomaly(anomaly: {
      kind: AnomalyKind; loginEventId: number; at: string; ip: string; userId: number | null; organisationId: number | null;
      detail: object; notifiedAt: string | null;
    }): void {
      statements.insertAnomaly.run({ ...anomaly, detail: JSON.stringify(anomaly.detail) });
    },
    sharedRanges(): SharedEgressRange[] {
      return statements.sharedRanges.all().map((r) => ({ ...r, cidrs: JSON.parse(r.cidrs) as string[] }));
    },
    sharedRangeNameTaken(name: string, exceptId = 0): boolean {
      return statements.sharedRangeNameTaken.get(name, exceptId) !== undefined;
    },
    createSharedRange(range: { name: string; note: string; cidrs: string[] }, at: string): number {
      const id = Number(statements.insertSharedRange.run(range.name, range.note, at, at).lastInsertRowid);
      for (const cidr of range.cidrs) statements.insertSharedCidr.run(id, cidr);
      return id;
    },
    /** False when the range has moved past `version` since its form was read: nothing is changed then. */
    updateSharedRange(range: { id: number; version: number; name: string; note: string; cidrs: string[] }, at: string): boolean {
      if (statements.updateSharedRange.run(range.name, range.note, at, range.id, range.version).changes === 0) return false;
      statements.clearSharedCidrs.run(range.id);
      for (const cidr of range.cidrs) statements.insertSharedCidr.run(range.id, cidr);
      return true;
    },
    deleteSharedRange(id: number): boolean {
      return statements.deleteSharedRange.run(id).changes > 0;
    },
    /** Shared-address anomalies not yet in a digest, each with the successful logins from its address in its window. */
    pendingSharedIp(windowMs: number, until: string): PendingSharedIp[] {
      return statements.pendingSharedIp.all().map((a) => {
        const since = new Date(Date.parse(a.at) - windowMs).toISOString();
        const found = statements.loginsFromIp.get({ ip: a.ip, since, until })!;
        return { ...a, logins: found.logins, organisations: found.organisations, loginIds: JSON.parse(found.loginIds) as string[] };
      });
    },
    markNotified(ids: number[], at: string): void {
      for (const id of ids) statements.markNotified.run(at, id);
    },
    setting(key: string): string | undefined {
      return statements.setting.get(key);
    },
    setSetting(key: string, value: string, at: string): void {
      statements.setSetting.run(key, value, at);
    },
    /** Organisations with a successful login from the address since `since`. */
    organisationsFromIp(ip: string, since: string): number {
      return statements.organisationsFromIp.get(ip, since) ?? 0;
    },
    loginIdsFromIp(ip: string, since: string): string[] {
      return statements.loginIdsFromIp.all(ip, since);
    },
    sharedIpAlertedSince(ip: string, since: string): boolean {
      return (statements.sharedIpAlerted.get(ip, since) ?? 0) > 0;
    },
    recentAnomalies(limit: number): Anomaly[] {
      return statements.recentAnomalies.all(limit);
    },
    /**
     * The login log, newest first, filtered by any of login ID, organisation name, IP and outcome. An
     * IPv4 address also finds the IPv4-mapped form a dual-stack socket records (::ffff:192.0.2.1).
     */
    loginLog(filter: { loginId?: string; organisation?: string; ip?: string; outcome?: 'success' | 'failure' }, limit: number): LoginLogRow[] {
      return db.prepare<[Record<string, unknown>], LoginLogRow>(`
        SELECT ev.id, ev.at, ev.login_id AS loginId, o.name AS organisationName, ev.ip, ev.user_agent AS userAgent,
               ev.success, ev.reason, ev.method
          FROM login_events ev LEFT JOIN organisations o ON o.id = ev.organisation_id
         WHERE (@loginId IS NULL OR ev.login_id = @loginId)
           AND (@organisation IS NULL OR instr(o.name, @organisation) > 0)
           AND (@ip IS NULL OR ev.ip = @ip OR ev.ip = '::ffff:' || @ip)
           AND (@outcome IS NULL OR ev.success = (@outcome = 'success'))
         ORDER BY ev.at DESC, ev.id DESC LIMIT @limit`).all({
        loginId: filter.loginId || null, organisation: filter.organisation || null, ip: filter.ip || null,
        outcome: filter.outcome ?? null, limit,
      });
    },
  };
}

export type SecurityRepository = ReturnType<typeof securityRepository>;
