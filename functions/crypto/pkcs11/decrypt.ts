import { type GcmCiphertext, HsmDecryptError, type WrappedKey } from '../../../application/ports/hsm.ts';
import { asBuffer, toBytes } from './cryptoki.ts';
import { type Pkcs11Context, withRootKey, withRootKeyNow } from './context.ts';
import { type CkrMapping, mapErrors, toHsmError } from './errors.ts';
import { GCM_IV_BYTES, GCM_TAG_BYTES, gcmMechanism } from './gcm.ts';

/**
 * Reverses {@link encrypt}. A failed tag check comes back from SoftHSM as CKR_GENERAL_ERROR
 * (measured), from other modules as CKR_ENCRYPTED_DATA_INVALID: both mean "not authentic".
 * Malformed input (wrong IV length, shorter than a tag) is refused before the HSM sees it, with
 * the same error, so a caller learns nothing more from the shape of a forgery.
 */
export function decrypt(
  ctx: Pkcs11Context,
  key: WrappedKey,
  sealed: GcmCiphertext,
  aad: Uint8Array,
): Promise<Uint8Array> {
  if (sealed.iv.length !== GCM_IV_BYTES || sealed.ciphertext.length <= GCM_TAG_BYTES) {
    return Promise.reject(new HsmDecryptError());
  }
  try {
    const now = withRootKeyNow(ctx, key, (session, handle) => {
      ctx.module.C_DecryptInit(session, gcmMechanism(asBuffer(sealed.iv), asBuffer(aad)), handle);
      return toBytes(
        ctx.module.C_Decrypt(session, asBuffer(sealed.ciphertext), Buffer.alloc(sealed.ciphertext.length)),
      );
    });
    if (now !== undefined) return Promise.resolve(now.value);
  } catch (error) {
    return Promise.reject(toHsmError('decrypt', error, NOT_AUTHENTIC));
  }
  return mapErrors(
    'decrypt',
    () =>
      withRootKey(ctx, key, (handle) =>
        ctx.pool.use(async (session) => {
          ctx.module.C_DecryptInit(session, gcmMechanism(asBuffer(sealed.iv), asBuffer(aad)), handle);
          const out = Buffer.alloc(sealed.ciphertext.length);
          return toBytes(await ctx.module.C_DecryptAsync(session, asBuffer(sealed.ciphertext), out));
        }),
      ),
    NOT_AUTHENTIC,
  );
}

const NOT_AUTHENTIC: CkrMapping = {
  CKR_GENERAL_ERROR: (cause) => new HsmDecryptError({ cause }),
  CKR_ENCRYPTED_DATA_INVALID: (cause) => new HsmDecryptError({ cause }),
  CKR_ENCRYPTED_DATA_LEN_RANGE: (cause) => new HsmDecryptError({ cause }),
};
