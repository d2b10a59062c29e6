/** EME-OAEP decoding of the adapter's raw-RSA import path, checked against node:crypto's OAEP. */
import assert from 'node:assert/strict';
import { constants, generateKeyPairSync, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { decodeOaep } from '../../../../functions/crypto/pkcs11/oaep-decode.ts';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
/** What CKM_RSA_X_509 returns: m = c^d mod n, as k bytes. */
const rawDecrypt = (ciphertext: Uint8Array) =>
  privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, ciphertext);

void describe('decodeOaep', () => {
  for (const hash of ['sha1', 'sha256'] as const) {
    void test(`recovers what node encrypted with OAEP ${hash}`, () => {
      for (const length of [0, 1, 16, 32, 100, 256 - 2 * (hash === 'sha1' ? 20 : 32) - 2]) {
        const message = randomBytes(length);
        const ciphertext = publicEncrypt(
          { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash },
          message,
        );
        assert.deepEqual(Buffer.from(decodeOaep(rawDecrypt(ciphertext), hash) ?? []), message);
      }
    });
  }

  void test('rejects the wrong hash, corrupted blocks and short blocks alike', () => {
    const ciphertext = publicEncrypt(
      { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      randomBytes(32),
    );
    const em = rawDecrypt(ciphertext);
    assert.equal(decodeOaep(em, 'sha1'), undefined);
    for (const at of [0, 1, 40, em.length - 1]) {
      const corrupted = Buffer.from(em);
      corrupted[at] = (corrupted[at] ?? 0) ^ 0x01;
      assert.equal(decodeOaep(corrupted, 'sha256'), undefined, `byte ${at}`);
    }
    assert.equal(decodeOaep(rawDecrypt(randomBytes(256).fill(0, 0, 1)), 'sha256'), undefined);
    assert.equal(decodeOaep(new Uint8Array(60), 'sha256'), undefined);
  });
});
