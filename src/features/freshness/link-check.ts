import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { addressRefusal } from './address-rule.js';

/** What one check of a URL found. */
export type LinkOutcome = {
  /** ok: answered below 400; broken: answered 400 or above; unreachable: no answer (timeout, DNS,
   *  connection, TLS); refused: not requested, because of the address rule or the scheme. */
  state: 'ok' | 'broken' | 'unreachable' | 'refused';
  httpStatus: number | null;
  /** Where the redirects led (the URL itself without any). */
  finalUrl: string;
  /** A short Japanese reason for the owner and the secretariat. */
  detail: string;
};

export type LinkCheckOptions = {
  /** Per request (each redirect and the GET after a refused HEAD get their own). */
  timeoutMs: number;
  maxRedirects: number;
  /** The admin setting: let requests go to loopback, private and link-local addresses. */
  allowPrivate: boolean;
  userAgent: string;
};

// Servers refuse HEAD with 405 or 501, but also with 400, 403 or even 404 while serving GET: a link is
// only called broken once GET has failed too. A redirect or a success answered to HEAD is believed.
const headFailed = (status: number) => status >= 400;

type Target = { address: string; family: 4 | 6 };
type Answer = { status: number; location: string | undefined } | { error: string };

/** Checks one URL: HEAD (GET where HEAD fails), following redirects, each hop under the address rule. */
export async function checkLink(url: string, options: LinkCheckOptions): Promise<LinkOutcome> {
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    return { state: 'refused', httpStatus: null, finalUrl: url, detail: 'URLとして解釈できません' };
  }
  for (let hop = 0; ; hop++) {
    if (current.protocol !== 'http:' && current.protocol !== 'https:') {
      return { state: 'refused', httpStatus: null, finalUrl: current.href, detail: 'http・https 以外のアドレスです' };
    }
    const target = await resolve(current.hostname, options.allowPrivate);
    if ('refused' in target) return { state: 'refused', httpStatus: null, finalUrl: current.href, detail: target.refused };
    if ('error' in target) return { state: 'unreachable', httpStatus: null, finalUrl: current.href, detail: target.error };

    let answer = await request(current, target, 'HEAD', options);
    if ('status' in answer && headFailed(answer.status)) answer = await request(current, target, 'GET', options);
    if ('error' in answer) return { state: 'unreachable', httpStatus: null, finalUrl: current.href, detail: answer.error };

    const { status, location } = answer;
    if (status >= 300 && status < 400 && location) {
      if (hop >= options.maxRedirects) {
        return { state: 'broken', httpStatus: status, finalUrl: current.href, detail: `転送が${options.maxRedirects}回を超えました` };
      }
      try {
        current = new URL(location, current);
      } catch {
        return { state: 'broken', httpStatus: status, finalUrl: current.href, detail: '転送先のアドレスが正しくありません' };
      }
      continue;
    }
    return status < 400
      ? { state: 'ok', httpStatus: status, finalUrl: current.href, detail: '' }
      : { state: 'broken', httpStatus: status, finalUrl: current.href, detail: `HTTP ${status}` };
  }
}

/**
 * The address to connect to. A host name is resolved here, every address it has is put to the rule
 * (one internal address among public ones refuses the host), and the connection is then made to the
 * very address that was checked, so a DNS answer that changes between check and connect (rebinding)
 * cannot slip through.
 */
async function resolve(hostname: string, allowPrivate: boolean): Promise<Target | { refused: string } | { error: string }> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  let addresses: Target[];
  if (net.isIP(bare)) {
    addresses = [{ address: bare, family: net.isIP(bare) as 4 | 6 }];
  } else {
    try {
      addresses = (await dns.promises.lookup(bare, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family as 4 | 6 }));
    } catch {
      return { error: 'ホスト名が見つかりません' };
    }
  }
  if (addresses.length === 0) return { error: 'ホスト名が見つかりません' };
  if (!allowPrivate) {
    for (const { address } of addresses) {
      const refusal = addressRefusal(address);
      if (refusal) return { refused: `${refusal}。確認しませんでした` };
    }
  }
  return addresses[0]!;
}

function request(url: URL, target: Target, method: 'HEAD' | 'GET', options: LinkCheckOptions): Promise<Answer> {
  return new Promise((settle) => {
    let done = false;
    const finish = (answer: Answer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      settle(answer);
    };
    const req = (url.protocol === 'https:' ? https : http).request(
      {
        method, protocol: url.protocol, hostname: url.hostname.replace(/^\[|\]$/g, ''), port: url.port || undefined,
        path: `${url.pathname}${url.search}`, agent: false,
        headers: { 'user-agent': options.userAgent, accept: '*/*' },
        // Connect to the address the rule passed, whatever the resolver would say now.
        lookup: ((_host, lookupOptions, callback) => {
          if (lookupOptions.all) callback(null, [{ address: target.address, family: target.family }]);
          else callback(null, target.address, target.family);
        }),
      },
      // Only the status and the redirect matter: the body is never read.
      (res) => finish({ status: res.statusCode ?? 0, location: res.headers.location }),
    );
    const timer = setTimeout(() => finish({ error: `${options.timeoutMs / 1000}秒以内に応答がありません` }), options.timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => finish({ error: describe(error) }));
    req.end();
  });
}

function describe(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED': return '接続を拒否されました';
    case 'ECONNRESET': return '接続が切断されました';
    case 'EHOSTUNREACH': case 'ENETUNREACH': return 'サーバーに到達できません';
    default:
      return /certificate|CERT|SSL|TLS/i.test(`${error.code ?? ''} ${error.message}`) ? 'サーバー証明書を確認できません' : '接続できません';
  }
}
