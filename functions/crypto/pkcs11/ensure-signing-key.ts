import { HsmInvalidInputError, HsmUnavailableError } from '../../../application/ports/hsm.ts';
import { ck, type Cryptoki, type Handle } from './cryptoki.ts';
import type { Pkcs11Context } from './context.ts';
import { mapErrors } from './errors.ts';
import { findObjects, readAttribute } from './find-objects.ts';
import { p256SpkiFromEcPoint } from './spki.ts';
import { signingKeyPairTemplates } from './templates.ts';

/** Signing key labels: short and printable, since they name token objects. */
const LABEL = /^[\x21-\x7e]{1,64}$/u;

/** The error for an unusable signing key label, or undefined if `label` is fine. */
export function signingLabelError(label: string): HsmInvalidInputError | undefined {
  return LABEL.test(label)
    ? undefined
    : new HsmInvalidInputError('a signing key label is 1 to 64 printable ASCII characters');
}

/** Finds the token object of `objectClass` that is the EC key `label`, if any. */
export function findSigningKey(
  module: Cryptoki,
  session: Handle,
  label: string,
  objectClass: number,
): Handle | undefined {
  const found = findObjects(module, session, [
    { type: ck.CKA_CLASS, value: objectClass },
    { type: ck.CKA_KEY_TYPE, value: ck.CKK_EC },
    { type: ck.CKA_TOKEN, value: true },
    { type: ck.CKA_LABEL, value: label },
  ]);
  if (found.length > 1) throw new HsmUnavailableError(`more than one signing key is labelled ${label}`);
  return found[0];
}

/** In-flight creations per label, so two concurrent first calls in this process make one key pair. */
const creating = new WeakMap<Pkcs11Context, Map<string, Promise<Uint8Array>>>();

/**
 * Finds the persistent P-256 key pair `label` or generates it (both halves token objects: the
 * public half is kept so its SPKI can be read back after a restart). Returns the SPKI DER.
 */
export function ensureSigningKey(ctx: Pkcs11Context, label: string): Promise<Uint8Array> {
  const invalid = signingLabelError(label);
  if (invalid !== undefined) return Promise.reject(invalid);
  let inFlight = creating.get(ctx);
  if (inFlight === undefined) {
    inFlight = new Map<string, Promise<Uint8Array>>();
    creating.set(ctx, inFlight);
  }
  const pending = inFlight.get(label);
  if (pending !== undefined) return pending;
  const map = inFlight;
  const result = mapErrors('ensure signing key', () =>
    ctx.pool.use((session) => findOrCreate(ctx, session, label)),
  ).finally(() => map.delete(label));
  map.set(label, result);
  return result;
}

async function findOrCreate(ctx: Pkcs11Context, session: Handle, label: string): Promise<Uint8Array> {
  const privateKey = findSigningKey(ctx.module, session, label, ck.CKO_PRIVATE_KEY);
  let publicKey = findSigningKey(ctx.module, session, label, ck.CKO_PUBLIC_KEY);
  if (privateKey === undefined && publicKey === undefined) {
    const templates = signingKeyPairTemplates(label);
    const pair = await ctx.module.C_GenerateKeyPairAsync(
      session,
      { mechanism: ck.CKM_EC_KEY_PAIR_GEN },
      templates.publicKey,
      templates.privateKey,
    );
    publicKey = pair.publicKey;
  } else if (privateKey === undefined || publicKey === undefined) {
    throw new HsmUnavailableError(
      `signing key ${label} is missing its ${privateKey === undefined ? 'private' : 'public'} half`,
    );
  }
  return p256SpkiFromEcPoint(readAttribute(ctx.module, session, publicKey, ck.CKA_EC_POINT));
}
