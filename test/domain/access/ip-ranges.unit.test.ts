import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCidr } from '../../../domain/access/ip-ranges.ts';
import { cidrContains } from '../../../domain/access/network.ts';

/**
 * What an allowedIP entry may be, written out by hand: a range is accepted exactly when some caller's
 * address can match it. `true` = accepted; otherwise the refusal.
 */
const CIDRS: readonly (readonly [string, true | string])[] = [
  // IPv4
  ['10.0.0.0/8', true],
  ['0.0.0.0/0', true],
  ['192.168.1.7/32', true],
  ['10.0.0.1/8', true], // host bits set: matches 10.0.0.0/8
  ['10.0.0.0', 'not a CIDR subnet'],
  ['10.0.0.0/33', 'not a CIDR subnet'],
  ['10.0.0.256/8', 'not a CIDR subnet'],
  ['010.0.0.0/8', 'not a CIDR subnet'], // octal in inet_aton: 8.0.0.0
  ['0x0a.0.0.0/8', 'not a CIDR subnet'],
  ['10.0/8', 'not a CIDR subnet'],
  ['10.0.0.0/08', 'not a CIDR subnet'],
  ['10.0.0.0/+8', 'not a CIDR subnet'],
  ['10.0.0.0/-1', 'not a CIDR subnet'],
  [' 10.0.0.0/8', 'not a CIDR subnet'],
  ['10.0.0.0/8 ', 'not a CIDR subnet'],
  ['10.0.0.0/8/8', 'not a CIDR subnet'],
  ['', 'not a CIDR subnet'],
  ['/8', 'not a CIDR subnet'],
  // IPv6
  ['2001:db8::/32', true],
  ['::1/128', true],
  ['::/0', true],
  ['fe80::/10', true],
  ['2001:DB8::/32', true],
  ['2001:db8::/129', 'not a CIDR subnet'],
  ['fe80::1::2/64', 'not a CIDR subnet'],
  ['1:2:3:4:5:6:7:8:/128', 'not a CIDR subnet'],
  [':1:2:3:4:5:6:7:8/128', 'not a CIDR subnet'],
  ['1:2:3:4:5:6:7:8:9/128', 'not a CIDR subnet'],
  ['1.2.3.4::/128', 'not a CIDR subnet'],
  ['1.2.3.4::', 'not a CIDR subnet'],
  ['12345::/16', 'not a CIDR subnet'],
  ['x/1', 'not a CIDR subnet'],
  // IPv4-mapped IPv6: a mapped caller is matched as IPv4, so these could never match
  ['::ffff:10.0.0.1/128', 'an IPv4-mapped IPv6 range never matches: write it as IPv4'],
  ['::ffff:0:0/96', 'an IPv4-mapped IPv6 range never matches: write it as IPv4'],
  ['::ffff:a00:0/104', 'an IPv4-mapped IPv6 range never matches: write it as IPv4'],
  // zone ids (RFC 4007) name an interface, not a network
  ['fe80::1%eth0/64', 'a zone id has no place in a range'],
  ['fe80::%1/10', 'a zone id has no place in a range'],
];

/** Which caller addresses a range lets in, written out by hand. */
const MATCHES: readonly (readonly [string, string, boolean])[] = [
  ['10.0.0.0/8', '10.255.1.2', true],
  ['10.0.0.0/8', '11.0.0.1', false],
  ['10.0.0.1/8', '10.9.9.9', true],
  ['192.168.1.7/32', '192.168.1.7', true],
  ['192.168.1.7/32', '192.168.1.8', false],
  ['0.0.0.0/0', '8.8.8.8', true],
  ['0.0.0.0/0', '::1', false],
  ['127.0.0.0/8', '::ffff:127.0.0.1', true], // a dual-stack socket's IPv4 peer
  ['10.0.0.0/8', '::FFFF:10.1.2.3', true],
  ['10.0.0.0/8', '::1', false],
  ['2001:db8::/32', '2001:db8:1::5', true],
  ['2001:db8::/32', '2001:db9::5', false],
  ['2001:db8::/32', '2001:0db8:0000:0000:0000:0000:0000:0001', true],
  ['::1/128', '::1', true],
  ['::/0', '2001:db8::1', true],
  ['::/0', '10.0.0.1', false],
  ['::/0', '::ffff:10.0.0.1', false], // matched as IPv4
  ['fe80::/10', 'fe80::1%eth0', true], // the zone of a link-local peer is not part of its address
  ['fe80::/10', 'fe80::1%2', true],
  ['fe80::/10', 'fe81::1', true],
  ['fe80::/10', 'fec0::1', false],
  // never a match: malformed ranges or addresses
  ['10.0.0.0/8', '010.0.0.1', false],
  ['10.0.0.0/8', '10.1', false],
  ['10.0.0.0/8', '', false],
  ['nonsense', '10.0.0.1', false],
  ['10.0.0.0/33', '10.0.0.1', false],
  ['::ffff:10.0.0.1/128', '::ffff:10.0.0.1', false],
  ['::ffff:10.0.0.1/128', '10.0.0.1', false],
  ['1:2:3:4:5:6:7:8:/128', '1:2:3:4:5:6:7:8', false],
];

describe('IP ranges of network policies', () => {
  for (const [text, expected] of CIDRS) {
    it(`${JSON.stringify(text)}: ${expected === true ? 'accepted' : expected}`, () => {
      const parsed = parseCidr(text);
      assert.equal(typeof parsed === 'string' ? parsed : true, expected);
    });
  }
  for (const [cidr, address, expected] of MATCHES) {
    it(`${cidr} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(address)}`, () => {
      assert.equal(cidrContains(cidr, address), expected);
    });
  }
  it('every accepted range matches at least one address (its own network address)', () => {
    for (const [text, expected] of CIDRS) {
      if (expected !== true) continue;
      const network = text.slice(0, text.indexOf('/'));
      assert.ok(cidrContains(text, network), text);
    }
  });
});
