import type { LinkTo } from '../../mail/links.js';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import { formatDateTime } from '../../text.js';
import type { OutboxRepository, OutgoingMail } from '../../mail/outbox.repository.js';
import { actionLabel, fieldLabel, valueText } from '../audit/audit-labels.js';
import type { AuditedChange } from '../audit/audit.repository.js';
import { ipInRanges, normaliseIp } from './ip-ranges.js';
import type { OutsideRangePolicy, SecurityRepository } from './security.repository.js';

const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;
/** When the last shared-address digest went out (settings key). */
const SHARED_IP_DIGEST_SETTING = 'shared_ip_digest_at';

/** What the audit log's target types are called in the secretariat's mail. */
const targetLabels: Record<string, string> = {
  entry: '情報ID', organisation: '団体ID', user: 'アカウントID', genre: 'ジャンルID', info_type: '情報種別ID', setting: '設定', issue_profile: '課題の登録（団体ID）',
  shared_range: '共用の出口IPアドレス（登録番号）',
};

type LoginFacts = { loginEventId: number; loginId: string; userId: number; organisationId: number; ip: string; at: string };

/**
 * The login-anomaly check of 管理者側機能 5. In the spec each member organisation had one ID; here an
 * organisation has several users who share its address, so the shared-address rule counts IDs of
 * different organisations, not colleagues (design.md).
 */
export function securityService(deps: {
  db: Db; repository: SecurityRepository; outbox: OutboxRepository; clock: Clock; adminEmail: string; link: LinkTo;
}) {
  const { repository, outbox, adminEmail } = deps;
  const alert = (mail: Omit<OutgoingMail, 'to'>, at: string) => outbox.enqueue({ ...mail, to: [adminEmail] }, at);
  /** The registered shared egress range the address lies in (its name), if any. */
  const sharedRangeOf = (ip: string, ranges = repository.sharedRanges()): string | undefined =>
    ranges.find((r) => ipInRanges(ip, r.cidrs))?.name;

  return {
    policy(): OutsideRangePolicy {
      return repository.policy();
    },

    oidcRequiredForMembers: (): boolean => repository.oidcRequiredForMembers(),

    /** An organisation with no ranges registered accepts logins from anywhere. */
    isOutsideRange(organisationId: number, ip: string): boolean {
      const ranges = repository.rangesOf(organisationId);
      return ranges.length > 0 && !ipInRanges(ip, ranges);
    },

    recordOutsideRange(facts: LoginFacts & { organisationName: string; denied: boolean }): void {
      const ip = normaliseIp(facts.ip);
      repository.recordAnomaly({
        kind: 'outside-range', loginEventId: facts.loginEventId, at: facts.at, ip,
        userId: facts.userId, organisationId: facts.organisationId, detail: { denied: facts.denied }, notifiedAt: facts.at,
      });
      alert({
        kind: 'security.outside-range',
        subject: `【ＡＰＰＬＩＣ マッチングポータル】登録外のIPアドレスからのログイン${facts.denied ? 'を拒否しました' : 'がありました'}（${facts.loginId}）`,
        body: `団体の登録IPアドレス範囲の外からログインが${facts.denied ? '試みられ、方針（拒否）により拒否しました' : 'ありました。方針（通知）によりログインは許可し、このセッションでの編集・削除を差分とともにお知らせします'}。\n\n` +
          `ログインID: ${facts.loginId}\n団体: ${facts.organisationName}\nIPアドレス: ${ip}\n日時: ${facts.at}\n\n` +
          `心当たりがない場合は、利用者の無効化や団体のIPアドレス範囲を ${deps.link('/admin/security')} で確認してください。\n`,
      }, facts.at);
    },

    sharedRangeOf,

    /**
     * Two or more organisations' IDs logging in from one address within 24 hours: one anomaly per
     * address and window, mailed in the next hourly digest. An address in a registered shared egress
     * range (a prefecture's security cloud) is what many municipalities share: the login is in the
     * log and raises nothing.
     */
    checkSharedIp(facts: LoginFacts): void {
      const ip = normaliseIp(facts.ip);
      if (sharedRangeOf(ip) !== undefined) return;
      const since = new Date(Date.parse(facts.at) - DAY_MS).toISOString();
      if (repository.organisationsFromIp(facts.ip, since) < 2 || repository.sharedIpAlertedSince(ip, since)) return;
      repository.recordAnomaly({
        kind: 'shared-ip', loginEventId: facts.loginEventId, at: facts.at, ip,
        userId: facts.userId, organisationId: facts.organisationId, detail: { loginIds: repository.loginIdsFromIp(facts.ip, since) },
        notifiedAt: null,
      });
    },

    /**
     * The hourly digest of shared-address anomalies: one mail with each address, how many logins of how
     * many organisations came from it, and the IDs; at most one an hour, none when there is nothing new.
     * Returns how many anomalies it reported.
     */
    sendSharedIpDigest(): number {
      const now = deps.clock.now();
      const at = now.toISOString();
      // IMMEDIATE, so of two processes running the job at once one reads the other's digest time.
      return deps.db.transaction(() => {
        const last = repository.setting(SHARED_IP_DIGEST_SETTING);
        if (last !== undefined && now.getTime() - Date.parse(last) < HOUR_MS) return 0;
        const pending = repository.pendingSharedIp(DAY_MS, at);
        if (pending.length === 0) return 0;
        const lines = pending.map((p) => `・${p.ip}：${p.organisations}団体のIDで${p.logins}回（最初の検知 ${formatDateTime(p.at)}）\n  ログインID: ${p.loginIds.join('、')}`);
        alert({
          kind: 'security.shared-ip',
          subject: `【ＡＰＰＬＩＣ マッチングポータル】同じIPアドレスから複数の団体のIDでログイン（${pending.length}件のIPアドレス）`,
          body: `この1時間までに、同じIPアドレスから24時間以内に複数の団体のIDでログインに成功した例が${pending.length}件ありました。\n\n${lines.join('\n')}\n\n` +
            `都道府県のセキュリティクラウドなど、複数の団体が共用する出口のIPアドレスであれば、${deps.link('/admin/security/shared-ranges')} に登録すると、以後は通知しません。\n`,
        }, at);
        repository.markNotified(pending.map((p) => p.id), at);
        repository.setSetting(SHARED_IP_DIGEST_SETTING, at, at);
        return pending.length;
      }).immediate();
    },

    /**
     * Under `notify`, every change made in a session from outside the ranges goes to the secretariat
     * with its diff (called by the audit log, inside the change's transaction).
     */
    mailChangeInFlaggedSession(change: AuditedChange): void {
      const lines = Object.entries(change.diff).map(([field, [before, after]]) => `・${fieldLabel(field)}：${valueText(field, before)} → ${valueText(field, after)}`);
      const target = `${targetLabels[change.target.type] ?? change.target.type} ${change.target.id}`;
      alert({
        kind: 'security.session-change',
        subject: `【ＡＰＰＬＩＣ マッチングポータル】登録外IPアドレスのセッションでの変更（${change.loginId}、${target}）`,
        body: `登録IPアドレス範囲の外からログインしたセッションで、次の変更がありました。\n\nログインID: ${change.loginId}\n操作: ${actionLabel(change.action)}\n対象: ${target}\n日時: ${change.at}\n\n差分:\n${lines.length > 0 ? lines.join('\n') : '（差分なし）'}\n`,
      }, change.at);
    },
  };
}

export type SecurityService = ReturnType<typeof securityService>;
