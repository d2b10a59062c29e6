import { HsmInvalidInputError, type WrappedKey } from '../../../application/ports/hsm.ts';
import { asBuffer, ck, type Handle } from './cryptoki.ts';
import { type Pkcs11Context, ROOT_KEY_LENGTHS, wrapUnder } from './context.ts';
import { mapErrors } from './errors.ts';
import { destroyQuietly } from './find-objects.ts';
import { rootKeyToWrapTemplate } from './templates.ts';

/**
 * Brings caller-supplied AES key material under the root-keys master key, as a root key
 * version that {@link encrypt}/{@link decrypt} can use and exportSecret can never return.
 * The length is checked here: SoftHSM accepts AES objects of any length.
 */
export function importRootKey(ctx: Pkcs11Context, material: Uint8Array): Promise<WrappedKey> {
  if (!ROOT_KEY_LENGTHS.has(material.length)) {
    return Promise.reject(new HsmInvalidInputError('a root key must be 16, 24 or 32 bytes'));
  }
  return mapErrors('import root key', () => ctx.pool.use((session) => wrapRootKeyMaterial(ctx, session, material)));
}

/** Creates a temporary AES object from `material` on `session`, wraps it as a root key, destroys it. */
export async function wrapRootKeyMaterial(
  ctx: Pkcs11Context,
  session: Handle,
  material: Uint8Array,
): Promise<WrappedKey> {
  const object = ctx.module.C_CreateObject(session, [
    ...rootKeyToWrapTemplate(),
    { type: ck.CKA_VALUE, value: asBuffer(material) },
  ]);
  try {
    return await wrapUnder(ctx, session, ctx.masterKeys.rootKeys, object, material.length);
  } finally {
    destroyQuietly(ctx.module, session, object);
  }
}
