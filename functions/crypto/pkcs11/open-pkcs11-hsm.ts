import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
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
import { acquireLibrary, type Library, reinitialiseLibrary, releaseLibrary } from './library.ts';
import { IvReservoir } from './gcm.ts';
import { ensureMasterKeys } from './master-keys.ts';
import { random } from './random.ts';
import { SerialSession, SessionPool } from './session-pool.ts';
import { sign } from './sign.ts';
import { findTokenSlot, initialiseToken, tokenHolds } from './token.ts';

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
    positiveInteger(options.sessions ?? availableParallelism(), 'sessions');
    positiveInteger(options.keyCacheSize ?? 10_000, 'keyCacheSize');
    const library = acquireLibrary(options.modulePath);
    try {
      return Promise.resolve(new Pkcs11Hsm(options, library, openToken(options, library, true)));
    } catch (error) {
      releaseLibrary(library);
      throw error;
    }
  } catch (error) {
    return Promise.reject(toHsmError('open PKCS#11 HSM', error));
  }
}

/** The adapter's hold on the token: its context, and what closing it needs. */
interface OpenToken {
  readonly ctx: Pkcs11Context;
  readonly slot: Handle;
  readonly slotKey: string;
  /** The library generation its sessions, login and handles belong to. */
  readonly generation: number;
}

/**
 * Finds the token, opens the owner session, logs in, finds the master keys and opens the pool. `first`:
 * the first open of this adapter, which may initialise a missing token and create missing master keys; a
 * reopen never does (a token that comes back without them stays unusable).
 */
function openToken(options: Pkcs11HsmOptions, library: Library, first: boolean): OpenToken {
  const module: Cryptoki = library.module;
  let owner: SerialSession | undefined;
  let slotKey: string | undefined;
  try {
    let slot = findTokenSlot(module, options.tokenLabel);
    if (slot === undefined && first && options.soPin !== undefined) {
      initialiseToken(module, options.tokenLabel, options.soPin, options.pin);
      slot = findTokenSlot(module, options.tokenLabel);
    }
    if (slot === undefined) throw new HsmUnavailableError(`token ${options.tokenLabel} not found`);
    owner = SerialSession.open(module, slot);
    login(library, owner.session, slot.toString('hex'), options.pin);
    slotKey = slot.toString('hex');
    const masterKeys = ensureMasterKeys(module, owner.session, options.masterKeyLabel ?? 'keyledger-master', first);
    const pool = new SessionPool(module, slot, options.sessions ?? availableParallelism());
    const ownerSession = owner;
    const rootKeyCache = new UnwrappedKeyCache(options.keyCacheSize ?? 10_000, (handle) => {
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
    return { ctx, slot, slotKey, generation: library.generation };
  } catch (error) {
    if (owner !== undefined) {
      if (slotKey !== undefined) logout(library, owner.session, slotKey);
      owner.close();
    }
    throw error;
  }
}

/** Closes what `token` opened; its login is undone only while it is of the library's current generation. */
async function closeToken(token: OpenToken, library: Library): Promise<void> {
  const { ctx } = token;
  ctx.rootKeyCache.clear();
  ctx.pool.close();
  // Let queued cache destroys on the owner session settle before it closes.
  await ctx.owner.run(() => undefined);
  if (token.generation === library.generation) logout(library, ctx.owner.session, token.slotKey);
  ctx.owner.close();
}

/** Reopen attempts while the token is lost: the first after this many ms, doubling up to {@link REOPEN_MAX_MS}. */
const REOPEN_FIRST_MS = 50;
const REOPEN_MAX_MS = 1_000;

/** The {@link Hsm} port over one PKCS#11 token; each method delegates to its operation file. */
class Pkcs11Hsm implements Hsm {
  private inFlight = 0;
  private drained: (() => void) | undefined;
  private closing: Promise<void> | undefined;
  /** Set while a failure is being looked into and, if the token is lost, until it is reopened. */
  private recovery: Promise<void> | undefined;
  /** The token is lost: calls fail at once with HsmUnavailableError until it is reopened. */
  private lost = false;

  constructor(
    private readonly options: Pkcs11HsmOptions,
    private readonly library: Library,
    private token: OpenToken,
  ) {}

  private get ctx(): Pkcs11Context {
    return this.token.ctx;
  }

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
    await this.recovery;
    await this.drain();
    await closeToken(this.token, this.library);
    releaseLibrary(this.library);
  }

  private async drain(): Promise<void> {
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
  }

  /**
   * An operation failed with HsmUnavailableError: one look at the token (a new session reads the master
   * keys), and if it no longer holds them, one recovery for every caller: calls fail at once meanwhile,
   * and the token is reopened (reinitialiseLibrary, then {@link openToken}) with a bounded backoff until
   * it answers or the adapter closes. Operations still in flight on the lost token drain first (they
   * fail with HsmUnavailableError), so nothing runs on the module while it is initialised again.
   */
  private suspectLoss(): void {
    if (this.recovery !== undefined || this.closing !== undefined) return;
    const { ctx, slot } = this.token;
    if (tokenHolds(ctx.module, slot, [ctx.masterKeys.rootKeys.handle, ctx.masterKeys.secrets.handle])) return;
    this.lost = true;
    this.recovery = this.reopen().finally(() => {
      this.recovery = undefined;
    });
  }

  private async reopen(): Promise<void> {
    await this.drain();
    const lostToken = this.token;
    await closeToken(lostToken, this.library).catch(() => undefined);
    for (let delay = REOPEN_FIRST_MS; this.closing === undefined; delay = Math.min(delay * 2, REOPEN_MAX_MS)) {
      await sleep(delay);
      if (this.closing !== undefined) return;
      try {
        reinitialiseLibrary(this.library, lostToken.generation);
        const reopened = openToken(this.options, this.library, false);
        reopened.ctx.oaepSha256 = lostToken.ctx.oaepSha256;
        this.token = reopened;
        this.lost = false;
        return;
      } catch {
        // Still gone (C_Initialize, the token, the login or the master keys failed): try again later.
      }
    }
  }

  /**
   * A blocking operation's result, settled already; undefined when it cannot run at once (then
   * {@link track} its asynchronous path). Nothing is left in flight, so nothing needs tracking.
   */
  private now<T>(operation: () => T | undefined): Promise<T> | undefined {
    const refused = this.refusal();
    if (refused !== undefined) return Promise.reject(refused);
    try {
      const value = operation();
      return value === undefined ? undefined : Promise.resolve(value);
    } catch (error) {
      return Promise.reject(this.failed(toHsmError('HSM operation', error)));
    }
  }

  private track<T>(operation: () => Promise<T>): Promise<T> {
    const refused = this.refusal();
    if (refused !== undefined) return Promise.reject(refused);
    this.inFlight += 1;
    let result: Promise<T>;
    try {
      result = operation();
    } catch (error) {
      result = Promise.reject(toHsmError('HSM operation', error));
    }
    return result
      .catch((error: unknown) => {
        throw this.failed(error);
      })
      .finally(() => {
        this.inFlight -= 1;
        if (this.inFlight === 0) this.drained?.();
      });
  }

  private refusal(): HsmUnavailableError | undefined {
    if (this.closing !== undefined) return new HsmUnavailableError('HSM closed');
    if (this.lost) return new HsmUnavailableError('HSM token lost; reopening it');
    return undefined;
  }

  /** Passes `error` on, after looking at the token when it says the HSM is unavailable. */
  private failed<E>(error: E): E {
    if (error instanceof HsmUnavailableError) this.suspectLoss();
    return error;
  }
}
