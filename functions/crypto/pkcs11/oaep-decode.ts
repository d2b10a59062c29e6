import { createHash } from 'node:crypto';

/** Hashes EME-OAEP may use here, with their output lengths. */
const HASH_LENGTH = { sha1: 20, sha256: 32 } as const;
export type OaepDecodeHash = keyof typeof HASH_LENGTH;

/** MGF1 (RFC 8017 B.2.1) with `hash`. */
function mgf1(hash: OaepDecodeHash, seed: Uint8Array, length: number): Buffer {
  const out = Buffer.alloc(length);
  const counter = Buffer.alloc(4);
  for (let offset = 0, i = 0; offset < length; i += 1) {
    counter.writeUInt32BE(i);
    const block = createHash(hash).update(seed).update(counter).digest();
    offset += block.copy(out, offset);
    block.fill(0);
  }
  return out;
}

/**
 * EME-OAEP decoding, RFC 8017 §7.1.2 step 3, with an empty label: `em` is the raw RSA
 * decryption (I2OSP of m, exactly k bytes). Returns the message, or undefined on any error.
 *
 * Every check runs over the whole block and folds into one flag with bitwise operations, and
 * every failure gives the same undefined, so that neither the first byte (Manger's attack)
 * nor the padding shape is told apart by result or, as far as JavaScript allows, by timing.
 * Intermediate buffers are zeroed; the caller zeroes `em` and the returned message.
 */
export function decodeOaep(em: Uint8Array, hash: OaepDecodeHash): Uint8Array | undefined {
  const hLen = HASH_LENGTH[hash];
  const k = em.length;
  if (k < 2 * hLen + 2) return undefined;
  const lHash = createHash(hash).digest();
  const maskedSeed = em.subarray(1, 1 + hLen);
  const maskedDb = em.subarray(1 + hLen);
  const seed = mgf1(hash, maskedDb, hLen);
  for (let i = 0; i < hLen; i += 1) seed[i] = (seed[i] ?? 0) ^ (maskedSeed[i] ?? 0);
  const db = mgf1(hash, seed, k - hLen - 1);
  seed.fill(0);
  for (let i = 0; i < db.length; i += 1) db[i] = (db[i] ?? 0) ^ (maskedDb[i] ?? 0);

  let bad = em[0] ?? 1;
  for (let i = 0; i < hLen; i += 1) bad |= (db[i] ?? 0) ^ (lHash[i] ?? 0);
  let found = 0;
  let separator = 0;
  for (let i = hLen; i < db.length; i += 1) {
    const b = db[i] ?? 0;
    const isOne = ((b ^ 1) - 1) >>> 31;
    const isZero = (b - 1) >>> 31;
    const first = isOne & ~found & 1;
    separator |= -first & i;
    bad |= ~found & ~isZero & ~isOne & 1;
    found |= isOne;
  }
  bad |= ~found & 1;
  if (bad !== 0) {
    db.fill(0);
    return undefined;
  }
  const message = new Uint8Array(db.subarray(separator + 1));
  db.fill(0);
  return message;
}
