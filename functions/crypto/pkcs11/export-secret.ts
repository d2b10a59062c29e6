import { HsmInvalidInputError, HsmUnknownKeyError, type WrappedKey } from '../../../application/ports/hsm.ts';
import { asBuffer, ck } from './cryptoki.ts';
import { KEY_WRAP_PAD, type Pkcs11Context, unwrapError } from './context.ts';
import { destroyQuietly, readAttribute } from './find-objects.ts';
import { unframeSecret } from './secret-framing.ts';
import { secretToReadTemplate } from './templates.ts';

/**
 * Returns a standard key payload in the clear. Only material under the secrets master key is
 * accepted; a root key is refused here, and would fail the HSM's RFC 5649 integrity check even
 * if presented under the wrong master key id.
 */
export async function exportSecret(ctx: Pkcs11Context, key: WrappedKey): Promise<Uint8Array> {
  const master = ctx.masterKeys.secrets;
  if (key.masterKeyId === ctx.masterKeys.rootKeys.id)
    throw new HsmInvalidInputError('root key material cannot be exported');
  if (key.masterKeyId !== master.id)
    throw new HsmUnknownKeyError(`master key ${key.masterKeyId} is not held by this HSM`);
  let framed: Buffer;
  try {
    framed = await ctx.pool.use(async (session) => {
      const object = await ctx.module.C_UnwrapKeyAsync(
        session,
        KEY_WRAP_PAD,
        master.handle,
        asBuffer(key.wrapped),
        secretToReadTemplate(),
      );
      try {
        return readAttribute(ctx.module, session, object, ck.CKA_VALUE);
      } finally {
        destroyQuietly(ctx.module, session, object);
      }
    });
  } catch (error) {
    throw unwrapError('export secret', key, error);
  }
  try {
    const payload = unframeSecret(framed);
    if (payload === undefined) throw new HsmUnknownKeyError('wrapped material is not a framed secret');
    return new Uint8Array(payload);
  } finally {
    framed.fill(0);
  }
}
