import type { ImportKeyPair } from '../../../application/ports/hsm.ts';
import { ck } from './cryptoki.ts';
import type { Pkcs11Context } from './context.ts';
import { mapErrors } from './errors.ts';
import { destroyQuietly, readAttribute } from './find-objects.ts';
import { rsaSpki } from './spki.ts';
import { importKeyPairTemplates } from './templates.ts';

/**
 * An RSA-4096 key pair for secure import. The private key is a persistent token object, so an
 * import token survives a restart; the public key is returned as SPKI DER and not kept.
 */
export function generateImportKeyPair(ctx: Pkcs11Context): Promise<ImportKeyPair> {
  return mapErrors('generate import key pair', () =>
    ctx.pool.use(async (session) => {
      const idBytes = Buffer.from(ctx.module.C_GenerateRandom(session, Buffer.alloc(16)));
      const templates = importKeyPairTemplates(idBytes);
      const pair = await ctx.module.C_GenerateKeyPairAsync(
        session,
        { mechanism: ck.CKM_RSA_PKCS_KEY_PAIR_GEN },
        templates.publicKey,
        templates.privateKey,
      );
      try {
        const modulus = readAttribute(ctx.module, session, pair.publicKey, ck.CKA_MODULUS);
        const exponent = readAttribute(ctx.module, session, pair.publicKey, ck.CKA_PUBLIC_EXPONENT);
        return { id: idBytes.toString('hex'), publicKeyDer: rsaSpki(modulus, exponent) };
      } catch (error) {
        destroyQuietly(ctx.module, session, pair.privateKey);
        throw error;
      } finally {
        destroyQuietly(ctx.module, session, pair.publicKey);
      }
    }),
  );
}
