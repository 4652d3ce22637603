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
};

/** Login anomalies (管理者側機能 5), the policy for logins from outside an organisation's ranges, and the log. */
export function securityRepository(db: Db) {
  const statements = {
    ranges: db.prepare<[number], string>('SELECT cidr FROM organisation_ip_ranges WHERE organisation_id = ? ORDER BY id').pluck(),
    policy: db.prepare<[], string>(`SELECT value FROM settings WHERE key = 'outside_range_policy'`).pluck(),
    setPolicy: db.prepare(`
      INSERT INTO settings (key, value, updated_at) VALUES ('outside_range_policy', ?, ?)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`),
    insertAnomaly: db.prepare(`
      INSERT INTO login_anomalies (kind, login_event_id, at, ip, user_id, organisation_id, detail)
      VALUES (@kind, @loginEventId, @at, @ip, @userId, @organisationId, @detail)`),
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
    recordAnomaly(anomaly: { kind: AnomalyKind; loginEventId: number; at: string; ip: string; userId: number | null; organisationId: number | null; detail: object }): void {
      statements.insertAnomaly.run({ ...anomaly, detail: JSON.stringify(anomaly.detail) });
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
               ev.success, ev.reason
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
