import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cidrContains, isPrivateAddress, networkAllows } from '../../../domain/access/network.ts';

describe('network policy', () => {
  it('matches IPv4 and IPv6 CIDRs, and IPv4-mapped IPv6 sources', () => {
    assert.ok(cidrContains('10.0.0.0/8', '10.255.1.2'));
    assert.ok(!cidrContains('10.0.0.0/8', '11.0.0.1'));
    assert.ok(cidrContains('192.168.1.7/32', '192.168.1.7'));
    assert.ok(cidrContains('127.0.0.0/8', '::ffff:127.0.0.1'));
    assert.ok(cidrContains('2001:db8::/32', '2001:db8:1::5'));
    assert.ok(!cidrContains('2001:db8::/32', '2001:db9::5'));
    assert.ok(cidrContains('::1/128', '::1'));
    assert.ok(cidrContains('0.0.0.0/0', '8.8.8.8'));
    assert.ok(!cidrContains('10.0.0.0/8', '::1'));
    assert.ok(!cidrContains('nonsense', '10.0.0.1'));
    assert.ok(!cidrContains('10.0.0.0/33', '10.0.0.1'));
  });
  it('knows private addresses', () => {
    for (const a of ['127.0.0.1', '::1', '10.1.2.3', '172.20.0.1', '192.168.0.1', 'fd00::1', '::ffff:10.0.0.1'])
      assert.ok(isPrivateAddress(a), a);
    for (const a of ['8.8.8.8', '172.32.0.1', '2001:db8::1']) assert.ok(!isPrivateAddress(a), a);
  });
  it('applies allowedIP when enabled and private-only networks', () => {
    assert.ok(networkAllows({}, '8.8.8.8'));
    assert.ok(networkAllows({ allowedIP: { enabled: false, ipAddresses: [] } }, '8.8.8.8'));
    assert.ok(!networkAllows({ allowedIP: { enabled: true, ipAddresses: ['10.0.0.0/8'] } }, '8.8.8.8'));
    assert.ok(networkAllows({ allowedIP: { enabled: true, ipAddresses: ['10.0.0.0/8', '8.8.8.0/24'] } }, '8.8.8.8'));
    assert.ok(!networkAllows({ allowedNetwork: 'private-only' }, '8.8.8.8'));
    assert.ok(networkAllows({ allowedNetwork: 'private-only' }, '127.0.0.1'));
  });
});
