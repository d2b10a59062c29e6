import { type AesGCM, ck, type Cryptoki, type Handle, type Mechanism } from './cryptoki.ts';

/** GCM IV length: 96 bits, the length GCM is designed for (NIST SP 800-38D §8.2). */
export const GCM_IV_BYTES = 12;
/** GCM tag length: the full 128 bits. */
export const GCM_TAG_BYTES = 16;

/** CKM_AES_GCM with a 96-bit IV, a 128-bit tag and the caller's AAD. */
export function gcmMechanism(iv: Buffer, aad: Buffer): Mechanism {
  const parameter: AesGCM = {
    type: ck.CK_PARAMS_AES_GCM,
    iv,
    aad,
    ivBits: GCM_IV_BYTES * 8,
    tagBits: GCM_TAG_BYTES * 8,
  };
  return { mechanism: ck.CKM_AES_GCM, parameter };
}

const IVS_PER_DRAW = 64;

/**
 * GCM IVs from the HSM's generator, drawn 64 at a time: one C_GenerateRandom instead of one per
 * encryption (about 5 µs each in SoftHSM, over 10 µs with cold caches; bench/gcm-cost.ts). Each IV
 * is handed out once; a draw fills a new buffer, so an IV handed out never changes.
 */
export class IvReservoir {
  private drawn: Buffer = Buffer.alloc(0);
  private next = 0;

  take(module: Cryptoki, session: Handle): Buffer {
    if (this.next === this.drawn.length) {
      this.drawn = module.C_GenerateRandom(session, Buffer.alloc(GCM_IV_BYTES * IVS_PER_DRAW));
      this.next = 0;
    }
    this.next += GCM_IV_BYTES;
    return this.drawn.subarray(this.next - GCM_IV_BYTES, this.next);
  }
}
