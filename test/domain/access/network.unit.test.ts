import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPrivateAddress, networkAllows } from '../../../domain/access/network.ts';

describe('network policy', () => {
  it('knows private addresses', () => {
    for (const a of [
      '127.0.0.1',
      '::1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.0.1',
      'fd00::1',
      '::ffff:10.0.0.1',
      'fe80::1%eth0',
    ])
      assert.ok(isPrivateAddress(a), a);
    for (const a of ['8.8.8.8', '172.32.0.1', '2001:db8::1', '::ffff:8.8.8.8', 'not an address'])
      assert.ok(!isPrivateAddress(a), a);
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
