import { createHash } from 'node:crypto';
import { HsmUnknownKeyError } from '../../../application/ports/hsm.ts';
import { asBuffer, ck, type Handle, toBytes } from './cryptoki.ts';
import type { Pkcs11Context } from './context.ts';
import { findSigningKey, signingLabelError } from './ensure-signing-key.ts';
import { mapErrors } from './errors.ts';

/**
 * ECDSA P-256 over SHA-256 of `data` with the signing key `label`. The digest is computed in
 * node (it is public; hashing in the HSM would only add a round trip per block), CKM_ECDSA signs
 * it in the HSM and returns r||s, 32 bytes each: the JOSE ES256 / IEEE P1363 form.
 */
export function sign(ctx: Pkcs11Context, label: string, data: Uint8Array): Promise<Uint8Array> {
  const invalid = signingLabelError(label);
  if (invalid !== undefined) return Promise.reject(invalid);
  const digest = createHash('sha256').update(data).digest();
  return mapErrors('sign', () =>
    ctx.pool.use(async (session) => {
      let handles = privateKeys.get(ctx);
      if (handles === undefined) privateKeys.set(ctx, (handles = new Map<string, Handle>()));
      let privateKey = handles.get(label);
      if (privateKey === undefined) {
        privateKey = findSigningKey(ctx.module, session, label, ck.CKO_PRIVATE_KEY);
        if (privateKey === undefined) throw new HsmUnknownKeyError(`signing key ${label}`);
        handles.set(label, privateKey);
      }
      try {
        ctx.module.C_SignInit(session, { mechanism: ck.CKM_ECDSA }, privateKey);
        return toBytes(await ctx.module.C_SignAsync(session, asBuffer(digest), Buffer.alloc(64)));
      } catch (error) {
        handles.delete(label);
        throw error;
      }
    }),
  );
}

/**
 * Private key handles by label: a token object's handle is stable while the application is
 * logged in, and C_FindObjects over SoftHSM's file store costs more than the signature (bench/:
 * audit checkpoints sign often). Any failure forgets the handle, so the next call finds it again.
 */
const privateKeys = new WeakMap<Pkcs11Context, Map<string, Handle>>();
