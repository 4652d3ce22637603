import ipaddr from 'ipaddr.js';

/**
 * Which addresses the link checker may connect to. An entry's URL is typed by a vendor, so without
 * this rule an entry could make the server probe the network it sits in (SSRF): its loopback, the
 * LAN, a cloud metadata address. Only global unicast addresses pass; everything ipaddr.js classifies
 * otherwise is refused — loopback (127/8, ::1), private (10/8, 172.16/12, 192.168/16), link-local
 * (169.254/16, fe80::/10), unique local (fc00::/7), carrier-grade NAT, multicast, unspecified,
 * reserved, and the IPv6 forms that carry an IPv4 address inside (6to4, Teredo, NAT64). An
 * IPv4-mapped IPv6 address (::ffff:127.0.0.1) is judged as the IPv4 address it maps. Nothing in ::/8
 * passes either (reserved by the IETF): ipaddr.js calls the deprecated IPv4-compatible form
 * (::7f00:1, that is ::127.0.0.1) "unicast", and some systems still route it to the IPv4 address inside.
 *
 * Returns why the address is refused, or null when it may be requested.
 */
const RESERVED_V6 = ipaddr.parseCIDR('::/8');

export function addressRefusal(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''); // [::1] as in a URL; fe80::1%eth0
  if (!ipaddr.isValid(bare)) return 'IPアドレスとして解釈できません';
  // process() turns an IPv4-mapped IPv6 address into the IPv4 address it carries.
  const ip = ipaddr.process(bare);
  const range = ip.range();
  if (range !== 'unicast') return `内部・特殊用途のアドレスです（${range}）`;
  if (ip.kind() === 'ipv6' && ip.match(RESERVED_V6)) return '内部・特殊用途のアドレスです（IPv4互換アドレスなど、予約済みのIPv6）';
  return null;
}
