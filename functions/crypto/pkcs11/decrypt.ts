import { type GcmCiphertext, HsmDecryptError, type WrappedKey } from '../../../application/ports/hsm.ts';
import { asBuffer, toBytes } from './cryptoki.ts';
import { type Pkcs11Context, withRootKey, withRootKeyNow } from './context.ts';
import { type CkrMapping, mapErrors, toHsmError } from './errors.ts';
import { GCM_IV_BYTES, GCM_TAG_BYTES, gcmMechanism } from './gcm.ts';

/** Malformed input (wrong IV length, shorter than a tag) is refused before the HSM sees it, as not authentic. */
function malformed(sealed: GcmCiphertext): boolean {
  return sealed.iv.length !== GCM_IV_BYTES || sealed.ciphertext.length <= GCM_TAG_BYTES;
}

/**
 * Reverses {@link encrypt} as a blocking call on the event loop when the adapter runs blocking and
 * the key is cached; undefined otherwise (then use {@link decrypt}). Throws port errors.
 */
export function decryptNow(
  ctx: Pkcs11Context,
  key: WrappedKey,
  sealed: GcmCiphertext,
  aad: Uint8Array,
): Uint8Array | undefined {
  if (malformed(sealed)) throw new HsmDecryptError();
  try {
    return withRootKeyNow(ctx, key, (session, handle) => {
      ctx.module.C_DecryptInit(session, gcmMechanism(asBuffer(sealed.iv), asBuffer(aad)), handle);
      return toBytes(
        ctx.module.C_Decrypt(session, asBuffer(sealed.ciphertext), Buffer.alloc(sealed.ciphertext.length)),
      );
    })?.value;
  } catch (error) {
    throw toHsmError('decrypt', error, NOT_AUTHENTIC);
  }
}

/**
 * Reverses {@link encrypt} on a pooled session. A failed tag check comes back from SoftHSM as
 * CKR_GENERAL_ERROR (measured), from other modules as CKR_ENCRYPTED_DATA_INVALID: both mean "not
 * authentic". Malformed input is refused with the same error, so a caller learns nothing more from
 * the shape of a forgery.
 */
export function decrypt(
  ctx: Pkcs11Context,
  key: WrappedKey,
  sealed: GcmCiphertext,
  aad: Uint8Array,
): Promise<Uint8Array> {
  if (malformed(sealed)) return Promise.reject(new HsmDecryptError());
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
