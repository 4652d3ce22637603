import ipaddr from 'ipaddr.js';

/**
 * An address as Express reports it, normalised: IPv4-mapped IPv6 (::ffff:127.0.0.3) becomes the IPv4
 * address, so ranges written as IPv4 match clients that reach a dual-stack socket.
 */
export function normaliseIp(ip: string): string {
  return ipaddr.isValid(ip) ? ipaddr.process(ip).toString() : ip;
}

/** One IPv4/IPv6 address or CIDR block, as the secretariat types it; undefined if it is neither. */
export function parseRange(text: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | undefined {
  const value = text.trim();
  try {
    if (value.includes('/')) return ipaddr.parseCIDR(value);
    const address = ipaddr.parse(value);
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return undefined;
  }
}

/** Whether the address lies in any of the ranges (an address never matches a range of the other family). */
export function ipInRanges(ip: string, ranges: string[]): boolean {
  if (!ipaddr.isValid(ip)) return false;
  const address = ipaddr.process(ip);
  return ranges.some((text) => {
    const range = parseRange(text);
    return range !== undefined && address.kind() === range[0].kind() && address.match(range);
  });
}

/**
 * The key the per-address login rule counts by: an IPv4 address as it is, an IPv6 address by its /64,
 * since one office or household is given a whole /64 and can pick any address in it.
 */
export function ipKey(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4);
  return `${ipaddr.IPv6.parse(`${parts.map((p) => p.toString(16)).join(':')}::`).toString()}/64`;
}

/** A range as it is stored: the address in its canonical text (lower case, zeros folded), the prefix kept when given. */
export function canonicalRange(text: string): string | undefined {
  const range = parseRange(text);
  if (!range) return undefined;
  return text.includes('/') ? `${range[0].toString()}/${range[1]}` : range[0].toString();
}
