import { type GcmCiphertext, HsmInvalidInputError, type WrappedKey } from '../../../application/ports/hsm.ts';
import { asBuffer, toBytes } from './cryptoki.ts';
import { type Pkcs11Context, withRootKey, withRootKeyNow } from './context.ts';
import { mapErrors, toHsmError } from './errors.ts';
import { GCM_TAG_BYTES, gcmMechanism } from './gcm.ts';

/**
 * AES-256-GCM under root key `key`, inside the HSM, with a fresh IV from the HSM's generator, as a
 * blocking call on the event loop when the adapter runs blocking and the key is cached; undefined
 * otherwise (then use {@link encrypt}). Throws port errors.
 */
export function encryptNow(
  ctx: Pkcs11Context,
  key: WrappedKey,
  plaintext: Uint8Array,
  aad: Uint8Array,
): GcmCiphertext | undefined {
  if (plaintext.length === 0) throw new HsmInvalidInputError('plaintext must not be empty');
  try {
    return withRootKeyNow(ctx, key, (session, handle) => {
      const iv = ctx.ivs.take(ctx.module, session);
      ctx.module.C_EncryptInit(session, gcmMechanism(iv, asBuffer(aad)), handle);
      const sealed = ctx.module.C_Encrypt(session, asBuffer(plaintext), Buffer.alloc(plaintext.length + GCM_TAG_BYTES));
      return { iv: toBytes(iv), ciphertext: toBytes(sealed) };
    })?.value;
  } catch (error) {
    throw toHsmError('encrypt', error);
  }
}

/**
 * AES-256-GCM under root key `key` on a pooled session, the operation itself on libuv's thread pool
 * (unwrapping the key first when it is not cached). Empty plaintexts are refused: SoftHSM 2.6.1
 * rejects them (CKR_ARGUMENTS_BAD), and keyledger never seals nothing.
 */
export function encrypt(
  ctx: Pkcs11Context,
  key: WrappedKey,
  plaintext: Uint8Array,
  aad: Uint8Array,
): Promise<GcmCiphertext> {
  if (plaintext.length === 0) return Promise.reject(new HsmInvalidInputError('plaintext must not be empty'));
  return mapErrors('encrypt', () =>
    withRootKey(ctx, key, (handle) =>
      ctx.pool.use(async (session) => {
        const iv = ctx.ivs.take(ctx.module, session);
        ctx.module.C_EncryptInit(session, gcmMechanism(iv, asBuffer(aad)), handle);
        const out = Buffer.alloc(plaintext.length + GCM_TAG_BYTES);
        const sealed = await ctx.module.C_EncryptAsync(session, asBuffer(plaintext), out);
        return { iv: toBytes(iv), ciphertext: toBytes(sealed) };
      }),
    ),
  );
}
