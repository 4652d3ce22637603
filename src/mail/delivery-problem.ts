/**
 * What a failed delivery means, in words the secretariat can act on. The outbox keeps the mail
 * library's own message (for the log and for whoever maintains the server); the screen leads with this.
 */
const PROBLEMS: [RegExp, string][] = [
  [/ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH/i, 'メールサーバーに接続できませんでした（サーバーが止まっているか、設定の宛先が違います）。'],
  [/ETIMEDOUT|timeout|timed out/i, 'メールサーバーから時間内に応答がありませんでした。'],
  [/ENOTFOUND|EAI_AGAIN|getaddrinfo/i, 'メールサーバーの名前が見つかりませんでした（SMTP_URL の設定を確かめてください）。'],
  [/\b535\b|auth/i, 'メールサーバーの認証に失敗しました（SMTP_URL の利用者名とパスワードを確かめてください）。'],
  [/\b55[0-4]\b|recipient|mailbox/i, '宛先のメールアドレスが受け付けられませんでした（アドレスが正しいか確かめてください）。'],
  [/\b4\d\d\b/, 'メールサーバーが一時的に受け付けませんでした。時間をおいて自動で再送します。'],
  [/certificate|TLS|SSL/i, 'メールサーバーとの暗号化通信を始められませんでした（証明書または SMTP_URL の設定を確かめてください）。'],
];

export function deliveryProblemText(lastError: string): string {
  return PROBLEMS.find(([pattern]) => pattern.test(lastError))?.[1] ?? 'メールサーバーとのやり取りに失敗しました。';
}
