import { availableParallelism } from 'node:os';
import {
  type GcmCiphertext,
  type Hsm,
  HsmInvalidInputError,
  HsmUnavailableError,
  type ImportKeyPair,
  type OaepHash,
  type WrappedKey,
} from '../../../application/ports/hsm.ts';
import type { Pkcs11Context } from './context.ts';
import { ck, type Cryptoki, type Handle } from './cryptoki.ts';
import { decrypt, decryptNow } from './decrypt.ts';
import { destroyImportKeyPair } from './destroy-import-key-pair.ts';
import { encrypt, encryptNow } from './encrypt.ts';
import { ensureSigningKey } from './ensure-signing-key.ts';
import { ckrOf, toHsmError } from './errors.ts';
import { exportSecret } from './export-secret.ts';
import { generateAesKey } from './generate-aes-key.ts';
import { generateImportKeyPair } from './generate-import-key-pair.ts';
import { importRootKey } from './import-root-key.ts';
import { importSecret } from './import-secret.ts';
import { importWithRsaOaep } from './import-with-rsa-oaep.ts';
import { UnwrappedKeyCache } from './key-cache.ts';
import { acquireLibrary, type Library, releaseLibrary } from './library.ts';
import { IvReservoir } from './gcm.ts';
import { ensureMasterKeys } from './master-keys.ts';
import { random } from './random.ts';
import { SerialSession, SessionPool } from './session-pool.ts';
import { sign } from './sign.ts';
import { findTokenSlot, initialiseToken } from './token.ts';

/** How to reach the token; everything but the module, token and PIN has a default. */
export interface Pkcs11HsmOptions {
  /** Path of the PKCS#11 module (SoftHSM: /usr/lib/softhsm/libsofthsm2.so). */
  readonly modulePath: string;
  /** Label of the token holding keyledger's keys. */
  readonly tokenLabel: string;
  /** User PIN. */
  readonly pin: string;
  /**
   * SO PIN: when given and no token carries `tokenLabel`, the first free slot is initialised
   * with it (development with SoftHSM). Leave unset for provisioned production HSMs.
   */
  readonly soPin?: string;
  /** Label prefix of the master keys (`<label>/root-keys`, `<label>/secrets`). Default `keyledger-master`. */
  readonly masterKeyLabel?: string;
  /** Pooled sessions, i.e. HSM operations in flight at once. Default: the number of CPU cores. */
  readonly sessions?: number;
  /** Unwrapped root keys kept as session objects. Default 10 000. */
  readonly keyCacheSize?: number;
  /**
   * Encrypt and decrypt with a cached root key as blocking calls on the event loop (see
   * {@link Pkcs11Context.blocking}). Default false; {@link openSoftHsm} turns it on.
   */
  readonly blockingCrypto?: boolean;
}

/** Login as the normal user, tolerating a login already held by another Hsm of this process (login is per application). */
function login(library: Library, session: Handle, slotKey: string, pin: string): void {
  try {
    library.module.C_Login(session, ck.CKU_USER, pin);
  } catch (error) {
    const ckr = ckrOf(error);
    if (ckr === 'CKR_PIN_INCORRECT' || ckr === 'CKR_PIN_LEN_RANGE' || ckr === 'CKR_PIN_LOCKED')
      throw new HsmUnavailableError(`the token refused the user PIN (${ckr})`, { cause: error });
    if (ckr !== 'CKR_USER_ALREADY_LOGGED_IN') throw toHsmError('C_Login', error);
  }
  library.logins.set(slotKey, (library.logins.get(slotKey) ?? 0) + 1);
}

function logout(library: Library, session: Handle, slotKey: string): void {
  const remaining = (library.logins.get(slotKey) ?? 1) - 1;
  if (remaining > 0) {
    library.logins.set(slotKey, remaining);
    return;
  }
  library.logins.delete(slotKey);
  try {
    library.module.C_Logout(session);
  } catch {
    // Already logged out (session gone): nothing to undo.
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new HsmInvalidInputError(`${name} must be a positive integer`);
  return value;
}

/**
 * Opens the HSM port on a PKCS#11 token: joins (or performs) the process's single C_Initialize
 * of `modulePath`, finds the token (initialising it if `soPin` is given and it is missing),
 * logs in once, finds or creates the master keys, and opens the session pool.
 *
 * Startup work (C_Login, master key lookup) is synchronous: it happens once, before traffic.
 *
 * @throws {HsmUnavailableError} module, token, PIN or master keys unusable.
 * @throws {HsmInvalidInputError} options out of range.
 */
export function openPkcs11Hsm(options: Pkcs11HsmOptions): Promise<Hsm> {
  try {
    return Promise.resolve(open(options));
  } catch (error) {
    return Promise.reject(toHsmError('open PKCS#11 HSM', error));
  }
}

function open(options: Pkcs11HsmOptions): Hsm {
  const sessions = positiveInteger(options.sessions ?? availableParallelism(), 'sessions');
  const keyCacheSize = positiveInteger(options.keyCacheSize ?? 10_000, 'keyCacheSize');
  const library = acquireLibrary(options.modulePath);
  const module: Cryptoki = library.module;
  let owner: SerialSession | undefined;
  let slotKey: string | undefined;
  try {
    let slot = findTokenSlot(module, options.tokenLabel);
    if (slot === undefined && options.soPin !== undefined) {
      initialiseToken(module, options.tokenLabel, options.soPin, options.pin);
      slot = findTokenSlot(module, options.tokenLabel);
    }
    if (slot === undefined) throw new HsmUnavailableError(`token ${options.tokenLabel} not found`);
    owner = SerialSession.open(module, slot);
    login(library, owner.session, slot.toString('hex'), options.pin);
    slotKey = slot.toString('hex');
    const masterKeys = ensureMasterKeys(module, owner.session, options.masterKeyLabel ?? 'keyledger-master');
    const pool = new SessionPool(module, slot, sessions);
    const ownerSession = owner;
    const rootKeyCache = new UnwrappedKeyCache(keyCacheSize, (handle) => {
      ownerSession.run((session) => module.C_DestroyObject(session, handle)).catch(() => undefined);
    });
    const ctx: Pkcs11Context = {
      module,
      pool,
      owner,
      masterKeys,
      rootKeyCache,
      ivs: new IvReservoir(),
      oaepSha256: 'unknown',
      blocking: options.blockingCrypto ?? false,
    };
    return new Pkcs11Hsm(ctx, library, slotKey);
  } catch (error) {
    if (owner !== undefined) {
      if (slotKey !== undefined) logout(library, owner.session, slotKey);
      owner.close();
    }
    releaseLibrary(library);
    throw error;
  }
}

/** The {@link Hsm} port over one PKCS#11 token; each method delegates to its operation file. */
class Pkcs11Hsm implements Hsm {
  private inFlight = 0;
  private drained: (() => void) | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly ctx: Pkcs11Context,
    private readonly library: Library,
    private readonly slotKey: string,
  ) {}

  generateAesKey(): Promise<WrappedKey> {
    return this.track(() => generateAesKey(this.ctx));
  }
  importRootKey(material: Uint8Array): Promise<WrappedKey> {
    return this.track(() => importRootKey(this.ctx, material));
  }
  importSecret(material: Uint8Array): Promise<WrappedKey> {
    return this.track(() => importSecret(this.ctx, material));
  }
  exportSecret(key: WrappedKey): Promise<Uint8Array> {
    return this.track(() => exportSecret(this.ctx, key));
  }
  encrypt(key: WrappedKey, plaintext: Uint8Array, aad: Uint8Array): Promise<GcmCiphertext> {
    return (
      this.now(() => encryptNow(this.ctx, key, plaintext, aad)) ??
      this.track(() => encrypt(this.ctx, key, plaintext, aad))
    );
  }
  decrypt(key: WrappedKey, sealed: GcmCiphertext, aad: Uint8Array): Promise<Uint8Array> {
    return (
      this.now(() => decryptNow(this.ctx, key, sealed, aad)) ?? this.track(() => decrypt(this.ctx, key, sealed, aad))
    );
  }
  random(length: number): Promise<Uint8Array> {
    return this.track(() => random(this.ctx, length));
  }
  ensureSigningKey(label: string): Promise<Uint8Array> {
    return this.track(() => ensureSigningKey(this.ctx, label));
  }
  sign(label: string, data: Uint8Array): Promise<Uint8Array> {
    return this.track(() => sign(this.ctx, label, data));
  }
  generateImportKeyPair(): Promise<ImportKeyPair> {
    return this.track(() => generateImportKeyPair(this.ctx));
  }
  importWithRsaOaep(id: string, encrypted: Uint8Array, hash: OaepHash): Promise<WrappedKey> {
    return this.track(() => importWithRsaOaep(this.ctx, id, encrypted, hash));
  }
  destroyImportKeyPair(id: string): Promise<void> {
    return this.track(() => destroyImportKeyPair(this.ctx, id));
  }

  /** Waits for operations in flight, then logs out, closes every session and finalises the module. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    const { ctx } = this;
    ctx.rootKeyCache.clear();
    ctx.pool.close();
    // Let queued cache destroys on the owner session settle before it closes.
    await ctx.owner.run(() => undefined);
    logout(this.library, ctx.owner.session, this.slotKey);
    ctx.owner.close();
    releaseLibrary(this.library);
  }

  /**
   * A blocking operation's result, settled already; undefined when it cannot run at once (then
   * {@link track} its asynchronous path). Nothing is left in flight, so nothing needs tracking.
   */
  private now<T>(operation: () => T | undefined): Promise<T> | undefined {
    if (this.closing !== undefined) return Promise.reject(new HsmUnavailableError('HSM closed'));
    try {
      const value = operation();
      return value === undefined ? undefined : Promise.resolve(value);
    } catch (error) {
      return Promise.reject(toHsmError('HSM operation', error));
    }
  }

  private track<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closing !== undefined) return Promise.reject(new HsmUnavailableError('HSM closed'));
    this.inFlight += 1;
    let result: Promise<T>;
    try {
      result = operation();
    } catch (error) {
      result = Promise.reject(toHsmError('HSM operation', error));
    }
    return result.finally(() => {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.drained?.();
    });
  }
}
