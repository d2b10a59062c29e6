/**
 * The contract every adapter of the HSM port passes (Cosmian kms `tests_shared.rs` style):
 * each test talks to the port only. Adapters call {@link hsmContract} from their own
 * `*.int.test.ts` with a factory that opens a fresh HSM and, optionally, a way to reopen it on
 * the same storage after close() (a restart).
 */
import assert from 'node:assert/strict';
import { constants, createPublicKey, createVerify, publicEncrypt, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  type Hsm,
  HsmDecryptError,
  HsmError,
  HsmInvalidInputError,
  HsmUnknownKeyError,
  type WrappedKey,
} from '../../../application/ports/hsm.ts';

export interface OpenedHsm {
  readonly hsm: Hsm;
  /** Opens the same HSM storage again; called only after `hsm.close()`. */
  readonly reopen?: () => Promise<Hsm>;
}

const bytes = (text: string) => new TextEncoder().encode(text);
const equal = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
const contains = (haystack: Uint8Array, needle: Uint8Array) => Buffer.from(haystack).includes(Buffer.from(needle));

/** Asserts that `promise` rejects with a port error of class `type` (never a raw vendor error). */
async function rejectsWith(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => HsmError,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
    return true;
  });
}

function oaepEncrypt(publicKeyDer: Uint8Array, hash: 'sha1' | 'sha256', material: Uint8Array): Uint8Array {
  const key = createPublicKey({ key: Buffer.from(publicKeyDer), format: 'der', type: 'spki' });
  return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, material);
}

function verifyEs256(spki: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  return createVerify('sha256').update(data).verify({ key, dsaEncoding: 'ieee-p1363' }, signature);
}

export function hsmContract(name: string, open: () => Promise<OpenedHsm>): void {
  void describe(`HSM port contract: ${name}`, () => {
    let opened: OpenedHsm;
    let hsm: Hsm;
    let rootKey: WrappedKey;

    before(async () => {
      opened = await open();
      hsm = opened.hsm;
      rootKey = await hsm.generateAesKey();
    });
    after(async () => {
      await hsm.close();
    });

    void describe('root keys and AES-GCM', () => {
      void test('generated keys are wrapped, distinct, and name their master key', async () => {
        const other = await hsm.generateAesKey();
        assert.equal(typeof rootKey.masterKeyId, 'string');
        assert.ok(rootKey.masterKeyId.length > 0);
        assert.equal(rootKey.wrapped.length, 40, 'RFC 5649 wrap of a 32-byte key is 40 bytes');
        assert.ok(!equal(rootKey.wrapped, other.wrapped));
      });

      void test('encrypt then decrypt with AAD round-trips', async () => {
        const plaintext = bytes('a data encryption key, 32 bytes!');
        const aad = bytes('key-id:v1');
        const sealed = await hsm.encrypt(rootKey, plaintext, aad);
        assert.equal(sealed.ciphertext.length, plaintext.length + 16);
        assert.ok(!contains(sealed.ciphertext, plaintext));
        assert.ok(equal(await hsm.decrypt(rootKey, sealed, aad), plaintext));
      });

      void test('empty AAD is allowed', async () => {
        const sealed = await hsm.encrypt(rootKey, bytes('x'), new Uint8Array());
        assert.ok(equal(await hsm.decrypt(rootKey, sealed, new Uint8Array()), bytes('x')));
      });

      void test('IV is 12 bytes and fresh on every call', async () => {
        const ivs = new Set<string>();
        for (let i = 0; i < 20; i += 1) {
          const { iv } = await hsm.encrypt(rootKey, bytes('same'), bytes('aad'));
          assert.equal(iv.length, 12);
          ivs.add(Buffer.from(iv).toString('hex'));
        }
        assert.equal(ivs.size, 20);
      });

      void test('wrong AAD is HsmDecryptError', async () => {
        const sealed = await hsm.encrypt(rootKey, bytes('secret'), bytes('aad-1'));
        await rejectsWith(hsm.decrypt(rootKey, sealed, bytes('aad-2')), HsmDecryptError);
      });

      void test('tampered ciphertext, tag or IV is HsmDecryptError', async () => {
        const sealed = await hsm.encrypt(rootKey, bytes('secret payload'), bytes('aad'));
        const flip = (data: Uint8Array, at: number) => {
          const copy = new Uint8Array(data);
          copy[at] = (copy[at] ?? 0) ^ 0x01;
          return copy;
        };
        await rejectsWith(
          hsm.decrypt(rootKey, { ...sealed, ciphertext: flip(sealed.ciphertext, 0) }, bytes('aad')),
          HsmDecryptError,
        );
        await rejectsWith(
          hsm.decrypt(
            rootKey,
            { ...sealed, ciphertext: flip(sealed.ciphertext, sealed.ciphertext.length - 1) },
            bytes('aad'),
          ),
          HsmDecryptError,
        );
        await rejectsWith(hsm.decrypt(rootKey, { ...sealed, iv: flip(sealed.iv, 3) }, bytes('aad')), HsmDecryptError);
        await rejectsWith(
          hsm.decrypt(rootKey, { ...sealed, ciphertext: sealed.ciphertext.subarray(0, 10) }, bytes('aad')),
          HsmDecryptError,
        );
        await rejectsWith(
          hsm.decrypt(rootKey, { ...sealed, iv: sealed.iv.subarray(0, 8) }, bytes('aad')),
          HsmDecryptError,
        );
        // The session that saw the failures is still usable.
        assert.ok(equal(await hsm.decrypt(rootKey, sealed, bytes('aad')), bytes('secret payload')));
      });

      void test('decrypting under another root key is HsmDecryptError', async () => {
        const other = await hsm.generateAesKey();
        const sealed = await hsm.encrypt(rootKey, bytes('secret'), bytes('aad'));
        await rejectsWith(hsm.decrypt(other, sealed, bytes('aad')), HsmDecryptError);
      });

      void test('material not wrapped under the master key is HsmUnknownKeyError', async () => {
        const forged: WrappedKey = { masterKeyId: rootKey.masterKeyId, wrapped: randomBytes(40) };
        await rejectsWith(hsm.encrypt(forged, bytes('x'), bytes('aad')), HsmUnknownKeyError);
        const truncated: WrappedKey = { masterKeyId: rootKey.masterKeyId, wrapped: rootKey.wrapped.subarray(0, 5) };
        await rejectsWith(hsm.encrypt(truncated, bytes('x'), bytes('aad')), HsmUnknownKeyError);
        const elsewhere: WrappedKey = { masterKeyId: 'no-such-master-key', wrapped: rootKey.wrapped };
        await rejectsWith(hsm.encrypt(elsewhere, bytes('x'), bytes('aad')), HsmUnknownKeyError);
      });

      void test('empty plaintext is HsmInvalidInputError', async () => {
        await rejectsWith(hsm.encrypt(rootKey, new Uint8Array(), bytes('aad')), HsmInvalidInputError);
      });

      void test('200 parallel encrypts and decrypts over many keys succeed', async () => {
        const keys = await Promise.all(Array.from({ length: 8 }, () => hsm.generateAesKey()));
        const jobs = Array.from({ length: 200 }, async (_, i) => {
          const key = keys[i % keys.length] ?? rootKey;
          const plaintext = bytes(`message ${i}`);
          const aad = bytes(`aad ${i}`);
          const sealed = await hsm.encrypt(key, plaintext, aad);
          assert.ok(equal(await hsm.decrypt(key, sealed, aad), plaintext));
          return Buffer.from(sealed.iv).toString('hex');
        });
        const ivs = await Promise.all(jobs);
        assert.equal(new Set(ivs).size, 200);
      });
    });

    void describe('imported root keys', () => {
      void test('an imported AES key encrypts like a generated one', async () => {
        const material = randomBytes(32);
        const key = await hsm.importRootKey(material);
        assert.ok(!contains(key.wrapped, material));
        const sealed = await hsm.encrypt(key, bytes('hello'), bytes('aad'));
        assert.ok(equal(await hsm.decrypt(key, sealed, bytes('aad')), bytes('hello')));
        // Same material, same key: a second import decrypts what the first sealed.
        const again = await hsm.importRootKey(material);
        assert.ok(equal(await hsm.decrypt(again, sealed, bytes('aad')), bytes('hello')));
      });

      void test('128- and 192-bit keys are accepted, other lengths are not', async () => {
        for (const length of [16, 24]) {
          const key = await hsm.importRootKey(randomBytes(length));
          const sealed = await hsm.encrypt(key, bytes('x'), bytes('aad'));
          assert.ok(equal(await hsm.decrypt(key, sealed, bytes('aad')), bytes('x')));
        }
        for (const length of [0, 1, 20, 33])
          await rejectsWith(hsm.importRootKey(randomBytes(length)), HsmInvalidInputError);
      });
    });

    void describe('standard key payloads', () => {
      for (const length of [1, 7, 8, 32, 7500]) {
        void test(`importSecret/exportSecret round-trips ${length} bytes`, async () => {
          const material = randomBytes(length);
          const wrapped = await hsm.importSecret(material);
          assert.ok(!equal(wrapped.wrapped, material));
          if (length >= 4) assert.ok(!contains(wrapped.wrapped, material));
          assert.ok(equal(await hsm.exportSecret(wrapped), material));
        });
      }

      void test('payloads ending in zero bytes keep their exact length', async () => {
        for (const material of [
          new Uint8Array([0]),
          new Uint8Array([1, 0]),
          new Uint8Array(16),
          new Uint8Array([0x80, 0, 0]),
        ]) {
          assert.ok(equal(await hsm.exportSecret(await hsm.importSecret(material)), material));
        }
      });

      void test('empty payloads are refused', async () => {
        await rejectsWith(hsm.importSecret(new Uint8Array()), HsmInvalidInputError);
      });

      void test('root key material is never exported', async () => {
        await rejectsWith(hsm.exportSecret(rootKey), HsmError);
        const imported = await hsm.importRootKey(randomBytes(32));
        await rejectsWith(hsm.exportSecret(imported), HsmError);
      });

      void test('root key material presented under the secrets master key id does not unwrap', async () => {
        const secret = await hsm.importSecret(randomBytes(32));
        await rejectsWith(
          hsm.exportSecret({ masterKeyId: secret.masterKeyId, wrapped: rootKey.wrapped }),
          HsmUnknownKeyError,
        );
      });

      void test('a standard payload is not usable as a root key', async () => {
        const secret = await hsm.importSecret(randomBytes(32));
        await rejectsWith(hsm.encrypt(secret, bytes('x'), bytes('aad')), HsmUnknownKeyError);
      });

      void test('garbage is HsmUnknownKeyError', async () => {
        const secret = await hsm.importSecret(randomBytes(32));
        await rejectsWith(
          hsm.exportSecret({ masterKeyId: secret.masterKeyId, wrapped: randomBytes(48) }),
          HsmUnknownKeyError,
        );
      });
    });

    void describe('random', () => {
      void test('returns the requested number of bytes, different each time', async () => {
        for (const length of [1, 12, 32, 1000]) assert.equal((await hsm.random(length)).length, length);
        assert.ok(!equal(await hsm.random(32), await hsm.random(32)));
      });

      void test('refuses nonsense lengths', async () => {
        for (const length of [0, -1, 1.5, Number.NaN]) await rejectsWith(hsm.random(length), HsmInvalidInputError);
      });
    });

    void describe('signing', () => {
      void test('ensureSigningKey returns a P-256 SPKI and is idempotent', async () => {
        const spki = await hsm.ensureSigningKey('contract-signing');
        const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
        assert.equal(key.asymmetricKeyType, 'ec');
        assert.equal(key.asymmetricKeyDetails?.namedCurve, 'prime256v1');
        assert.ok(equal(await hsm.ensureSigningKey('contract-signing'), spki));
        const [a, b] = await Promise.all([
          hsm.ensureSigningKey('contract-concurrent'),
          hsm.ensureSigningKey('contract-concurrent'),
        ]);
        assert.ok(equal(a, b));
      });

      void test('sign produces a 64-byte ES256 signature that node:crypto verifies', async () => {
        const spki = await hsm.ensureSigningKey('contract-signing');
        const data = bytes('header.payload');
        const signature = await hsm.sign('contract-signing', data);
        assert.equal(signature.length, 64);
        assert.ok(verifyEs256(spki, data, signature));
        assert.ok(!verifyEs256(spki, bytes('header.other'), signature));
      });

      void test('signing with an unknown label is HsmUnknownKeyError', async () => {
        await rejectsWith(hsm.sign('contract-no-such-key', bytes('x')), HsmUnknownKeyError);
      });
    });

    void describe('secure import (RSA-OAEP)', () => {
      for (const hash of ['sha1', 'sha256'] as const) {
        void test(`imports a key encrypted with OAEP ${hash}`, async () => {
          const pair = await hsm.generateImportKeyPair();
          const publicKey = createPublicKey({ key: Buffer.from(pair.publicKeyDer), format: 'der', type: 'spki' });
          assert.equal(publicKey.asymmetricKeyDetails?.modulusLength, 4096);
          const material = randomBytes(32);
          const imported = await hsm.importWithRsaOaep(pair.id, oaepEncrypt(pair.publicKeyDer, hash, material), hash);
          // Same material through the plaintext path: the two root keys must be the same key.
          const reference = await hsm.importRootKey(material);
          const sealed = await hsm.encrypt(imported, bytes('imported'), bytes('aad'));
          assert.ok(equal(await hsm.decrypt(reference, sealed, bytes('aad')), bytes('imported')));
          await rejectsWith(hsm.exportSecret(imported), HsmError);
          await hsm.destroyImportKeyPair(pair.id);
        });
      }

      void test('wrong ciphertext, wrong hash, wrong key and destroyed keys are typed errors', async () => {
        const pair = await hsm.generateImportKeyPair();
        const other = await hsm.generateImportKeyPair();
        const material = randomBytes(32);
        const sha256 = oaepEncrypt(pair.publicKeyDer, 'sha256', material);
        const sha1 = oaepEncrypt(pair.publicKeyDer, 'sha1', material);
        await rejectsWith(hsm.importWithRsaOaep(pair.id, randomBytes(512), 'sha1'), HsmDecryptError);
        await rejectsWith(hsm.importWithRsaOaep(pair.id, randomBytes(512), 'sha256'), HsmDecryptError);
        await rejectsWith(hsm.importWithRsaOaep(pair.id, randomBytes(10), 'sha256'), HsmDecryptError);
        await rejectsWith(hsm.importWithRsaOaep(pair.id, sha256, 'sha1'), HsmDecryptError);
        await rejectsWith(hsm.importWithRsaOaep(pair.id, sha1, 'sha256'), HsmDecryptError);
        await rejectsWith(hsm.importWithRsaOaep(other.id, sha256, 'sha256'), HsmDecryptError);
        await rejectsWith(
          hsm.importWithRsaOaep(pair.id, oaepEncrypt(pair.publicKeyDer, 'sha256', randomBytes(20)), 'sha256'),
          HsmInvalidInputError,
        );
        await rejectsWith(hsm.importWithRsaOaep('not-an-id', sha256, 'sha256'), HsmUnknownKeyError);
        await hsm.destroyImportKeyPair(pair.id);
        await hsm.destroyImportKeyPair(pair.id);
        await hsm.destroyImportKeyPair('not-an-id');
        await rejectsWith(hsm.importWithRsaOaep(pair.id, sha256, 'sha256'), HsmUnknownKeyError);
        await hsm.destroyImportKeyPair(other.id);
      });
    });

    void describe('lifecycle', () => {
      void test('a restart on the same storage keeps master keys, signing keys and import keys', async (t) => {
        if (opened.reopen === undefined) {
          t.skip('adapter has no persistent storage');
          return;
        }
        const secret = randomBytes(100);
        const storedSecret = await hsm.importSecret(secret);
        const sealed = await hsm.encrypt(rootKey, bytes('before restart'), bytes('aad'));
        const spki = await hsm.ensureSigningKey('contract-restart');
        const pair = await hsm.generateImportKeyPair();

        await hsm.close();
        await hsm.close(); // idempotent
        await rejectsWith(hsm.random(8), HsmError);
        hsm = await opened.reopen();

        assert.ok(equal(await hsm.decrypt(rootKey, sealed, bytes('aad')), bytes('before restart')));
        assert.ok(equal(await hsm.exportSecret(storedSecret), secret));
        assert.ok(equal(await hsm.ensureSigningKey('contract-restart'), spki));
        assert.ok(verifyEs256(spki, bytes('after'), await hsm.sign('contract-restart', bytes('after'))));
        const material = randomBytes(32);
        const imported = await hsm.importWithRsaOaep(
          pair.id,
          oaepEncrypt(pair.publicKeyDer, 'sha256', material),
          'sha256',
        );
        const resealed = await hsm.encrypt(imported, bytes('x'), bytes('aad'));
        assert.ok(equal(await hsm.decrypt(await hsm.importRootKey(material), resealed, bytes('aad')), bytes('x')));
        await hsm.destroyImportKeyPair(pair.id);
      });
    });
  });
}
