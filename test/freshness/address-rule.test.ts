import { describe, expect, it } from 'vitest';
import { addressRefusal } from '../../src/features/freshness/address-rule.js';

// A pure function: no request is sent anywhere by this file.
describe('the link checker’s address rule', () => {
  it.each([
    ['127.0.0.1', 'loopback'], ['127.255.0.9', 'loopback'], ['::1', 'loopback'], ['[::1]', 'loopback'],
    ['10.0.0.1', 'private'], ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'], ['172.31.255.254', 'private'],
    ['192.168.0.1', 'private'], ['192.168.255.255', 'private'],
    ['169.254.169.254', 'linkLocal'], ['169.254.0.1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'], ['fdff:ffff::1', 'uniqueLocal'],
    ['fe80::1', 'linkLocal'], ['febf::1', 'linkLocal'], ['fe80::1%eth0', 'linkLocal'],
    ['::ffff:127.0.0.1', 'loopback'], ['::ffff:10.1.2.3', 'private'], ['::ffff:192.168.1.1', 'private'], ['::ffff:169.254.169.254', 'linkLocal'],
    ['fec0::1', 'deprecatedSiteLocal'], ['0.0.0.0', 'unspecified'], ['::', 'unspecified'], ['100.64.0.1', 'carrierGradeNat'], ['224.0.0.1', 'multicast'],
    // IPv6 forms that carry an IPv4 address: NAT64 and 6to4 of 127.0.0.1.
    ['64:ff9b::7f00:1', 'rfc6052'], ['2002:7f00:1::', '6to4'],
    // The deprecated IPv4-compatible form of 127.0.0.1, 10.0.0.1 and 8.8.8.8 (issue 15.8), all of ::/8.
    ['::7f00:1', '予約済み'], ['::127.0.0.1', 'loopback'], ['::a00:1', '予約済み'], ['::808:808', '予約済み'], ['ff::1', '予約済み'],
  ])('refuses %s (%s)', (address, range) => {
    expect(addressRefusal(address)).toContain(range);
  });

  it.each([['8.8.8.8'], ['172.15.255.255'], ['172.32.0.1'], ['192.167.255.255'], ['169.253.0.1'], ['::ffff:8.8.8.8'], ['2400:cb00:2048:1::c629:d7a2'], ['fbff::1']])(
    'lets %s through (a public address, just outside the ranges)',
    (address) => {
      expect(addressRefusal(address)).toBeNull();
    },
  );

  it('refuses what is not an address at all', () => {
    expect(addressRefusal('localhost')).not.toBeNull();
    expect(addressRefusal('')).not.toBeNull();
  });
});
