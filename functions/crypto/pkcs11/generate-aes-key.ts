import type { WrappedKey } from '../../../application/ports/hsm.ts';
import { ck } from './cryptoki.ts';
import { type Pkcs11Context, wrapUnder } from './context.ts';
import { mapErrors } from './errors.ts';
import { destroyQuietly } from './find-objects.ts';
import { rootKeyToWrapTemplate } from './templates.ts';

/** A new AES-256 root key version: generated in the HSM, wrapped under the root-keys master key, destroyed. */
export function generateAesKey(ctx: Pkcs11Context): Promise<WrappedKey> {
  return mapErrors('generate AES key', () =>
    ctx.pool.use(async (session) => {
      const key = await ctx.module.C_GenerateKeyAsync(session, { mechanism: ck.CKM_AES_KEY_GEN }, [
        ...rootKeyToWrapTemplate(),
        { type: ck.CKA_VALUE_LEN, value: 32 },
      ]);
      try {
        return await wrapUnder(ctx, session, ctx.masterKeys.rootKeys, key, 32);
      } finally {
        destroyQuietly(ctx.module, session, key);
      }
    }),
  );
}
