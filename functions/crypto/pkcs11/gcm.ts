import { type AesGCM, ck, type Mechanism } from './cryptoki.ts';

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
