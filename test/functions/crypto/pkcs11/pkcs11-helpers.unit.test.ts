/** Pure parts of the PKCS#11 adapter: payload framing and the unwrapped-key cache. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UnwrappedKeyCache } from '../../../../functions/crypto/pkcs11/key-cache.ts';
import { frameSecret, unframeSecret } from '../../../../functions/crypto/pkcs11/secret-framing.ts';

void describe('secret framing', () => {
  void test('frames to a multiple of 8 and back, whatever padding a module adds', () => {
    for (const payload of [
      [1],
      [0],
      [1, 0],
      [0x80],
      [0x80, 0],
      new Array<number>(8).fill(0),
      new Array<number>(7500).fill(7),
    ]) {
      const framed = frameSecret(Uint8Array.from(payload));
      assert.equal(framed.length % 8, 0);
      assert.ok(framed.length > payload.length);
      assert.deepEqual(Array.from(unframeSecret(framed) ?? []), payload);
      const padded = Buffer.concat([framed, Buffer.alloc(8)]);
      assert.deepEqual(Array.from(unframeSecret(padded) ?? []), payload);
    }
  });

  void test('refuses unframed values', () => {
    assert.equal(unframeSecret(new Uint8Array(8)), undefined);
    assert.equal(unframeSecret(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8])), undefined);
  });
});

void describe('UnwrappedKeyCache', () => {
  const handle = (n: number) => Buffer.from([n]);

  void test('unwraps once per key, shares concurrent misses, and evicts least recently used', async () => {
    const destroyed: number[] = [];
    const cache = new UnwrappedKeyCache(2, (h) => destroyed.push(h[0] ?? -1));
    let unwraps = 0;
    const unwrap = (n: number) => () => {
      unwraps += 1;
      return Promise.resolve(handle(n));
    };
    const [a1, a2] = await Promise.all([cache.lease('a', unwrap(1)), cache.lease('a', unwrap(1))]);
    assert.equal(unwraps, 1);
    a1.release();
    a2.release();
    (await cache.lease('b', unwrap(2))).release();
    (await cache.lease('a', unwrap(1))).release(); // a is now most recent
    (await cache.lease('c', unwrap(3))).release(); // evicts b
    await Promise.resolve();
    assert.deepEqual(destroyed, [2]);
    assert.equal(cache.size, 2);
    assert.equal(unwraps, 3);
  });

  void test('never destroys a key while a lease holds it', async () => {
    const destroyed: number[] = [];
    const cache = new UnwrappedKeyCache(1, (h) => destroyed.push(h[0] ?? -1));
    const held = await cache.lease('a', () => Promise.resolve(handle(1)));
    (await cache.lease('b', () => Promise.resolve(handle(2)))).release(); // evicts a, still leased
    await Promise.resolve();
    assert.deepEqual(destroyed, []);
    held.release();
    held.release(); // idempotent
    assert.deepEqual(destroyed, [1]);
  });

  void test('a failed unwrap is not cached', async () => {
    const cache = new UnwrappedKeyCache(4, () => undefined);
    await assert.rejects(cache.lease('a', () => Promise.reject(new Error('bad'))));
    assert.equal(cache.size, 0);
    const lease = await cache.lease('a', () => Promise.resolve(handle(1)));
    assert.equal(lease.handle[0], 1);
  });
});
