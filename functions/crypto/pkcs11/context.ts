import { HsmUnknownKeyError, type WrappedKey } from '../../../application/ports/hsm.ts';
import { asBuffer, ck, type Cryptoki, type Handle } from './cryptoki.ts';
import { toHsmError } from './errors.ts';
import type { KeyLease, UnwrappedKeyCache } from './key-cache.ts';
import type { IvReservoir } from './gcm.ts';
import type { MasterKey, MasterKeys } from './master-keys.ts';
import type { SerialSession, SessionPool } from './session-pool.ts';
import { rootKeyInUseTemplate } from './templates.ts';

/** What every operation of the adapter works with; built once by openPkcs11Hsm. */
export interface Pkcs11Context {
  readonly module: Cryptoki;
  readonly pool: SessionPool;
  /** Logged-in session that owns long-lived session objects (cached root keys). */
  readonly owner: SerialSession;
  readonly masterKeys: MasterKeys;
  readonly rootKeyCache: UnwrappedKeyCache;
  /** GCM IVs from the HSM, drawn in batches (used on the event loop only). */
  readonly ivs: IvReservoir;
  /** Whether the module does RSA-OAEP with SHA-256 itself; learnt on first use. */
  oaepSha256: 'unknown' | 'supported' | 'unsupported';
  /**
   * Run encrypt/decrypt of a cached root key as blocking calls on the event loop instead of
   * libuv's thread pool: right for an in-process software token (SoftHSM: ~25 µs per GCM of a
   * DEK, less than the pool's round trip), wrong for a networked HSM (milliseconds per call).
   */
  readonly blocking: boolean;
}

/** RFC 5649 (AES key wrap with padding) under a master key. */
export const KEY_WRAP_PAD = { mechanism: ck.CKM_AES_KEY_WRAP_PAD };

/** Wraps `object` under `masterKey` on `session`; returns the stored form. */
export async function wrapUnder(
  ctx: Pkcs11Context,
  session: Handle,
  masterKey: MasterKey,
  object: Handle,
  maxValueLength: number,
): Promise<WrappedKey> {
  const out = Buffer.alloc(maxValueLength + 16);
  const wrapped = await ctx.module.C_WrapKeyAsync(session, KEY_WRAP_PAD, masterKey.handle, object, out);
  return { masterKeyId: masterKey.id, wrapped: new Uint8Array(wrapped) };
}

/** CKR codes with which an unwrap says "this is not material wrapped under that master key". */
const NOT_UNDER_MASTER_KEY = [
  'CKR_GENERAL_ERROR', // SoftHSM: RFC 5649 integrity check failed
  'CKR_WRAPPED_KEY_INVALID',
  'CKR_WRAPPED_KEY_LEN_RANGE',
  'CKR_KEY_SIZE_RANGE',
  'CKR_TEMPLATE_INCONSISTENT',
];

/** Maps unwrap failures of `key` to {@link HsmUnknownKeyError}, anything else to unavailability. */
export function unwrapError(operation: string, key: WrappedKey, error: unknown) {
  return toHsmError(
    operation,
    error,
    Object.fromEntries(
      NOT_UNDER_MASTER_KEY.map((ckr) => [
        ckr,
        (cause: Error) => new HsmUnknownKeyError(`material not wrapped under ${key.masterKeyId}`, { cause }),
      ]),
    ),
  );
}

/**
 * Leases the unwrapped, non-extractable session object for root key `key`, unwrapping it on a
 * cache miss. Only the root-keys master key is accepted: standard key payloads are never
 * usable as encryption keys, and vice versa.
 */
export function leaseRootKey(ctx: Pkcs11Context, key: WrappedKey): Promise<KeyLease> {
  const master = ctx.masterKeys.rootKeys;
  if (key.masterKeyId !== master.id) {
    return Promise.reject(new HsmUnknownKeyError(`master key ${key.masterKeyId} does not wrap root keys here`));
  }
  return ctx.rootKeyCache.lease(rootKeyCacheKey(master.id, key), () =>
    ctx.owner
      .run((session) =>
        ctx.module.C_UnwrapKeyAsync(
          session,
          KEY_WRAP_PAD,
          master.handle,
          asBuffer(key.wrapped),
          rootKeyInUseTemplate(),
        ),
      )
      .catch((error: unknown) => {
        throw unwrapError('unwrap root key', key, error);
      }),
  );
}

/**
 * The wrapped material itself names the key (it is ciphertext under the master key, a few dozen
 * bytes): no digest per call. Remembered per WrappedKey object, which callers keep with the key's
 * cached state, so a hot key's name is not rebuilt per call.
 */
function rootKeyCacheKey(masterId: string, key: WrappedKey): string {
  let name = cacheKeys.get(key);
  if (name === undefined) {
    name = `${masterId}\n${Buffer.from(key.wrapped.buffer, key.wrapped.byteOffset, key.wrapped.byteLength).toString('base64')}`;
    cacheKeys.set(key, name);
  }
  return name;
}
const cacheKeys = new WeakMap<WrappedKey, string>();

/**
 * Runs a blocking `body` with the root key of `key` on the event loop's session, at once, when the
 * adapter is in blocking mode and the key is cached; undefined otherwise (the caller then takes the
 * asynchronous path). Errors are thrown as they come (map them).
 */
export function withRootKeyNow<T>(
  ctx: Pkcs11Context,
  key: WrappedKey,
  body: (session: Handle, handle: Handle) => T,
): { value: T } | undefined {
  if (!ctx.blocking || key.masterKeyId !== ctx.masterKeys.rootKeys.id) return undefined;
  const lease = ctx.rootKeyCache.leaseNow(rootKeyCacheKey(ctx.masterKeys.rootKeys.id, key));
  if (lease === undefined) return undefined;
  try {
    return { value: ctx.pool.onEventLoop((session) => body(session, lease.handle)) };
  } finally {
    lease.release();
  }
}

/** Runs `body` with the root key of `key`, releasing the lease afterwards. */
export async function withRootKey<T>(
  ctx: Pkcs11Context,
  key: WrappedKey,
  body: (handle: Handle) => Promise<T>,
): Promise<T> {
  const lease = await leaseRootKey(ctx, key);
  try {
    return await body(lease.handle);
  } finally {
    lease.release();
  }
}

/** The AES key lengths a root key may have (AES-128/192/256). */
export const ROOT_KEY_LENGTHS: ReadonlySet<number> = new Set([16, 24, 32]);
