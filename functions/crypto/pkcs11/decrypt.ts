import { type GcmCiphertext, HsmDecryptError, type WrappedKey } from '../hsm.ts';
import { asBuffer, toBytes } from './cryptoki.ts';
import { type Pkcs11Context, withRootKey } from './context.ts';
import { mapErrors } from './errors.ts';
import { GCM_IV_BYTES, GCM_TAG_BYTES, gcmMechanism } from './gcm.ts';

/**
 * Reverses {@link encrypt}. A failed tag check comes back from SoftHSM as CKR_GENERAL_ERROR
 * (measured), from other modules as CKR_ENCRYPTED_DATA_INVALID: both mean "not authentic".
 * Malformed input (wrong IV length, shorter than a tag) is refused before the HSM sees it, with
 * the same error, so a caller learns nothing more from the shape of a forgery.
 */
export function decrypt(ctx: Pkcs11Context, key: WrappedKey, sealed: GcmCiphertext, aad: Uint8Array): Promise<Uint8Array> {
  if (sealed.iv.length !== GCM_IV_BYTES || sealed.ciphertext.length <= GCM_TAG_BYTES) {
    return Promise.reject(new HsmDecryptError());
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
    {
      CKR_GENERAL_ERROR: (cause) => new HsmDecryptError({ cause }),
      CKR_ENCRYPTED_DATA_INVALID: (cause) => new HsmDecryptError({ cause }),
      CKR_ENCRYPTED_DATA_LEN_RANGE: (cause) => new HsmDecryptError({ cause }),
    },
  );
}
