import {
  HsmDecryptError,
  HsmInvalidInputError,
  HsmUnknownKeyError,
  type OaepHash,
  type WrappedKey,
} from '../../../application/ports/hsm.ts';
import { asBuffer, ck, CKZ_DATA_SPECIFIED, type Handle, type Mechanism, type RsaOAEP } from './cryptoki.ts';
import { type Pkcs11Context, ROOT_KEY_LENGTHS, wrapUnder } from './context.ts';
import { type CkrMapping, ckrOf, mapErrors } from './errors.ts';
import { destroyQuietly, readAttribute } from './find-objects.ts';
import { findImportKeyObjects, importKeyIdBytes } from './import-key-pairs.ts';
import { wrapRootKeyMaterial } from './import-root-key.ts';
import { decodeOaep } from './oaep-decode.ts';
import { rootKeyToWrapTemplate } from './templates.ts';

const OAEP_PARAMETERS = {
  sha1: { hashAlg: ck.CKM_SHA_1, mgf: ck.CKG_MGF1_SHA1 },
  sha256: { hashAlg: ck.CKM_SHA256, mgf: ck.CKG_MGF1_SHA256 },
} as const;

function oaepMechanism(hash: OaepHash): Mechanism {
  const parameter: RsaOAEP = { type: ck.CK_PARAMS_RSA_OAEP, ...OAEP_PARAMETERS[hash], source: CKZ_DATA_SPECIFIED };
  return { mechanism: ck.CKM_RSA_PKCS_OAEP, parameter };
}

/** How a module says it cannot do OAEP with these parameters (SoftHSM 2.6.1, SHA-256: CKR_ARGUMENTS_BAD, measured). */
const OAEP_PARAMETERS_UNSUPPORTED = new Set([
  'CKR_ARGUMENTS_BAD',
  'CKR_MECHANISM_PARAM_INVALID',
  'CKR_MECHANISM_INVALID',
]);

/** RFC 5649 lengths of a wrapped 16-, 24- or 32-byte key. */
const WRAPPED_ROOT_KEY_LENGTHS: ReadonlySet<number> = new Set([24, 32, 40]);

const notAuthentic = (cause: Error) => new HsmDecryptError({ cause });
const notAnAesKey = (cause: Error) => new HsmInvalidInputError('imported key must be 16, 24 or 32 bytes', { cause });
const ERRORS: CkrMapping = {
  CKR_GENERAL_ERROR: notAuthentic, // SoftHSM: OAEP decoding failed, or ciphertext >= modulus
  CKR_ENCRYPTED_DATA_INVALID: notAuthentic,
  CKR_ENCRYPTED_DATA_LEN_RANGE: notAuthentic,
  CKR_WRAPPED_KEY_INVALID: notAuthentic,
  CKR_KEY_SIZE_RANGE: notAnAesKey,
  CKR_WRAPPED_KEY_LEN_RANGE: notAnAesKey,
  CKR_TEMPLATE_INCONSISTENT: notAnAesKey,
};

/**
 * Secure import: decrypts `encrypted` (RSAES-OAEP under import key pair `id`) and brings the
 * AES key inside under the root-keys master key.
 *
 * Where the module implements OAEP with `hash` (SHA-1 everywhere; SHA-256 on most HSMs), the
 * whole operation is one C_UnwrapKey: the imported key is born a session object, never in
 * process memory, then wrapped under the master key. SoftHSM 2.6.1 rejects OAEP with SHA-256
 * (CKR_ARGUMENTS_BAD); the first SHA-256 import learns that, and from then on the adapter
 * decrypts with raw RSA (CKM_RSA_X_509) in the HSM — the private key never leaves it — and
 * does the EME-OAEP decoding (SHA-256, MGF1-SHA-256, RFC 8017 §7.1.2) here, in constant-time
 * style, then wraps the decoded key at once and zeroes every buffer. The trade-off: on that
 * path the imported key is briefly in this process's memory, exactly as with a plaintext
 * import; the RSA private key is as safe as on the other path.
 *
 * Length check: on the in-HSM path the key is never seen, and SoftHSM accepts AES objects of
 * any length and pads to 8 bytes when wrapping, so only the wrapped length is checked
 * (9..32 bytes); a conforming module refuses other lengths itself. The raw path checks exactly.
 */
export async function importWithRsaOaep(
  ctx: Pkcs11Context,
  id: string,
  encrypted: Uint8Array,
  hash: OaepHash,
): Promise<WrappedKey> {
  const idBytes = importKeyIdBytes(id);
  if (idBytes === undefined) throw new HsmUnknownKeyError('import key');
  return mapErrors(
    'import with RSA-OAEP',
    () =>
      ctx.pool.use(async (session) => {
        const [privateKey] = findImportKeyObjects(ctx.module, session, idBytes, ck.CKO_PRIVATE_KEY);
        if (privateKey === undefined) throw new HsmUnknownKeyError('import key');
        const k = readAttribute(ctx.module, session, privateKey, ck.CKA_MODULUS).length;
        if (encrypted.length !== k) throw new HsmDecryptError();
        if (hash === 'sha1' || ctx.oaepSha256 !== 'unsupported') {
          try {
            const wrapped = await unwrapInHsm(ctx, session, privateKey, encrypted, hash);
            if (hash === 'sha256') ctx.oaepSha256 = 'supported';
            return wrapped;
          } catch (error) {
            const unsupported =
              hash === 'sha256' && ctx.oaepSha256 === 'unknown' && OAEP_PARAMETERS_UNSUPPORTED.has(ckrOf(error) ?? '');
            if (!unsupported) throw error;
            ctx.oaepSha256 = 'unsupported';
          }
        }
        return decodeInAdapter(ctx, session, privateKey, encrypted, k);
      }),
    ERRORS,
  );
}

async function unwrapInHsm(
  ctx: Pkcs11Context,
  session: Handle,
  privateKey: Handle,
  encrypted: Uint8Array,
  hash: OaepHash,
): Promise<WrappedKey> {
  const object = await ctx.module.C_UnwrapKeyAsync(
    session,
    oaepMechanism(hash),
    privateKey,
    asBuffer(encrypted),
    rootKeyToWrapTemplate(),
  );
  try {
    const wrapped = await wrapUnder(ctx, session, ctx.masterKeys.rootKeys, object, 32);
    if (!WRAPPED_ROOT_KEY_LENGTHS.has(wrapped.wrapped.length))
      throw new HsmInvalidInputError('imported key must be 16, 24 or 32 bytes');
    return wrapped;
  } finally {
    destroyQuietly(ctx.module, session, object);
  }
}

async function decodeInAdapter(
  ctx: Pkcs11Context,
  session: Handle,
  privateKey: Handle,
  encrypted: Uint8Array,
  k: number,
): Promise<WrappedKey> {
  ctx.module.C_DecryptInit(session, { mechanism: ck.CKM_RSA_X_509 }, privateKey);
  const out = Buffer.alloc(k);
  const raw = await ctx.module.C_DecryptAsync(session, asBuffer(encrypted), out);
  // I2OSP(m, k): some modules strip leading zero bytes of the raw result.
  const em = Buffer.alloc(k);
  raw.copy(em, k - raw.length);
  out.fill(0);
  const material = decodeOaep(em, 'sha256');
  em.fill(0);
  if (material === undefined) throw new HsmDecryptError();
  try {
    if (!ROOT_KEY_LENGTHS.has(material.length))
      throw new HsmInvalidInputError('imported key must be 16, 24 or 32 bytes');
    return await wrapRootKeyMaterial(ctx, session, material);
  } finally {
    material.fill(0);
  }
}
