/**
 * The HSM port. Everything keyledger asks of a hardware security module, in plain TypeScript:
 * no PKCS#11 (pkcs11js) type crosses this boundary. Adapters: `pkcs11/` (any PKCS#11 module,
 * SoftHSM2 in development and tests).
 *
 * Key material never leaves the HSM in the clear, except where the API itself returns it to an
 * authorised caller (a generated DEK, a standard key's payload): every stored key is a
 * {@link WrappedKey}, wrapped under the master key with AES key wrap with padding (RFC 5649).
 */
export interface WrappedKey {
  /** Id of the master key (a non-extractable token object) that wrapped this material. */
  readonly masterKeyId: string;
  /** RFC 5649 wrapped material, as stored in events. */
  readonly wrapped: Uint8Array;
}

export interface GcmCiphertext {
  /** 96-bit IV, generated inside the HSM. */
  readonly iv: Uint8Array;
  /** Ciphertext followed by the 128-bit tag. */
  readonly ciphertext: Uint8Array;
}

export interface ImportKeyPair {
  /** Id of the RSA private key inside the HSM (non-extractable). */
  readonly id: string;
  /** SubjectPublicKeyInfo, DER. */
  readonly publicKeyDer: Uint8Array;
}

export type OaepHash = 'sha1' | 'sha256';

export interface Hsm {
  /** Generates a 256-bit AES root key version inside the HSM; returns it wrapped under the master key. */
  generateAesKey(): Promise<WrappedKey>;
  /**
   * Brings caller-supplied AES key material (16, 24 or 32 bytes: a root key import) under the master key as a
   * root key version: usable by {@link encrypt}/{@link decrypt}, never returned by {@link exportSecret}.
   */
  importRootKey(material: Uint8Array): Promise<WrappedKey>;
  /** Brings a standard key payload under the master key; {@link exportSecret} returns it. Not usable as a root key. */
  importSecret(material: Uint8Array): Promise<WrappedKey>;
  /**
   * Returns a standard key payload (from {@link importSecret}) in the clear, which the API hands back.
   * Root key material (from {@link generateAesKey}, {@link importRootKey}, {@link importWithRsaOaep}) is refused.
   */
  exportSecret(key: WrappedKey): Promise<Uint8Array>;
  /** AES-256-GCM inside the HSM with an HSM-generated 96-bit IV; `aad` is authenticated. */
  encrypt(key: WrappedKey, plaintext: Uint8Array, aad: Uint8Array): Promise<GcmCiphertext>;
  /** Reverses {@link encrypt}; a wrong key, AAD or tampered ciphertext throws {@link HsmDecryptError}. */
  decrypt(key: WrappedKey, sealed: GcmCiphertext, aad: Uint8Array): Promise<Uint8Array>;
  /** Random bytes from the HSM's generator (DEKs, nonces). */
  random(length: number): Promise<Uint8Array>;
  /** Creates (or finds) a persistent, non-extractable P-256 signing key under `label`; returns its public key (SPKI DER). */
  ensureSigningKey(label: string): Promise<Uint8Array>;
  /** ECDSA P-256 over SHA-256 of `data` with the signing key `label`; returns the raw r||s signature (JOSE ES256). */
  sign(label: string, data: Uint8Array): Promise<Uint8Array>;
  /** Generates an RSA-4096 key pair for secure import; the private key stays in the HSM. */
  generateImportKeyPair(): Promise<ImportKeyPair>;
  /**
   * Decrypts RSAES-OAEP `encrypted` with the import private key `id` and brings the result under the master key.
   * Where the module lacks OAEP with `hash`, see the adapter's documentation for how it proceeds.
   */
  importWithRsaOaep(id: string, encrypted: Uint8Array, hash: OaepHash): Promise<WrappedKey>;
  /** Removes an import key pair (token expired or used up). Unknown ids are ignored. */
  destroyImportKeyPair(id: string): Promise<void>;
  /** Closes sessions and finalises the module. */
  close(): Promise<void>;
}

/** Base of every error the HSM port throws; `code` is stable, messages carry no key material. */
export class HsmError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Authentication failed: wrong key, wrong AAD, or tampered ciphertext. */
export class HsmDecryptError extends HsmError {
  constructor(options?: ErrorOptions) {
    super('HSM_DECRYPT_FAILED', 'ciphertext could not be authenticated', options);
  }
}

/** The wrapped key is not usable under any master key this HSM holds. */
export class HsmUnknownKeyError extends HsmError {
  constructor(what: string, options?: ErrorOptions) {
    super('HSM_UNKNOWN_KEY', `unknown key: ${what}`, options);
  }
}

/** Caller input the HSM rejects (bad length, bad encoding). */
export class HsmInvalidInputError extends HsmError {
  constructor(message: string, options?: ErrorOptions) {
    super('HSM_INVALID_INPUT', message, options);
  }
}

/** The module or token is unavailable or misbehaves; a 5xx at the edge. */
export class HsmUnavailableError extends HsmError {
  constructor(message: string, options?: ErrorOptions) {
    super('HSM_UNAVAILABLE', message, options);
  }
}
