import { HsmInvalidInputError, type WrappedKey } from '../../../application/ports/hsm.ts';
import { type Pkcs11Context, wrapUnder } from './context.ts';
import { mapErrors } from './errors.ts';
import { destroyQuietly } from './find-objects.ts';
import { frameSecret } from './secret-framing.ts';
import { secretToWrapTemplate } from './templates.ts';

/** Upper bound on a payload; the API allows 7500 bytes, this only keeps the HSM from absurd input. */
export const MAX_SECRET_LENGTH = 64 * 1024;

/**
 * Brings a standard key payload under the secrets master key: a temporary generic-secret
 * session object holding the framed payload is wrapped (RFC 5649) and destroyed.
 */
export function importSecret(ctx: Pkcs11Context, material: Uint8Array): Promise<WrappedKey> {
  if (material.length < 1 || material.length > MAX_SECRET_LENGTH) {
    return Promise.reject(new HsmInvalidInputError(`a secret must be 1 to ${MAX_SECRET_LENGTH} bytes`));
  }
  const framed = frameSecret(material);
  return mapErrors('import secret', () =>
    ctx.pool.use(async (session) => {
      const object = ctx.module.C_CreateObject(session, secretToWrapTemplate(framed));
      try {
        return await wrapUnder(ctx, session, ctx.masterKeys.secrets, object, framed.length);
      } finally {
        destroyQuietly(ctx.module, session, object);
      }
    }),
  ).finally(() => framed.fill(0));
}
